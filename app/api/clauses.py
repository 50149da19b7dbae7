"""``/clauses``: the provisions of declarations, with the principles they enumerate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlmodel import Session

from app.api.common import Listing, Parent, add_item_route, add_list_route, by_id, children, get_or_404, values_by_parent
from app.api.declarations import DeclarationId
from app.models import Clause, ClausePrinciple, Declaration
from app.queries import MAX_ID, DbId, Facet, FilterSpec, Resource, Via
from app.schemas import ClauseOut
from app.text import comparison_key

router = APIRouter(tags=["clauses"])

RESOURCE = Resource(
    key="clauses",
    model=Clause,
    filters=(
        FilterSpec("declaration_id", "exact", (Clause.declaration_id,), DbId,
                   description="Only clauses of this declaration.", example=1),
        FilterSpec("principle", "norm",
                   (Via(ClausePrinciple.principle_norm, ClausePrinciple.clause_id, Clause.id),),
                   description="A principle the clause names, case-insensitive.",
                   example="territorial integrity"),
        FilterSpec("q", "search", (Clause.id,),
                   description='Full-text search of the clause text: words, "a phrase", prefix*.',
                   example="borders"),
        FilterSpec("document_id", "exact", (Clause.document_id,), DbId,
                   description="Only clauses described in this document.", example=1),
    ),
    sorts={"id": "id", "ordinal": "ordinal", "start_char": "start_char", "declaration_id": "declaration_id"},
    facets=(
        Facet("principle", ClausePrinciple.principle_norm, ClausePrinciple.principle,
              link=ClausePrinciple.clause_id, param="principle"),
        Facet("declaration", Clause.declaration_id, Declaration.title,
              join=(Declaration, Declaration.id == Clause.declaration_id), param="declaration_id"),
    ),
)

ClauseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Clause id.", examples=[1])]


_PRINCIPLES = children(ClausePrinciple.clause_id, ClausePrinciple.principle)


def principles_of(session: Session, clauses: Sequence[Any]) -> dict[int, list[str]]:
    """Principles for a page in one query, in the order the clause text names them."""
    ids = [c.id for c in clauses if c.id is not None]
    found = values_by_parent(session, _PRINCIPLES, ids)
    texts = {c.id: comparison_key(c.text) for c in clauses}

    def position(clause_id: int, principle: str) -> tuple[int, str]:
        at = texts.get(clause_id, "").find(comparison_key(principle))
        return (at if at >= 0 else 1 << 30, principle)

    return {cid: sorted(ps, key=lambda p: position(cid, p)) for cid, ps in found.items()}


def _principles(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    found = principles_of(session, rows)
    return [{"principles": found.get(row.id, [])} for row in rows]


def _declaration_scope(session: Session, declaration_id: int) -> tuple[list[Any], None]:
    get_or_404(session, Declaration, declaration_id, "declaration")
    return [Clause.declaration_id == declaration_id], None


LISTING = Listing(RESOURCE, ClauseOut, related=_principles)

add_list_route(router, "/clauses", LISTING, name="list_clauses", summary="List clauses",
               description="Clauses of every declaration.")
add_item_route(router, "/clauses/{clause_id}", LISTING, name="get_clause", summary="Get a clause",
               description="One clause with its principles.", param=("clause_id", ClauseId),
               find=by_id(LISTING, "clause"))
add_list_route(router, "/declarations/{declaration_id}/clauses", LISTING, name="list_declaration_clauses",
               summary="List a declaration's clauses", tags=["declarations"],
               parent=Parent(("declaration_id", DeclarationId), _declaration_scope),
               description="Clauses of one declaration; an unknown declaration is a 404.")
