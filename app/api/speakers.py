"""``/speakers``: people and organisations, with every name the corpus uses for them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session, select
from starlette.responses import Response

from app.api.common import (
    ITEM_RESPONSES,
    LIST_RESPONSES,
    Listing,
    item_response,
    list_params,
    list_response,
    values_by_parent,
)
from app.db import SessionDep
from app.models import Speaker, SpeakerAlias
from app.problems import not_found
from app.queries import Facet, FilterSpec, Resource, Via, as_id
from app.schemas import Page, SpeakerOut

router = APIRouter(tags=["speakers"])

RESOURCE = Resource(
    key="speakers",
    model=Speaker,
    filters=(
        FilterSpec("q", "norm_contains",
                   (Speaker.name_norm, Via(SpeakerAlias.alias_norm, SpeakerAlias.speaker_id, Speaker.id)),
                   description="Part of the name or of any alias (case-insensitive).",
                   example="aliyev"),
        FilterSpec("country", "iexact", (Speaker.country,),
                   description="Country (case-insensitive).", example="Azerbaijan"),
        FilterSpec("title", "iexact", (Speaker.title,),
                   description="Title or office (case-insensitive).", example="President"),
    ),
    sorts={"id": "id", "name": "name_norm", "slug": "slug", "country": "country",
           "statement_count": "statement_count", "quote_count": "quote_count"},
    facets=(Facet("country", Speaker.country, param="country"), Facet("title", Speaker.title, param="title"),
            Facet("kind", Speaker.kind)),
)

SpeakerParams = list_params("SpeakerParams", RESOURCE)

SpeakerRef = Annotated[
    str, Path(description="Speaker id or slug.", examples=["ilham-aliyev"], max_length=200)
]


def find_speaker(session: Session, ref: str) -> Speaker:
    """A speaker by id (digits) or slug (case-insensitive); 404 otherwise."""
    ref = ref.strip()
    row_id = as_id(ref)
    if row_id is not None:
        speaker = session.get(Speaker, row_id)
    else:
        speaker = session.scalars(select(Speaker).where(Speaker.slug == ref.lower())).first()
    if speaker is None:
        raise not_found("speaker", ref)
    return speaker


def aliases_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Aliases for a whole page, in the order they were first seen."""
    return values_by_parent(session, SpeakerAlias.speaker_id, SpeakerAlias.alias, ids, order_by=SpeakerAlias.id)


def serialize(session: Session, rows: Sequence[Speaker], _request: Request) -> list[dict[str, Any]]:
    aliases = aliases_of(session, [s.id for s in rows if s.id is not None])
    return [
        {
            "id": s.id,
            "slug": s.slug,
            "name": s.name,
            "title": s.title,
            "country": s.country,
            "aliases": aliases.get(s.id or 0, []),
            "statement_count": s.statement_count,
            "quote_count": s.quote_count,
        }
        for s in rows
    ]


LISTING = Listing(RESOURCE, SpeakerOut, serialize)


@router.get("/speakers", response_model=Page[SpeakerOut], responses=LIST_RESPONSES, summary="List speakers")
def list_speakers(
    request: Request, session: SessionDep, params: Annotated[SpeakerParams, Query()]  # type: ignore[valid-type]
) -> Response:
    """Everyone named in the corpus, including people with no statements."""
    return list_response(request, session, LISTING, params)


@router.get("/speakers/{id_or_slug}", response_model=SpeakerOut, responses=ITEM_RESPONSES,
            summary="Get a speaker by id or slug")
def get_speaker(request: Request, session: SessionDep, id_or_slug: SpeakerRef) -> Response:
    """One speaker with aliases and statement counts."""
    return item_response(request, serialize(session, [find_speaker(session, id_or_slug)], request)[0])
