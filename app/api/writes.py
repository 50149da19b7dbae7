"""Write endpoints (API key): add, delete and re-extract documents.

All three go through the ingestion library (:func:`app.store.ingest_text`,
:func:`app.store.delete_document`), the same code path as ``verbatim ingest``: one
transaction per document, idempotent by content hash. Extraction runs in a worker
process with a time budget (:mod:`app.api.slots`), so the event loop keeps serving reads.

A write answers what happened: a request that times out (504) is abandoned and never
commits afterwards; a re-extraction whose document is deleted meanwhile ends 404 and
stores nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.api.bodies import invalid, parse_text_body
from app.api.inputs import fetched_page, html_page, is_html
from app.api.common import item_url
from app.api.slots import extract_in_worker
from app.api.documents import DocumentId, document_json
from app.auth import WriteKey
from app.dates import IsoDateTime
from app.extraction_pool import extract_document
from app.formats import dumps
from app.models import Document
from app.problems import NOT_FOUND, Problem, not_found
from app.write_gate import gate_of
from app.schemas import DocumentOut, ProblemOut, SpeakerRef

if TYPE_CHECKING:
    from app.store import IngestResult

router = APIRouter(tags=["documents"])

class DocumentIn(BaseModel):
    """A document to store: its ``text`` (the rest is taken from the text when not given),
    or the ``url`` of a page to fetch (when the server fetches) instead of the text."""

    model_config = ConfigDict(
        extra="forbid",
        # exactly one of text and url, stated in the schema so clients and fuzzers know it
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["url"]}], "examples": [{
            "text": 'Moscow, 22 Feb.\n\n"We will win," Ilham Aliyev said.',
            "title": "Aliyev in Moscow",
            "published_at": "2022-02-22T23:00:00Z",
            "source_url": "https://example.org/news/1",
        }]},
    )
    text: Annotated[str, Field(min_length=1)] | SkipJsonSchema[None] = Field(default=None, description="The article text (UTF-8).")
    url: Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")] | SkipJsonSchema[None] = Field(default=None,
                            description="A web page to fetch and read instead of `text` (VERBATIM_FETCH_ENABLED); "
                                        "given fields win over the page's own.")
    title: str | None = Field(default=None, max_length=500)
    published_at: IsoDateTime | None = Field(default=None, description="ISO 8601; UTC if no offset.")
    source_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")

    @model_validator(mode="before")
    @classmethod
    def _no_null_text_or_url(cls, data: Any) -> Any:
        # the schema types both as strings: an explicit null is a wrong type, not "absent"
        if isinstance(data, dict):
            for name in ("text", "url"):
                if name in data and data[name] is None:
                    raise ValueError(f"{name} must be a string; leave it out instead of null")
        return data

    @model_validator(mode="after")
    def _text_or_url(self) -> DocumentIn:
        if (self.text is None) == (self.url is None):
            raise ValueError("give either text or url")
        return self


class DocumentWritten(DocumentOut):
    """The stored document with what extraction found in it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 2, "title": "Aliyev in Moscow", "dateline": None, "published_at": "2022-02-22T23:00:00Z",
        "location": None, "source": "api", "sha256": "9f2c…", "word_count": 7, "statement_count": 1,
        "quote_count": 1, "speaker_count": 1, "declaration_count": 0, "clause_count": 0,
        "speakers": [{"id": 1, "slug": "ilham-aliyev", "name": "Ilham Aliyev"}],
        "status": "new", "url": "http://127.0.0.1:8000/documents/2",
    }]})
    quote_count: int
    speaker_count: int
    declaration_count: int
    clause_count: int
    speakers: list[SpeakerRef]
    status: str = Field(description="`new`, `unchanged` (same content already stored) or `reextracted`.")
    url: str


# -- OpenAPI ---------------------------------------------------------------------------

_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}


def _problems(**codes: str) -> dict[int | str, dict[str, Any]]:
    return {int(code[1:]): {"model": ProblemOut, "description": text, "content": _PROBLEM}
            for code, text in codes.items()}


AUTH_PROBLEMS = _problems(
    e401="Missing or invalid API key (`WWW-Authenticate: Bearer`).",
    e403="Writes are disabled: no `VERBATIM_API_KEYS` configured.",
)
_DOC_OK = {"model": DocumentWritten, "content": {"application/json": {}}}

_BODY_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": DocumentIn.model_json_schema(),
                         "example": DocumentIn.model_config["json_schema_extra"]["examples"][0]},  # type: ignore[index]
    "text/plain": {"schema": {"type": "string", "minLength": 1, "pattern": "\\S"},  # not blank
                   "example": '"We will win," Ilham Aliyev said.'},
    "text/html": {"schema": {"type": "string", "minLength": 1},
                  "example": "<html><head><title>Aliyev in Moscow | Example News</title></head><body><article>"
                             "<p>\"We will win,\" Ilham Aliyev said.</p></article></body></html>"},
}}}


# -- request bodies --------------------------------------------------------------------


def parse_document(body: bytes, content_type: str) -> DocumentIn:
    """The posted document (the shared body rules of :mod:`app.api.bodies`), refusing NUL
    characters, which PostgreSQL text cannot store (422)."""
    document = parse_text_body(body, content_type, DocumentIn)
    for name in ("text", "title", "source_url", "url"):
        if "\x00" in (getattr(document, name) or ""):
            raise invalid(f"{name} may not contain NUL characters.", name)
    return document


# -- running the ingestion library -------------------------------------------------------


