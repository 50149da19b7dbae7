"""``/declarations``: named instruments (declarations, treaties, agreements) in documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from sqlmodel import Session

from app.api.common import Listing, add_item_route, add_list_route, by_id, children, values_by_parent
from app.extract.instruments import KINDS
from app.models import Declaration, DeclarationParty
from app.queries import MAX_ID, DbId, Facet, FilterSpec, Resource, Via
from app.schemas import DeclarationOut

router = APIRouter(tags=["declarations"])

# The kinds of instrument extraction tells apart.
DeclarationKind = Literal[tuple(sorted(set(KINDS.values())))]  # type: ignore[valid-type]

RESOURCE = Resource(
    key="declarations",
    model=Declaration,
    filters=(
        FilterSpec("q", "contains", (Declaration.title,),
                   description="Words in the title (case-insensitive substring).",
                   example="allied cooperation"),
        FilterSpec("party", "norm",
                   (Via(DeclarationParty.party_norm, DeclarationParty.declaration_id, Declaration.id),),
                   description="A party (country), case-insensitive.", example="Azerbaijan"),
        FilterSpec("document_id", "exact", (Declaration.document_id,), DbId,
                   description="Only declarations described in this document.", example=1),
        FilterSpec("kind", "exact", (Declaration.kind,), DeclarationKind,
                   description="The kind of instrument (`treaty`, `memorandum`, `joint_statement`, …).",
                   example="treaty"),
        FilterSpec("status", "exact", (Declaration.status,), Literal["signed", "referenced"],
                   description="`signed` in the reported event, or `referenced` as an earlier instrument.",
                   example="signed"),
    ),
    sorts={"id": "id", "title": "title", "clause_count": "clause_count"},
    facets=(Facet("party", DeclarationParty.party_norm, DeclarationParty.party,
                  link=DeclarationParty.declaration_id, param="party"),),
)

DeclarationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Declaration id.", examples=[1])]


_PARTIES = children(DeclarationParty.declaration_id, DeclarationParty.party, order_by=DeclarationParty.party_norm)


def parties_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Parties for a whole page, alphabetically."""
    return values_by_parent(session, _PARTIES, ids)


def _parties(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    found = parties_of(session, [row.id for row in rows])
    return [{"parties": found.get(row.id, [])} for row in rows]


LISTING = Listing(RESOURCE, DeclarationOut, related=_parties)

add_list_route(router, "/declarations", LISTING, name="list_declarations", summary="List declarations",
               description="Declarations, treaties and agreements the documents describe.")
add_item_route(router, "/declarations/{declaration_id}", LISTING, name="get_declaration",
               summary="Get a declaration", description="One declaration with its parties.",
               param=("declaration_id", DeclarationId), find=by_id(LISTING, "declaration"))
