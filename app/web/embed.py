"""Embedding: the quote card (``/embed/statements/{id}``) and its oEmbed 1.0 provider.

The card is one self-contained HTML response (inline, hash-allowed CSS; no scripts, fonts or
images), framable anywhere and cacheable by CDNs. ``/oembed`` turns a statement or quote URL
of this server into an ``<iframe>`` of that card, sized within the consumer's limits.
"""

from __future__ import annotations

import html
import math
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session
from starlette.responses import Response

from app import formats
from app.api.common import problems
from app.api.quotations import document_count_of
from app.api.statements import StatementId, speakers_of
from app.db import SessionDep
from app.models import Document, Speaker, Statement
from app.problems import NOT_FOUND, Problem, not_found
from app.queries import as_id
from app.schemas import ProblemOut
from app.urls import base_url
from app.web.render import render

router = APIRouter(tags=["embedding"])

CACHE_AGE = 3600
MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 280, 800, 560


def statement_card_context(session: Session, st: Statement, base: str) -> dict[str, Any]:
    speaker = session.get(Speaker, st.speaker_id) if st.speaker_id is not None else None
    document = session.get(Document, st.document_id)
    return {"st": st, "speaker": speaker, "who": who_said(session, st), "document": document, "base": base,
            "oembed": oembed_href(base, f"{base}/statements/{st.id}"),
            "quoted_in": document_count_of(session, st.quotation_id)}


def who_said(session: Session, st: Statement) -> str | None:
    """The speakers' names as a card or an oEmbed title shows them: "A", "A and B", "A, B and C"."""
    names = [ref["name"] for ref in speakers_of(session, [(st.id, st.speaker_id)]).get(st.id or 0, [])]
    if len(names) <= 1:
        return names[0] if names else None
    return f"{', '.join(names[:-1])} and {names[-1]}"


def oembed_href(base: str, url: str) -> str:
    return f"{base}/oembed?url={quote(url, safe='')}&format=json"


@router.get("/embed/statements/{statement_id}", summary="Embeddable quote card (HTML)",
            response_class=Response, responses={200: {"content": {"text/html": {}}}, **problems(404, 422)})
def card(request: Request, session: SessionDep, statement_id: StatementId) -> Response:
    """A small HTML card for one statement: text, speaker (title, country), cue and source.

    Readable from 280 to 800 px wide; frame it anywhere (`frame-ancestors *`); cacheable.
    """
    st = session.get(Statement, statement_id)
    if st is None:
        raise not_found("statement", statement_id)
    base = base_url(request)
    return render(request, "card.html", statement_card_context(session, st, base), style="card",
                  embeddable=True, cache=f"public, max-age={CACHE_AGE // 12}")


class OEmbedOut(BaseModel):
    """oEmbed 1.0 `rich` response."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "version": "1.0", "type": "rich", "provider_name": "Verbatim", "provider_url": "http://127.0.0.1:8000/",
        "title": "Ilham Aliyev: “We discussed issues related to …”", "author_name": "Ilham Aliyev",
        "author_url": "http://127.0.0.1:8000/browse/speakers/ilham-aliyev", "cache_age": 3600,
        "width": 560, "height": 260,
        "html": '<iframe src="http://127.0.0.1:8000/embed/statements/3" width="560" height="260" …></iframe>'}]})
    version: Literal["1.0"]
    type: Literal["rich"]
    provider_name: str
    provider_url: str
    title: str
    author_name: str | None
    author_url: str | None
    cache_age: int
    width: int
    height: int
    html: str


def _statement_for(session: Session, request: Request, url: str) -> Statement:
    """The statement a URL of *this* server names (``/statements/{id}``, ``/quotes/{id}``,
    ``/embed/statements/{id}``); anything else, including other hosts, is a 404."""
    missing = Problem.of(NOT_FOUND, "The url names no statement or quote of this server.")
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise missing from None
    site = urlsplit(base_url(request))  # VERBATIM_PUBLIC_URL, path prefix included, when set
    prefix = site.path.rstrip("/")
    if (parts.scheme not in ("http", "https") or parts.netloc.lower() != site.netloc.lower()
            or not parts.path.startswith(f"{prefix}/")):
        raise missing
    segments = [s for s in parts.path[len(prefix):].split("/") if s]
    if len(segments) == 3 and segments[:2] == ["embed", "statements"]:
        segments = segments[1:]
    if len(segments) != 2 or segments[0] not in ("statements", "quotes"):
        raise missing
    row_id = as_id(segments[1])
    st = session.get(Statement, row_id) if row_id is not None else None
    if st is None or (segments[0] == "quotes" and st.kind != "direct"):
        raise missing
    return st


def _size(text: str, maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """Card size: 560 px wide by default (280–800, never above maxwidth), tall enough for
    the text at that width (never above maxheight; the card then scrolls)."""
    width = DEFAULT_WIDTH if maxwidth is None else min(DEFAULT_WIDTH, maxwidth)
    chars_per_line = max((width - 48) / 9.5, 10)
    lines = math.ceil(len(text) / chars_per_line) + 1
    height = 150 + lines * 27
    if maxheight is not None:
        height = min(height, maxheight)
    return width, height


@router.get("/oembed", response_model=OEmbedOut, summary="oEmbed 1.0 provider",
            responses={**problems(404, 422), 501: {
                "model": ProblemOut, "description": "Only format=json is implemented.",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}}})
def oembed(request: Request, session: SessionDep,
           url: Annotated[str, Query(max_length=2000, description="A statement or quote URL of this server.",
                                     examples=["http://127.0.0.1:8000/statements/3"])],
           maxwidth: Annotated[int | None, Query(ge=1, le=10_000, description="Maximum width in px.", examples=[400])] = None,
           maxheight: Annotated[int | None, Query(ge=1, le=10_000, description="Maximum height in px.", examples=[300])] = None,
           format: Annotated[str | None, Query(max_length=20, description="`json` (default); `xml` is not implemented.",
                                               examples=["json"])] = None) -> Response:
    """An `<iframe>` of the statement's card (`type: rich`), for oEmbed consumers."""
    if format not in (None, "", "json"):
        raise Problem(501, "Only format=json is implemented.")
    st = _statement_for(session, request, url)
    base = base_url(request)
    speaker = session.get(Speaker, st.speaker_id) if st.speaker_id is not None else None
    width, height = _size(st.text, maxwidth, maxheight)
    who = who_said(session, st)
    name = who or "Unattributed"
    short = st.text if len(st.text) <= 90 else st.text[:89].rsplit(" ", 1)[0] + "…"
    title = f"{name}: “{short}”"
    src = f"{base}/embed/statements/{st.id}"
    iframe = (f'<iframe src="{html.escape(src)}" width="{width}" height="{height}" '
              f'title="{html.escape(title)}" loading="lazy" frameborder="0" '
              f'sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>')
    data = {
        "version": "1.0", "type": "rich", "provider_name": "Verbatim", "provider_url": f"{base}/",
        "title": title, "author_name": who,
        "author_url": f"{base}/browse/speakers/{speaker.slug}" if speaker else None,
        "cache_age": CACHE_AGE, "width": width, "height": height, "html": iframe,
    }
    response = formats.json_response(request, data)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_AGE}"
    return response
