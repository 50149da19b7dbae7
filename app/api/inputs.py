"""``POST /documents`` bodies that are not the text itself: an HTML page, or a URL to fetch.

A ``text/html`` body is read as a web page (main text and metadata, :mod:`app.inputs.html`);
``{"url": …}`` is fetched first, only when the server enables fetching and only within its
limits (:mod:`app.inputs.fetch`). Both give an :class:`~app.inputs.article.Article`: the fields a
JSON document has, plus the page's site name as ``source``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.api.bodies import malformed
from app.inputs import Article, FetchError, InputError, fetch_page, fetch_policy
from app.inputs.html import read_page
from app.problems import FETCH_DISABLED, NO_ARTICLE_TEXT, Problem

HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# a failed fetch's kind → its problem type (registered in app.problems)
_FETCH_PROBLEMS = {
    "not-allowed": "url-not-allowed",
    "too-large": "fetched-too-large",
    "unsupported-type": "fetched-unsupported-type",
    "too-many-redirects": "too-many-redirects",
    "failed": "fetch-failed",
}


def is_html(content_type: str) -> bool:
    return content_type.partition(";")[0].strip().lower() in HTML_MEDIA_TYPES


async def html_page(body: bytes, content_type: str) -> Article:
    """The posted page; its declared charset is used, else the page's own ``<meta charset>``."""
    charset = content_type.partition("charset=")[2].split(";")[0].strip().strip('"').lower()
    html: str | bytes = body
    if charset:
        try:
            html = body.decode(charset)
        except LookupError:
            raise Problem(415, f"Unknown charset {charset!r}.") from None
        except UnicodeDecodeError as exc:
            raise malformed(f"The body is not valid {charset} (offset {exc.start}).") from None
    return await run_in_threadpool(_read, lambda: read_page(html))


async def fetched_page(app: FastAPI, url: str) -> Article:
    """The page at ``url``; 403 when this server does not fetch, a fetch problem otherwise."""
    if not app.state.settings.fetch_enabled:
        raise Problem.of(FETCH_DISABLED, "This server does not fetch URLs (VERBATIM_FETCH_ENABLED is off); "
                         "post the page as text/html instead.")
    policy = fetch_policy(app.state.settings)
    return await run_in_threadpool(_read, lambda: fetch_page(url, policy))


def _read(read: Callable[[], Article]) -> Article:
    """``read()``, its errors turned into problems with the reason as detail."""
    try:
        return read()
    except FetchError as exc:
        raise Problem.of(_FETCH_PROBLEMS[exc.kind], f"{_sentence(exc)}.") from None
    except InputError as exc:
        raise Problem.of(NO_ARTICLE_TEXT, f"{_sentence(exc)}: nothing to store.") from None


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]
