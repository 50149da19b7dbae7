"""Server-rendered HTML: one Jinja2 environment (autoescaping always on), strict headers.

Styles live in ``app/static/*.css`` and are inlined into each page, so a page or card is a
single self-contained response; the Content-Security-Policy allows exactly those styles by
hash and nothing else (no scripts, no external assets, no inline ``style=`` attributes).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import Request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.responses import Response

from app import formats

HTML_MEDIA_TYPE = "text/html; charset=utf-8"


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("app", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a typo in a template fails the tests, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = lambda name: Markup(stylesheet(name))  # our own file, verbatim: the CSP hashes it
    return env


@lru_cache
def stylesheet(name: str) -> str:
    """The text of ``app/static/<name>.css`` (inlined into a ``<style>`` element)."""
    return resources.files("app").joinpath("static", f"{name}.css").read_text(encoding="utf-8")


def style_hash(name: str) -> str:
    digest = hashlib.sha256(stylesheet(name).encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def page_headers(style: str, *, embeddable: bool) -> dict[str, str]:
    """CSP and hardening headers: no script may run; only a card may be framed elsewhere."""
    csp = (f"default-src 'none'; style-src {style_hash(style)}; img-src data:; base-uri 'none'; "
           f"form-action 'self'; frame-ancestors {'*' if embeddable else chr(39) + 'none' + chr(39)}")
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    if not embeddable:
        headers["X-Frame-Options"] = "DENY"
    return headers


def render(request: Request, template: str, context: dict[str, Any], *, style: str = "site",
           embeddable: bool = False, cache: str = "no-cache") -> Response:
    """A rendered page with an ETag (``304`` on a match) and the security headers."""
    html = environment().get_template(template).render(request=request, style=style, **context)
    body = html.encode("utf-8")
    etag = formats.etag_for(body)
    headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Accept", **page_headers(style, embeddable=embeddable)}
    if formats.not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=HTML_MEDIA_TYPE, headers=headers)