def _ingest(request: Request, **kwargs: Any) -> IngestResult:
    """Store a document through the ingestion library, extracting (only when needed) in a
    worker process; commits only while the request's :class:`WriteGate` allows it, so a
    request that timed out never commits afterwards. Runs in a worker thread."""
    from app.store import DocumentGone, ingest_text

    gate = gate_of(request.scope)
    with Session(request.app.state.engine) as session:
        try:
            result = ingest_text(session, extractor=lambda text: extract_in_worker(request, extract_document, text),
                                 may_commit=gate.begin_commit, **kwargs)
        except DocumentGone as exc:
            raise Problem.of(NOT_FOUND, f"No document with id {exc.document_id}: it was deleted while being "
                          "re-extracted; nothing was stored.") from None
    return result


def _written(request: Request, result: IngestResult) -> dict[str, Any]:
    """The document as the write stored it, with what extraction found in it (from the
    store's result: nothing is read again)."""
    return {
        **document_json(result.document),
        "quote_count": result.quotes,
        "speaker_count": len(result.speakers),
        "declaration_count": result.declarations,
        "clause_count": result.clauses,
        "speakers": [{"id": s.id, "slug": s.slug, "name": s.name} for s in result.speakers],
        "status": result.status,
        "url": item_url(request, "documents", result.document_id),
    }


def _json(data: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(data), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store", **(headers or {})})


# -- routes ------------------------------------------------------------------------------


@router.post(
    "/documents",
    status_code=201,
    response_model=DocumentWritten,
    dependencies=[WriteKey],
    summary="Store a document (extract and save)",
    openapi_extra=_BODY_DOC,
    responses={
        200: {**_DOC_OK, "description": "The same text was already stored; nothing changed."},
        201: {**_DOC_OK, "description": "Stored; `Location` is its URL."},
        **AUTH_PROBLEMS,
        **_problems(e400="The body is not UTF-8 or not JSON.", e413="Request body too large.",
                    e403="Writes are disabled, or fetching by URL is (`fetch-disabled`).",
                    e415="Unsupported media type or charset.",
                    e422="Missing or empty text, bad field, a page with no article text, a URL refused "
                         "(private address, too large, not HTML, too many redirects), or extraction over "
                         "its time budget (`extraction-timeout`; nothing stored).",
                    e502="The URL could not be fetched.",
                    e503="The language model is not installed, or every extraction slot is busy (`Retry-After`).",
                    e504="The request timed out; the write was abandoned and nothing was stored."),
    },
)
async def create_document(request: Request) -> Response:
    """Extract statements, speakers and clauses from the posted text and store them in one
    transaction. JSON `{"text", "title"?, "published_at"?, "source_url"?}`, `text/plain`, an
    HTML page (`text/html`: its main text, title, date, canonical URL and site name), or JSON
    `{"url"}` to fetch such a page (when the server enables fetching).
    Posting the same text again answers `200` with the stored document (no duplicate)."""
    body = await request.body()  # the body-size middleware caps what this can read
    content_type = request.headers.get("content-type", "")
    if is_html(content_type):
        page = await html_page(body, content_type)
        fields = {"text": page.text, **page.metadata(), "default_source": "api"}
    else:
        document = parse_document(body, content_type)
        fields = {"text": document.text, "title": document.title, "published_at": document.published_at,
                  "source": None, "default_source": "api", "source_url": document.source_url}
        if document.url is not None:
            page = await fetched_page(request.app, document.url)
            fields = {"text": page.text, "title": document.title or page.title,
                      "published_at": document.published_at or page.published_at,
                      "source": page.source, "default_source": "api",
                      "source_url": document.source_url or page.source_url}
    result = await run_in_threadpool(_ingest, request, **fields)
    data = _written(request, result)
    if result.status == "new":
        return _json(data, 201, {"Location": data["url"]})
    return _json(data, 200, {"Content-Location": data["url"]})


@router.delete(
    "/documents/{document_id}",
    status_code=204,
    dependencies=[WriteKey],
    summary="Delete a document and everything extracted from it",
    responses={204: {"description": "Deleted."}, **AUTH_PROBLEMS,
               **_problems(e404="No such document.", e422="The id is not a valid document id.")},
)
def remove_document(request: Request, document_id: DocumentId) -> Response:
    """Removes the document, its statements, declarations, clauses and mentions, and every
    speaker no other document mentions; other speakers' counters are recomputed."""
    from app.store import delete_document

    with Session(request.app.state.engine) as session:
        if not delete_document(session, document_id):
            raise not_found("document", document_id)
    return Response(status_code=204)


@router.post(
    "/documents/{document_id}/reextract",
    response_model=DocumentWritten,
    dependencies=[WriteKey],
    summary="Run extraction again on a stored document",
    responses={200: {"description": "Re-extracted; the refreshed document."}, **AUTH_PROBLEMS,
               **_problems(e404="No such document, or it was deleted while being re-extracted (nothing stored).",
                           e422="The id is not a valid document id, or extraction over its time budget "
                                "(`extraction-timeout`).",
                           e503="The language model is not installed, or every extraction slot is busy (`Retry-After`).",
                           e504="The request timed out; the re-extraction was abandoned and nothing was stored.")},
)
async def reextract_document(request: Request, document_id: DocumentId) -> Response:
    """Replaces what was extracted from the document by a fresh extraction (same id, same
    text); use it after upgrading the extractor. Statements, declarations and clauses that
    are found again keep their ids."""
    engine = request.app.state.engine

    def stored() -> Document | None:
        with Session(engine) as session:
            return session.get(Document, document_id)

    doc = await run_in_threadpool(stored)
    if doc is None:
        raise not_found("document", document_id)
    # No title: a given one is kept by the store, a derived one is derived afresh.
    result = await run_in_threadpool(
        _ingest, request, text=doc.text, published_at=doc.published_at,
        source=doc.source, source_url=doc.source_url, reextract=True, document_id=document_id,
    )
    return _json(_written(request, result), 200)
