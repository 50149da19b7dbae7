"""``/clauses``: the provisions of declarations, with the principles they enumerate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from app.api.common import (
    ITEM_RESPONSES,
    LIST_RESPONSES,
    Listing,
    get_or_404,
    item_response,
    list_params,
    list_response,
    values_by_parent,
)
from app.api.declarations import DeclarationId
from app.db import SessionDep
from app.models import Clause, ClausePrinciple, Declaration
from app.queries import MAX_ID, DbId, Facet, FilterSpec, Resource, Via
from app.schemas import ClauseOut, Page
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

ClauseParams = list_params("ClauseParams", RESOURCE)
ClauseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Clause id.", examples=[1])]


def principles_of(session: Session, clauses: Sequence[Clause]) -> dict[int, list[str]]:
    """Principles for a page in one query, in the order the clause text names them."""
    ids = [c.id for c in clauses if c.id is not None]
    found = values_by_parent(session, ClausePrinciple.clause_id, ClausePrinciple.principle, ids)
    texts = {c.id: comparison_key(c.text) for c in clauses}

    def position(clause_id: int, principle: str) -> tuple[int, str]:
        at = texts.get(clause_id, "").find(comparison_key(principle))
        return (at if at >= 0 else 1 << 30, principle)

    return {cid: sorted(ps, key=lambda p: position(cid, p)) for cid, ps in found.items()}


def serialize(session: Session, rows: Sequence[Clause], _request: Request) -> list[dict[str, Any]]:
    principles = principles_of(session, rows)
    return [
        {
            "id": c.id,
            "declaration_id": c.declaration_id,
            "document_id": c.document_id,
            "ordinal": c.ordinal,
            "text": c.text,
            "start_char": c.start_char,
            "end_char": c.end_char,
            "principles": principles.get(c.id or 0, []),
        }
        for c in rows
    ]


LISTING = Listing(RESOURCE, ClauseOut, serialize)
Params = Annotated[ClauseParams, Query()]  # type: ignore[valid-type]


@router.get("/clauses", response_model=Page[ClauseOut], responses=LIST_RESPONSES, summary="List clauses")
def list_clauses(request: Request, session: SessionDep, params: Params) -> Response:
    """Clauses of every declaration."""
    return list_response(request, session, LISTING, params)


@router.get("/clauses/{clause_id}", response_model=ClauseOut, responses=ITEM_RESPONSES,
            summary="Get a clause")
def get_clause(request: Request, session: SessionDep, clause_id: ClauseId) -> Response:
    """One clause with its principles."""
    row = get_or_404(session, Clause, clause_id, "clause")
    return item_response(request, serialize(session, [row], request)[0])


@router.get("/declarations/{declaration_id}/clauses", response_model=Page[ClauseOut],
            responses=LIST_RESPONSES, tags=["declarations"], summary="List a declaration's clauses")
def list_declaration_clauses(
    request: Request, session: SessionDep, declaration_id: DeclarationId, params: Params
) -> Response:
    """Clauses of one declaration; an unknown declaration is a 404."""
    get_or_404(session, Declaration, declaration_id, "declaration")
    return list_response(request, session, LISTING, params, scope=[Clause.declaration_id == declaration_id])
