"""``/speakers``: people and organisations, with every name the corpus uses for them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlmodel import Session

from app.api.common import Listing, add_item_route, add_list_route, children, values_by_parent, values_of
from app.models import Speaker, SpeakerAlias
from app.problems import not_found
from app.queries import Facet, FilterSpec, Resource, Via, as_id
from app.schemas import SpeakerOut

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

SpeakerRef = Annotated[
    str, Path(description="Speaker id or slug.", examples=["ilham-aliyev"], max_length=200)
]
SPEAKER_PARAM = ("id_or_slug", SpeakerRef)


_ALIASES = children(SpeakerAlias.speaker_id, SpeakerAlias.alias, order_by=SpeakerAlias.id)


def aliases_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Aliases for a whole page, in the order they were first seen."""
    return values_by_parent(session, _ALIASES, ids)


def _aliases(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    ids = values_of(rows, "id")
    found = aliases_of(session, ids)
    return [{"aliases": found.get(row_id, [])} for row_id in ids]


LISTING = Listing(RESOURCE, SpeakerOut, related=_aliases)


def find_speaker(session: Session, ref: str) -> Any:
    """A speaker's row by id (digits) or slug (case-insensitive); 404 otherwise."""
    ref = ref.strip()
    row_id = as_id(ref)
    speaker = LISTING.read_id(session, row_id) if row_id is not None else LISTING.read_by(session, "slug", ref.lower())
    if speaker is None:
        raise not_found("speaker", ref)
    return speaker


add_list_route(router, "/speakers", LISTING, name="list_speakers", summary="List speakers",
               description="Everyone named in the corpus, including people with no statements.")
add_item_route(router, "/speakers/{id_or_slug}", LISTING, name="get_speaker", summary="Get a speaker by id or slug",
               description="One speaker with aliases and statement counts.", param=SPEAKER_PARAM, find=find_speaker)
