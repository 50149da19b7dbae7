"""``/declarations``: named instruments (declarations, treaties, agreements) in documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

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
from app.db import SessionDep
from app.extract.instruments import KINDS
from app.models import Declaration, DeclarationParty
from app.queries import MAX_ID, DbId, Facet, FilterSpec, Resource, Via
from app.schemas import DeclarationOut, Page

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

DeclarationParams = list_params("DeclarationParams", RESOURCE)
DeclarationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Declaration id.", examples=[1])]


def parties_of(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Parties for a whole page, alphabetically."""
    return values_by_parent(
        session, DeclarationParty.declaration_id, DeclarationParty.party, ids, order_by=DeclarationParty.party_norm
    )


def serialize(session: Session, rows: Sequence[Declaration], _request: Request) -> list[dict[str, Any]]:
    parties = parties_of(session, [d.id for d in rows if d.id is not None])
    return [
        {
            "id": d.id,
            "title": d.title,
            "kind": d.kind,
            "status": d.status,
            "document_id": d.document_id,
            "parties": parties.get(d.id or 0, []),
            "clause_count": d.clause_count,
        }
        for d in rows
    ]


LISTING = Listing(RESOURCE, DeclarationOut, serialize)


@router.get("/declarations", response_model=Page[DeclarationOut], responses=LIST_RESPONSES,
            summary="List declarations")
def list_declarations(
    request: Request, session: SessionDep, params: Annotated[DeclarationParams, Query()]  # type: ignore[valid-type]
) -> Response:
    """Declarations, treaties and agreements the documents describe."""
    return list_response(request, session, LISTING, params)


@router.get("/declarations/{declaration_id}", response_model=DeclarationOut, responses=ITEM_RESPONSES,
            summary="Get a declaration")
def get_declaration(request: Request, session: SessionDep, declaration_id: DeclarationId) -> Response:
    """One declaration with its parties."""
    row = get_or_404(session, Declaration, declaration_id, "declaration")
    return item_response(request, serialize(session, [row], request)[0])
