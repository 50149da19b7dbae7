"""``/documents``: the stored articles every span points into."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from app.api.common import Listing, add_item_route, add_list_route, by_id
from app.models import Document
from app.queries import MAX_ID, Facet, FilterSpec, Resource, published_between
from app.schemas import DocumentDetail, DocumentOut

router = APIRouter(tags=["documents"])

RESOURCE = Resource(
    key="documents",
    model=Document,
    filters=(
        FilterSpec("q", "search", (Document.id,),
                   description='Full-text search of the title and text: words, "a phrase", prefix*.',
                   example="Declaration on Allied Cooperation"),
        *published_between(Document.published_at, "Published", note="; UTC if no offset",
                           before_example="2023-03-01T00:00:00Z"),
    ),
    sorts={"id": "id", "published_at": "published_at", "title": "title",
           "word_count": "word_count", "statement_count": "statement_count"},
    facets=(Facet("location", Document.location),),
)

DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Document id.", examples=[1])]
LISTING = Listing(RESOURCE, DocumentOut)
DETAIL = Listing(RESOURCE, DocumentDetail)  # the item: the same fields and the text


def document_json(doc: Document) -> dict[str, Any]:
    """A stored document as the API lists it (the write API answers with this)."""
    return {name: getattr(doc, name) for name in DocumentOut.model_fields}


add_list_route(router, "/documents", LISTING, name="list_documents", summary="List documents",
               description="Documents without their text (fetch one by id for it).")
add_item_route(router, "/documents/{document_id}", DETAIL, name="get_document",
               summary="Get a document with its text", param=("document_id", DocumentId),
               find=by_id(DETAIL, "document"),
               description="The document and its exact text: ``text[start_char:end_char]`` of any "
                           "statement or clause of this document is that item's source.")
