"""``/statements`` (direct quotes and reported speech) and ``/quotes`` (direct only),
flat and nested under their speaker or document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import bindparam
from sqlmodel import Session, select
from starlette.responses import Response

from app.api.common import (
    Listing,
    Parent,
    add_item_route,
    add_list_route,
    by_id,
    get_or_404,
    item_response,
    item_url,
    problems,
    values_of,
)
from app.api.documents import DocumentId
from app.api.quotations import speaker_refs
from app.api.speakers import SPEAKER_PARAM, find_speaker
from app.db import SessionDep
from app.models import Document, Speaker, Statement, StatementSpeaker
from app.problems import not_found, validation_problem
from app.provenance.match import MAX_CLAIM_CHARS, best_matches
from app.provenance.text import words
from app.queries import (
    MAX_ID,
    Counters,
    DbId,
    Facet,
    FilterSpec,
    Linked,
    Resource,
    Via,
    published_between,
    resolve_speaker,
)
from app.schemas import QuoteMatchPage, StatementOut

router = APIRouter(tags=["statements"])

# A statement's speakers are rows of the link table (several for a joint statement): a
# speaker's statements are read from its (speaker_id, statement_id) and (speaker_id,
# published_at, statement_id) indexes, in id or date order.
SPEAKER_LINK = Via(StatementSpeaker.speaker_id, StatementSpeaker.statement_id, Statement.id,
                   orders=(("id", StatementSpeaker.statement_id), ("published_at", StatementSpeaker.published_at)))

FILTERS = (
    FilterSpec("speaker", "speaker", (SPEAKER_LINK,),
               description="Speaker id, slug, name or alias (case-insensitive, exact); a joint "
                           "statement is listed under each of its speakers.",
               example="the republican leader"),
    FilterSpec("document_id", "exact", (Statement.document_id,), DbId,
               description="Only statements from this document.", example=1),
    FilterSpec("kind", "exact", (Statement.kind,), Literal["direct", "indirect"],
               description="`direct` (in quotation marks) or `indirect` (reported speech).",
               example="indirect"),
    FilterSpec("form", "exact", (Statement.form,), Literal["quote", "transcript", "reported"],
               description="`quote` (in quotation marks), `transcript` (a `Name: text` turn) or "
                           "`reported` (in the writer's words).",
               example="transcript"),
    FilterSpec("via", "exact", (Statement.via,),
               description="The medium that relayed the statement, as the text names it "
                           "(e.g. `Interfax` in \"Interfax quoted X as saying\").",
               example="Interfax"),
    FilterSpec("cue", "norm", (Statement.cue_norm,),
               description="The speech verb or phrase, case-insensitive (e.g. `said`, `noted`).",
               example="noted"),
    FilterSpec("q", "search", (Statement.id,),
               description='Full-text search of the statement text: words (all must match, '
                           'stemmed), "a phrase", prefix*.',
               example="peace"),
    *published_between(Statement.published_at, "Document published"),
    FilterSpec("quotation_id", "exact", (Statement.quotation_id,), DbId,
               description="Only the occurrences of this quotation.", example=3),
)
SORTS = {"id": "id", "published_at": "published_at", "confidence": "confidence",
         "document_id": "document_id", "start_char": "start_char"}

FACETS = (
    Facet("speaker", Speaker.slug, Speaker.name, join=(Speaker, Speaker.id == StatementSpeaker.speaker_id),
          through=(StatementSpeaker, StatementSpeaker.statement_id == Statement.id), param="speaker"),
    Facet("kind", Statement.kind, param="kind"),
    Facet("form", Statement.form, param="form"),
    Facet("via", Statement.via, param="via"),
    Facet("cue", Statement.cue_norm, Statement.cue, param="cue"),
    Facet("document", Statement.document_id, Document.title,
          join=(Document, Document.id == Statement.document_id), param="document_id"),
)

def _speaker_counts(session: Session, value: Any) -> tuple[int, int] | None:
    """A speaker's (statements, quotes) counters; None when the reference names several
    speakers (a joint statement of two of them would be counted twice). The lookup is the
    filter's own (``resolve_speaker`` runs once per request)."""
    match = resolve_speaker(session, value)
    return None if len(match.ids) > 1 else (match.statements, match.quotes)


