"""The browsing pages: who is quoted, what they said in context, what was agreed.

Plain GET forms and links only (no JavaScript), data read straight from the tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from sqlalchemy import func
from sqlmodel import Session, select
from starlette.responses import Response

from app.api.clauses import principles_of
from app.api.declarations import parties_of
from app.api.statements import SPEAKER_LINK, speakers_of
from app.db import SessionDep
from app.models import Clause, Declaration, Document, Speaker, Statement
from app.problems import Problem
from app.queries import Linked
from app.search import matches, parse, search
from app.urls import base_url
from app.web.highlight import in_paragraph, timeline
from app.web.quotations import most_quoted
from app.web.render import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
Text = Annotated[str | None, Query(max_length=500)]


def _base(request: Request) -> str:
    return base_url(request)


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    """Speakers by statement count, declarations with their clauses, the documents."""
    speakers = session.scalars(select(Speaker).order_by(Speaker.statement_count.desc(), Speaker.name_norm)).all()  # type: ignore[attr-defined]
    declarations = session.scalars(select(Declaration).order_by(Declaration.id)).all()
    clauses = session.scalars(select(Clause).order_by(Clause.declaration_id, Clause.start_char)).all()
    by_declaration: dict[int, list[Clause]] = defaultdict(list)
    for clause in clauses:
        by_declaration[clause.declaration_id].append(clause)
    documents = session.scalars(select(Document).order_by(Document.published_at.desc().nulls_last(), Document.id.desc()).limit(20)).all()  # type: ignore[union-attr]
    return render(request, "index.html", {
        "base": _base(request),
        "speakers": speakers,
        "declarations": declarations,
        "clauses": by_declaration,
        "principles": principles_of(session, clauses),
        "parties": parties_of(session, [d.id for d in declarations if d.id is not None]),
        "documents": documents,
        "statement_total": session.scalar(select(func.count()).select_from(Statement)) or 0,
    })


def _not_found(request: Request, what: str) -> Response:
    response = render(request, "error.html", {"title": "Not found", "message": f"There is no {what} here."})
    response.status_code = 404
    return response


def _in_context(session: Session, rows: list[Statement]) -> list[dict[str, Any]]:
    """Each statement with its paragraph split into highlighted pieces, its document and
    every speaker (a joint statement names its co-speakers)."""
    ids = {st.document_id for st in rows}
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))} if ids else {}  # type: ignore[union-attr]
    speakers = speakers_of(session, [(st.id, st.speaker_id) for st in rows])
    return [{"statement": st, "document": documents[st.document_id], "speakers": speakers.get(st.id or 0, []),
             "pieces": in_paragraph(documents[st.document_id].text, st)} for st in rows]


@router.get("/browse/speakers/{slug}")
def speaker_page(request: Request, session: SessionDep, slug: str,
                 kind: Annotated[Literal["direct", "indirect", ""] | None, Query()] = None,
                 q: Text = None, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """A speaker's statements (filter by kind and words), each inside its source paragraph."""
    speaker = session.scalars(select(Speaker).where(Speaker.slug == slug.strip().lower())).first()
    if speaker is None:
        return _not_found(request, "speaker with this name")
    conditions: list[Any] = [Linked(SPEAKER_LINK, [speaker.id or 0], rows=speaker.statement_count)]  # joint statements too
    if kind:
        conditions.append(Statement.kind == kind)
    error = None
    if q and q.strip():
        try:
            conditions.append(matches("statement", Statement.id, q))
        except Problem as problem:
            error = problem.detail
    if error:
        rows: list[Statement] = []
        dates: list[Any] = []
    else:
        stmt = select(Statement).where(*conditions).order_by(
            Statement.published_at.desc().nulls_last(), Statement.document_id, Statement.start_char)  # type: ignore[union-attr]
        rows = list(session.scalars(stmt.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
        dates = list(session.scalars(select(Statement.published_at).where(*conditions)))
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    response = render(request, "speaker.html", {
        "base": _base(request),
        "speaker": speaker,
        "kind": kind or "",
        "q": q or "",
        "error": error,
        "items": _in_context(session, rows),
        "timeline": timeline(dates),
        "page": page,
        "more": more,
        "shown_total": len(dates),
        "quotations": most_quoted(session, speaker.id),  # type: ignore[arg-type]
    })
    if error:
        response.status_code = 400
    return response


@router.get("/browse/search")
def search_page(request: Request, session: SessionDep, q: Text = None,
                type: Annotated[Literal["statement", "clause", ""] | None, Query()] = None) -> Response:
    """Full-text search results with highlighted snippets (the ``/search`` API, as a page)."""
    hits, total, error = [], 0, None
    if q and q.strip():
        try:
            found, total = search(session, parse(q), types=(type,) if type else ("statement", "clause"), limit=100)
        except Problem as problem:
            found, error = [], problem.detail
        speakers = _speakers_of(session, [h.id for h in found if h.type == "statement"])
        hits = [{"hit": h, "snippet": Markup(h.snippet), "speaker": speakers.get(h.id)} for h in found]  # noqa: S704  (escaped by app.search.marked)
    response = render(request, "search.html", {"base": _base(request), "q": q or "", "type": type or "",
                                                "hits": hits, "total": total, "error": error})
    if error:
        response.status_code = 400
    return response


def _speakers_of(session: Session, statement_ids: list[int]) -> dict[int, Speaker]:
    if not statement_ids:
        return {}
    rows = session.execute(select(Statement.id, Speaker).join(Speaker, Speaker.id == Statement.speaker_id)  # type: ignore[arg-type]
                           .where(Statement.id.in_(statement_ids)))  # type: ignore[union-attr]
    return {sid: speaker for sid, speaker in rows}
