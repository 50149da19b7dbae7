"""``/quotations``: what a speaker said, once, however many articles quoted it.

A list like every other (filters, keyset cursors, facets, CSV/NDJSON); the item adds its
occurrences, earliest first, so "where did this first appear?" is one request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlalchemy import func
from sqlmodel import Session, select

from app.api.common import Listing, Parent, add_item_route, add_list_route, by_id, item_url
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


def speaker_refs(session: Session, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """``{id: {id, slug, name}}`` for a page of rows, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    speaker = Speaker.__table__.c  # type: ignore[attr-defined]
    rows = session.execute(select(speaker.id, speaker.slug, speaker.name).where(speaker.id.in_(wanted)))
    return {sid: {"id": sid, "slug": slug, "name": name} for sid, slug, name in rows}


def _speaker(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    found = speaker_refs(session, (row.speaker_id for row in rows))
    return [{"speaker": found.get(row.speaker_id) if row.speaker_id is not None else None} for row in rows]


def occurrences(session: Session, quotation_id: int, request: Request, *, limit: int = MAX_OCCURRENCES) -> list[dict[str, Any]]:
    """A quotation's quotes with their documents, earliest first, undated last."""
    rows = session.execute(
        select(Statement.id, Statement.document_id, Statement.text, Statement.published_at,
               Document.source, Document.source_url, Document.title)
        .join(Document, Document.id == Statement.document_id)  # type: ignore[arg-type]
        .where(Statement.quotation_id == quotation_id)
        .order_by(Statement.published_at.is_(None), Statement.published_at, Statement.id)  # type: ignore[union-attr]
        .limit(limit))
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


def document_count_of(session: Session, quotation_id: int | None) -> int:
    """How many articles quote a quotation (0 for none): the embed card's "quoted in N"."""
    if quotation_id is None:
        return 0
    return int(session.scalar(select(func.coalesce(Quotation.document_count, 0))
                              .where(Quotation.id == quotation_id)) or 0)