_DOCUMENT = Document.__table__.c  # type: ignore[attr-defined]
_DOCUMENT_COUNTS = select(_DOCUMENT.statement_count, _DOCUMENT.quote_count).where(_DOCUMENT.id == bindparam("id"))


def _document_counts(session: Session, value: Any) -> tuple[int, int]:
    counted = session.connection().execute(_DOCUMENT_COUNTS, {"id": value}).first()
    return (int(counted[0] or 0), int(counted[1] or 0)) if counted else (0, 0)


# a joint statement is in the counter of each of its speakers (app.store keeps them in step)
COUNTERS = {"speaker": _speaker_counts, "document_id": _document_counts}
STATEMENTS = Resource(key="statements", model=Statement, filters=FILTERS, sorts=SORTS, facets=FACETS,
                      counters=Counters(COUNTERS))
QUOTES = Resource(key="quotes", model=Statement, filters=FILTERS, sorts=SORTS, facets=FACETS,
                  base=(Statement.kind == "direct",), counters=Counters(COUNTERS, fixed_split="direct"))

StatementId = Annotated[int, Path(ge=1, le=MAX_ID, description="Statement id.", examples=[4])]


def _speakers_query(many: bool) -> Any:
    """Statements' speakers in order of mention; built once (``ids``: one id or a list)."""
    link, speaker = StatementSpeaker.__table__.c, Speaker.__table__.c  # type: ignore[attr-defined]
    ids = bindparam("ids", expanding=many)
    return (select(link.statement_id, speaker.id, speaker.slug, speaker.name)
            .join_from(StatementSpeaker.__table__, Speaker.__table__, speaker.id == link.speaker_id)  # type: ignore[attr-defined]
            .where(link.statement_id.in_(ids) if many else link.statement_id == ids)
            .order_by(link.statement_id, link.position))


_SPEAKERS_OF_ONE, _SPEAKERS_OF_MANY = _speakers_query(False), _speakers_query(True)


def speakers_of(session: Session, statements: Sequence[tuple[int | None, int | None]]) -> dict[int, list[dict[str, Any]]]:
    """Each statement's speakers (``{id, slug, name}``, in order of mention) for a whole page
    in one query; ``statements`` are ``(id, speaker_id)`` pairs, and a statement without link
    rows falls back to its ``speaker_id``."""
    ids = [statement_id for statement_id, _ in statements if statement_id is not None]
    found: dict[int, list[dict[str, Any]]] = {}
    if ids:
        query, value = (_SPEAKERS_OF_ONE, ids[0]) if len(ids) == 1 else (_SPEAKERS_OF_MANY, ids)
        refs: dict[int, dict[str, Any]] = {}  # one dict a speaker: an export batch names few, often
        for statement_id, sid, slug, name in session.connection().execute(query, {"ids": value}).all():
            ref = refs.get(sid)
            if ref is None:
                ref = refs[sid] = {"id": sid, "slug": slug, "name": name}
            found.setdefault(statement_id, []).append(ref)
    missing = {speaker_id for statement_id, speaker_id in statements
               if speaker_id is not None and statement_id not in found}
    if missing:
        refs = speaker_refs(session, missing)
        for statement_id, speaker_id in statements:
            if statement_id not in found and speaker_id in refs:
                found[statement_id or 0] = [refs[speaker_id]]
    return found


