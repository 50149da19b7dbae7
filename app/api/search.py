"""``/search``: ranked full-text hits across statements and clauses, with safe snippets.

Ranks are not stable keys (they change with the corpus), so this list pages by offset; the
offset travels in an opaque cursor tied to the query, like the keyset cursors of other lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam
from sqlmodel import Session, select
from starlette.responses import Response

from app import formats
from app.api.common import export_response, item_url, problems
from app.cursors import CursorCodec, bad_cursor, codec_for
from app.db import SessionDep
from app.models import Clause, Speaker, Statement
from app.queries import MAX_ID
from app.schemas import SpeakerRef
from app.search import SEARCHABLE, Hit, SearchQuery, parse, search
from app.urls import this_url

router = APIRouter(tags=["search"])


class SearchParams(BaseModel):
    """What ``/search`` accepts; unknown parameters are a 422 like on every list."""

    model_config = ConfigDict(extra="forbid")
    q: str = Field(min_length=1, max_length=500, examples=['"territorial integrity"'],
                   description='Words (all must match, stemmed), "a phrase" and prefix* terms. '
                               "Other characters are separators, never query syntax.")
    type: Literal["statement", "clause"] | None = Field(
        default=None, description="Only hits of this type.", examples=["statement"])
    limit: int | None = Field(default=None, ge=1, le=1000, description="Page size (default 50).", examples=[20])
    cursor: str | None = Field(default=None, description="Opaque position from a previous `next` URL.",
                               examples=["WyJwZWFjZXwiLDJd.3q2-7w8BAAA"])
    format: Literal["json", "csv", "ndjson"] | None = Field(
        default=None, examples=["csv"],
        description="Response format; also chosen by `Accept: text/csv` or `application/x-ndjson`. "
                    "CSV and NDJSON stream every hit (or `limit` of them), `speaker` flattened.")


class SearchHit(BaseModel):
    """One match; ``snippet`` is HTML: the text escaped, the matched words in ``<mark>``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "clause", "id": 1, "url": "http://127.0.0.1:8000/clauses/1", "document_id": 1,
        "speaker": None,
        "snippet": "… state sovereignty, <mark>territorial integrity</mark>, inviolability of borders …",
    }]})
    type: Literal["statement", "clause"]
    id: int
    url: str
    document_id: int
    speaker: SpeakerRef | None = Field(description="The statement's speaker; null for clauses.")
    snippet: str


class SearchPage(BaseModel):
    """Hits, best first (bm25 on SQLite, ts_rank on PostgreSQL)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "items": SearchHit.model_config["json_schema_extra"]["examples"],  # type: ignore[index]
        "total": 1, "limit": 50, "next": None}]})

    items: list[SearchHit]
    total: int
    limit: int
    next: str | None


def _offset(codec: CursorCodec, scope: str, token: str) -> int:
    """The offset a cursor carries; 400 if it was altered or belongs to another query."""
    values = codec.decode(token)
    if (len(values) != 3 or values[:2] != ["search", scope] or not isinstance(values[2], int)
            or isinstance(values[2], bool) or not 0 <= values[2] <= MAX_ID):
        raise bad_cursor("The cursor is malformed or belongs to another search; use the `next` URL as given.")
    return int(values[2])


_STATEMENT, _SPEAKER, _CLAUSE = Statement.__table__.c, Speaker.__table__.c, Clause.__table__.c  # type: ignore[attr-defined]
_STATEMENT_FACTS = (select(_STATEMENT.id, _STATEMENT.document_id, _SPEAKER.id, _SPEAKER.slug, _SPEAKER.name)
                    .outerjoin_from(Statement.__table__, Speaker.__table__, _SPEAKER.id == _STATEMENT.speaker_id)  # type: ignore[attr-defined]
                    .where(_STATEMENT.id.in_(bindparam("ids", expanding=True))))
_CLAUSE_FACTS = select(_CLAUSE.id, _CLAUSE.document_id).where(_CLAUSE.id.in_(bindparam("ids", expanding=True)))


def _hits_json(request: Request, session: SessionDep, hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits with their document and (statements) speaker, two queries for the page."""
    statement_ids = [h.id for h in hits if h.type == "statement"]
    clause_ids = [h.id for h in hits if h.type == "clause"]
    facts: dict[tuple[str, int], tuple[int, dict[str, Any] | None]] = {}
    connection = session.connection()
    if statement_ids:
        for sid, doc, spk, slug, name in connection.execute(_STATEMENT_FACTS, {"ids": statement_ids}).all():
            facts["statement", sid] = (doc, {"id": spk, "slug": slug, "name": name} if spk else None)
    if clause_ids:
        for cid, doc in connection.execute(_CLAUSE_FACTS, {"ids": clause_ids}).all():
            facts["clause", cid] = (doc, None)
    out = []
    for hit in hits:
        document_id, speaker = facts.get((hit.type, hit.id), (0, None))
        out.append({"type": hit.type, "id": hit.id, "url": item_url(request, f"{hit.type}s", hit.id),
                    "document_id": document_id, "speaker": speaker, "snippet": hit.snippet})
    return out


EXPORT_BATCH = 500
EXPORT_COLUMNS = formats.csv_columns(SearchHit.model_fields)


def _export(request: Request, session: SessionDep, query: SearchQuery, types: tuple[str, ...],
            fmt: formats.Format, offset: int, limit: int | None) -> Response:
    """Stream the hits from ``offset`` on (``limit`` of them, or all), best first."""

    def batches(export_session: Session) -> Iterator[list[dict[str, Any]]]:
        start, left = offset, limit
        while left is None or left > 0:
            size = EXPORT_BATCH if left is None else min(EXPORT_BATCH, left)
            hits, _ = search(export_session, query, types=types, limit=size, offset=start)
            if hits:
                yield _hits_json(request, export_session, hits)
            if len(hits) < size:
                return
            start += size
            left = None if left is None else left - size

    return export_response(request, session, fmt, batches, columns=EXPORT_COLUMNS, filename="search")


@router.get("/search", response_model=SearchPage, summary="Full-text search",
            responses={200: {"description": "One page as JSON, or every hit as CSV / NDJSON.",
                             "content": {"text/csv": {}, "application/x-ndjson": {}}},
                       304: {"description": "Not modified."}, **problems(400, 422)})
def search_endpoint(request: Request, session: SessionDep,
                    params: Annotated[SearchParams, Query()]) -> Response:
    """Statements and clauses matching `q`, best first, each with a `<mark>`ed snippet.

    `"territorial integrity"` is a phrase, `sovereign*` a prefix; every other character
    (operators, `:`, `(`, a lone `*` or `"`) is a separator. A query without any word is a 400.
    """
    query = parse(params.q)
    limit = params.limit or request.app.state.settings.default_page_size
    types = (params.type,) if params.type else SEARCHABLE
    scope = f"{query}|{params.type or ''}"
    codec = codec_for(request.app.state)
    offset = _offset(codec, scope, params.cursor) if params.cursor else 0
    fmt = formats.negotiate(request, params.format)
    if fmt != "json":
        return _export(request, session, query, types, fmt, offset, params.limit)
    hits, total = search(session, query, types=types, limit=limit, offset=offset)
    next_url = None
    headers = {}
    if offset + len(hits) < total:
        token = codec.encode("search", scope, offset + len(hits))
        next_url = str(this_url(request).include_query_params(cursor=token))
        headers["Link"] = f'<{next_url}>; rel="next"'
    page = {"items": _hits_json(request, session, hits), "total": total, "limit": limit, "next": next_url}
    return formats.json_response(request, page, headers)
