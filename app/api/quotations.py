"""``/quotations``: what a speaker said, once, however many articles quoted it.

A list like every other (filters, keyset cursors, facets, CSV/NDJSON); the item adds its
occurrences, earliest first, so "where did this first appear?" is one request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.api.common import Listing, Parent, add_item_route, add_list_route, by_id, item_url, values_of
from app.api.speakers import SPEAKER_PARAM, find_speaker
from app.models import Document, Quotation, Speaker, Statement
from app.queries import MAX_ID, DbId, Facet, FilterSpec, Resource, Via, published_between
from app.schemas import QuotationDetail, QuotationOut
from app.urls import absolute

router = APIRouter(tags=["quotations"])

MAX_OCCURRENCES = 1000  # in the item; /quotes?quotation_id= pages through all of them

RESOURCE = Resource(
    key="quotations",
    model=Quotation,
    filters=(
        FilterSpec("speaker", "speaker", (Quotation.speaker_id,),
                   description="Speaker id, slug, name or alias (case-insensitive, exact).",
                   example="ilham-aliyev"),
        FilterSpec("q", "search", (Via(Statement.id, Statement.quotation_id, Quotation.id),),
                   description='Full-text search of its occurrences: words (all must match, stemmed), '
                               '"a phrase", prefix*.',
                   example="peace"),
        *published_between(Quotation.first_seen, "First seen"),
        FilterSpec("min_occurrences", "at_least", (Quotation.occurrence_count,), DbId,
                   description="Quoted at least this many times (2: only repeated quotations).", example=2),
    ),
    sorts={"id": "id", "first_seen": "first_seen", "occurrence_count": "occurrence_count"},
    facets=(Facet("speaker", Speaker.slug, Speaker.name, join=(Speaker, Speaker.id == Quotation.speaker_id),
                  param="speaker"),),
)

QuotationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Quotation id.", examples=[3])]


_SPEAKER = Speaker.__table__.c  # type: ignore[attr-defined]
_SPEAKER_REFS = (select(_SPEAKER.id, _SPEAKER.slug, _SPEAKER.name)
                 .where(_SPEAKER.id.in_(bindparam("ids", expanding=True))))


def speaker_refs(session: Session, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """``{id: {id, slug, name}}`` for a page of rows, in one query."""
    wanted = list({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.connection().execute(_SPEAKER_REFS, {"ids": wanted}).all()
    return {sid: {"id": sid, "slug": slug, "name": name} for sid, slug, name in rows}


def _speaker(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    speaker_ids = values_of(rows, "speaker_id")
    found = speaker_refs(session, speaker_ids)
    return [{"speaker": found.get(sid) if sid is not None else None} for sid in speaker_ids]


_STATEMENT, _DOCUMENT = Statement.__table__.c, Document.__table__.c  # type: ignore[attr-defined]
_OCCURRENCES = (select(_STATEMENT.id, _STATEMENT.document_id, _STATEMENT.text, _STATEMENT.published_at,
                       _DOCUMENT.source, _DOCUMENT.source_url, _DOCUMENT.title)
                .join_from(Statement.__table__, Document.__table__, _DOCUMENT.id == _STATEMENT.document_id)  # type: ignore[attr-defined]
                .where(_STATEMENT.quotation_id == bindparam("quotation_id"))
                .order_by(_STATEMENT.published_at.is_(None), _STATEMENT.published_at, _STATEMENT.id)
                .limit(bindparam("limit")))


def occurrences(session: Session, quotation_id: int, request: Request, *, limit: int = MAX_OCCURRENCES) -> list[dict[str, Any]]:
    """A quotation's quotes with their documents, earliest first, undated last."""
    rows = session.connection().execute(_OCCURRENCES, {"quotation_id": quotation_id, "limit": limit}).all()
    return [{"quote_id": sid, "document_id": doc_id, "text": text, "published_at": published,
             "source": source, "source_url": source_url, "document_title": title,
             "url": item_url(request, "quotes", sid)}
            for sid, doc_id, text, published, source, source_url, title in rows]


def _with_occurrences(request: Request, session: Session, row: Any) -> dict[str, Any]:
    return {"occurrences": occurrences(session, row.id, request),
            "occurrences_url": absolute(request, f"/quotes?quotation_id={row.id}&sort=published_at")}


def _speaker_scope(session: Session, id_or_slug: str) -> tuple[list[Any], tuple[str, Any]]:
    speaker = find_speaker(session, id_or_slug)
    return [Quotation.speaker_id == speaker.id], ("speaker", speaker.id)


LISTING = Listing(RESOURCE, QuotationOut, related=_speaker, reads=("speaker_id",), url="quotations")

add_list_route(router, "/quotations", LISTING, name="list_quotations",
               summary="List quotations (a speaker's words, grouped across articles)",
               description="Each quotation once, with its first appearance and how many articles quoted it.")
add_item_route(router, "/quotations/{quotation_id}", LISTING, name="get_quotation",
               summary="Get a quotation with its occurrences", response_model=QuotationDetail,
               description="One quotation: its longest text, speaker, first appearance and every occurrence.",
               param=("quotation_id", QuotationId), find=by_id(LISTING, "quotation"), extend=_with_occurrences)
add_list_route(router, "/speakers/{id_or_slug}/quotations", LISTING, name="list_speaker_quotations",
               summary="List a speaker's quotations", tags=["speakers"], parent=Parent(SPEAKER_PARAM, _speaker_scope),
               description="Same as `/quotations?speaker=…`, but an unknown speaker is a 404.")


_QUOTATION = Quotation.__table__.c  # type: ignore[attr-defined]
_DOCUMENT_COUNT = select(func.coalesce(_QUOTATION.document_count, 0)).where(_QUOTATION.id == bindparam("id"))


def document_count_of(session: Session, quotation_id: int | None) -> int:
    """How many articles quote a quotation (0 for none): the embed card's "quoted in N"."""
    if quotation_id is None:
        return 0
    return int(session.connection().scalar(_DOCUMENT_COUNT, {"id": quotation_id}) or 0)
