"""Absolute URLs written into responses (``next``, ``Link``, ``url``, oEmbed ``html``).

They start with ``VERBATIM_PUBLIC_URL`` when it is set, so a forged ``Host`` header cannot
put another site's address into a response a cache may keep. Without it they follow the
request, whose ``Host`` the ``Guard`` middleware (:class:`app.middleware.HostPolicy`) has
already checked against ``VERBATIM_ALLOWED_HOSTS``.
"""

from __future__ import annotations

from starlette.datastructures import URL
from starlette.requests import Request


def base_url(request: Request) -> str:
    """Scheme, host and path prefix of this site, without a trailing slash."""
    public = request.app.state.settings.public_url
    return public or str(request.base_url).rstrip("/")


def absolute(request: Request, path: str) -> str:
    """``path`` (starting with ``/``) on this site."""
    return f"{base_url(request)}{path}"


def this_url(request: Request) -> URL:
    """The requested URL (path and query) on this site, ready for ``include_query_params``."""
    query = request.url.query
    return URL(absolute(request, request.url.path) + (f"?{query}" if query else ""))
