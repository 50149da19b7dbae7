"""A quotation's page: its words, who said them, where they first appeared and every later
occurrence on a timeline (the ``/quotations/{id}`` resource, as a page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlmodel import Session, select
from starlette.responses import Response

from app.api.quotations import occurrences
from app.db import SessionDep
from app.models import Quotation, Speaker, Statement
from app.queries import MAX_ID
from app.urls import base_url
from app.web.highlight import timeline
from app.web.render import render

router = APIRouter(include_in_schema=False)

SPEAKER_PAGE_QUOTATIONS = 10


@router.get("/browse/quotations/{quotation_id}")
def quotation_page(request: Request, session: SessionDep,
                   quotation_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    """The quotation, its first appearance, and its occurrences earliest first."""
    base = base_url(request)
    quotation = session.get(Quotation, quotation_id)
    if quotation is None:
        response = render(request, "error.html", {"title": "Not found", "message": "There is no quotation here."})
        response.status_code = 404
        return response
    found = occurrences(session, quotation_id, request)
    dates = list(session.scalars(select(Statement.published_at).where(Statement.quotation_id == quotation_id)))
    return render(request, "quotation.html", {
        "base": base,
        "quotation": quotation,
        "speaker": session.get(Speaker, quotation.speaker_id) if quotation.speaker_id is not None else None,
        "occurrences": found,
        "first": found[0] if found and found[0]["published_at"] is not None else None,
        "occurrences_url": f"{base}/quotes?quotation_id={quotation_id}&sort=published_at",
        "timeline": timeline(dates, "occurrences"),
    })


def most_quoted(session: Session, speaker_id: int) -> list[Quotation]:
    """A speaker's quotations quoted more than once, most often first (for the speaker page)."""
    return list(session.scalars(
        select(Quotation).where(Quotation.speaker_id == speaker_id, Quotation.occurrence_count >= 2)
        .order_by(Quotation.occurrence_count.desc(), Quotation.id).limit(SPEAKER_PAGE_QUOTATIONS)))  # type: ignore[attr-defined]