def _speakers(session: Session, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """``speaker`` (the first) and ``speakers`` of each row."""
    statements = values_of(rows, "id", "speaker_id")
    found = speakers_of(session, statements)
    return [{"speaker": refs[0] if refs else None, "speakers": refs}
            for refs in (found.get(statement_id, []) for statement_id, _ in statements)]


def listing(resource: Resource) -> Listing:
    return Listing(resource, StatementOut, related=_speakers, reads=("speaker_id",), url="statements",
                   omit_empty=frozenset({"fragments"}))


STATEMENT_LISTING = listing(STATEMENTS)
QUOTE_LISTING = listing(QUOTES)
STATEMENT_ID = ("statement_id", StatementId)


def _find_quote(session: Session, statement_id: int) -> Any:
    """A direct quote; an indirect statement's id is a 404 that points to /statements."""
    row = STATEMENT_LISTING.read_id(session, statement_id)
    if row is None or row.kind != "direct":
        hint = f"Statement {statement_id} is reported speech: see /statements/{statement_id}." if row else ""
        raise not_found("quote", statement_id, hint)
    return row


def _speaker_scope(session: Session, id_or_slug: str) -> tuple[list[Any], tuple[str, Any]]:
    speaker = find_speaker(session, id_or_slug)
    return [Linked(SPEAKER_LINK, [speaker.id], rows=speaker.statement_count)], ("speaker", speaker.id)


def _document_scope(session: Session, document_id: int) -> tuple[list[Any], tuple[str, Any]]:
    get_or_404(session, Document, document_id, "document")
    return [Statement.document_id == document_id], ("document_id", document_id)


BY_SPEAKER = Parent(SPEAKER_PARAM, _speaker_scope)

add_list_route(router, "/statements", STATEMENT_LISTING, name="list_statements",
               summary="List statements (quotes and reported speech)",
               description="Direct quotes and reported speech, each pointing at its exact source characters.")
add_item_route(router, "/statements/{statement_id}", STATEMENT_LISTING, name="get_statement",
               summary="Get a statement", description="One statement.", param=STATEMENT_ID,
               find=by_id(STATEMENT_LISTING, "statement"))
add_list_route(router, "/quotes", QUOTE_LISTING, name="list_quotes", summary="List direct quotes",
               description="Only statements in quotation marks (`kind=direct`); same filters as `/statements`.")


@router.get("/quotes/match", response_model=QuoteMatchPage, responses=problems(422),
            summary="Find the stored quotes most like a claimed quote")
def match_quotes(
    request: Request, session: SessionDep,
    text: Annotated[str, Query(max_length=MAX_CLAIM_CHARS, description="The claimed quote.",
                               examples=["we will rebuild the bridge before winter"])],
    speaker: Annotated[str | None, Query(max_length=500, description="Only quotes of this speaker "
                                         "(id, slug, name or alias).", examples=["ilham-aliyev"])] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many quotes.", examples=[10])] = 10,
) -> Response:
    """Stored direct quotes resembling `text`, best first, each with a `similarity` in [0, 1] and
    its quotation; a claim with a few words changed, missing or moved still finds its source."""
    if not words(text):
        raise validation_problem("text", "text must contain words to compare (letters or digits).")
    found = best_matches(session, text, speaker=speaker, limit=limit)
    speakers = speaker_refs(session, (m["speaker_id"] for m in found))
    items = [{
        "id": m["id"], "text": m["text"], "similarity": m["similarity"], "quotation_id": m["quotation_id"],
        "speaker": speakers.get(m["speaker_id"]) if m["speaker_id"] is not None else None,
        "document_id": m["document_id"], "published_at": m["published_at"], "source_url": m["source_url"],
        "url": item_url(request, "quotes", m["id"]),
        "quotation_url": item_url(request, "quotations", m["quotation_id"]) if m["quotation_id"] else None,
    } for m in found]
    return item_response(request, {"items": items, "total": len(items), "limit": limit, "next": None})


add_item_route(router, "/quotes/{statement_id}", QUOTE_LISTING, name="get_quote", summary="Get a direct quote",
               description="One direct quote; an indirect statement's id is a 404 here.",
               param=STATEMENT_ID, find=_find_quote)
add_list_route(router, "/speakers/{id_or_slug}/statements", STATEMENT_LISTING, name="list_speaker_statements",
               summary="List a speaker's statements", parent=BY_SPEAKER, tags=["speakers"],
               description="Same as `/statements?speaker=…`, but an unknown speaker is a 404.")
add_list_route(router, "/speakers/{id_or_slug}/quotes", QUOTE_LISTING, name="list_speaker_quotes",
               summary="List a speaker's direct quotes", parent=BY_SPEAKER, tags=["speakers"],
               description="Same as `/quotes?speaker=…`, but an unknown speaker is a 404.")
add_list_route(router, "/documents/{document_id}/statements", STATEMENT_LISTING, name="list_document_statements",
               summary="List a document's statements", parent=Parent(("document_id", DocumentId), _document_scope),
               tags=["documents"], description="Statements of one document; an unknown document is a 404.")
