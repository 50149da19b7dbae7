"""``/documents``: the stored articles every span points into."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from app.api.common import ITEM_RESPONSES, LIST_RESPONSES, Listing, get_or_404, item_response, list_params, list_response
from app.dates import IsoDateTime
from app.db import SessionDep
from app.models import Document
from app.queries import MAX_ID, Facet, FilterSpec, Resource
from app.schemas import DocumentDetail, DocumentOut, Page

router = APIRouter(tags=["documents"])

RESOURCE = Resource(
    key="documents",
    model=Document,
    filters=(
        FilterSpec("q", "search", (Document.id,),
                   description='Full-text search of the title and text: words, "a phrase", prefix*.',
                   example="Declaration on Allied Cooperation"),
        FilterSpec("published_after", "since", (Document.published_at,), IsoDateTime,
                   description="Published at or after this date/time (ISO 8601; UTC if no offset).",
                   example="2023-02-01"),
        FilterSpec("published_before", "before", (Document.published_at,), IsoDateTime,
                   description="Published strictly before this date/time (ISO 8601).",
                   example="2023-03-01T00:00:00Z"),
    ),
    sorts={"id": "id", "published_at": "published_at", "title": "title",
           "word_count": "word_count", "statement_count": "statement_count"},
    facets=(Facet("location", Document.location),),
)

DocumentParams = list_params("DocumentParams", RESOURCE)

DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Document id.", examples=[1])]


def document_json(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "dateline": doc.dateline,
        "published_at": doc.published_at,
        "location": doc.location,
        "source": doc.source,
        "source_url": doc.source_url,
        "sha256": doc.sha256,
        "word_count": doc.word_count,
        "statement_count": doc.statement_count,
    }


def serialize(_session: Session, rows: Sequence[Document], _request: Request) -> list[dict[str, Any]]:
    return [document_json(doc) for doc in rows]


LISTING = Listing(RESOURCE, DocumentOut, serialize)


@router.get("/documents", response_model=Page[DocumentOut], responses=LIST_RESPONSES,
            summary="List documents")
def list_documents(
    request: Request, session: SessionDep, params: Annotated[DocumentParams, Query()]  # type: ignore[valid-type]
) -> Response:
    """Documents without their text (fetch one by id for it)."""
    return list_response(request, session, LISTING, params)


@router.get("/documents/{document_id}", response_model=DocumentDetail, responses=ITEM_RESPONSES,
            summary="Get a document with its text")
def get_document(request: Request, session: SessionDep, document_id: DocumentId) -> Response:
    """The document and its exact text: ``text[start_char:end_char]`` of any statement or
    clause of this document is that item's source."""
    doc = get_or_404(session, Document, document_id, "document")
    return item_response(request, {**document_json(doc), "text": doc.text})
