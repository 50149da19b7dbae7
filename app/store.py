"""Writing extraction results to the database: one document, one transaction.

``ingest_text`` and ``delete_document`` are the library entry points shared by the
``verbatim ingest`` command and the write API. Both commit on success and roll back
everything they wrote on failure, so a document is never half-stored. What a document's
text, hash, date and title are is decided elsewhere (``app.documents``,
``app.extract.docinfo``); this module only writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import case, delete, func, or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from app import documents
from app.extract.docinfo import fallback_title, publication_moment
from app.extract.types import Clause as ExtractedClause
from app.extract.types import Extraction
from app.extract.types import Speaker as ExtractedSpeaker
from app.models import (
    Clause,
    ClausePrinciple,
    Declaration,
    DeclarationParty,
    Document,
    Mention,
    Speaker,
    SpeakerAlias,
    Statement,
    StatementSpeaker,
    as_utc,
    max_length,
)
from app.provenance import grouping as quotations
from app.speakers import match_speaker
from app.text import collapse_whitespace, comparison_key

Status = Literal["new", "unchanged", "reextracted"]
WRITE_ATTEMPTS = 4  # a concurrent writer may win a unique key (slug, sha256): retry the document


class DocumentGone(LookupError):
    """The document being re-extracted was deleted meanwhile; nothing was stored."""

    def __init__(self, document_id: int) -> None:
        super().__init__(f"document {document_id} was deleted while it was being re-extracted; nothing was stored")
        self.document_id = document_id


class WriteAbandoned(RuntimeError):
    """The caller withdrew its permission to commit (its request timed out): rolled back."""


@dataclass(frozen=True, slots=True)
class DocumentSpeaker:
    """A speaker of a stored document: named in its text (``mentioned``), or only the first
    speaker of one of its statements (an organisation: "the Kremlin said")."""

    id: int
    slug: str
    name: str
    mentioned: bool


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one document and what is now stored for it, taken inside the
    write's transaction: the write API answers with it, ``verbatim ingest`` sums it."""

    document: Document  # a detached copy of the stored row
    status: Status
    speakers: tuple[DocumentSpeaker, ...] = ()  # by id
    declarations: int = 0
    clauses: int = 0

    @property
    def document_id(self) -> int:
        assert self.document.id is not None
        return self.document.id

    @property
    def statements(self) -> int:
        return self.document.statement_count

    @property
    def quotes(self) -> int:
        return self.document.quote_count


# -- public entry points ---------------------------------------------------------------


def ingest_text(
    session: Session,
    text: str,
    *,
    title: str | None = None,
    published_at: str | datetime | None = None,
    source: str | None = None,
    source_url: str | None = None,
    default_source: str | None = None,
    reextract: bool = False,
    extraction: Extraction | None = None,
    extractor: Callable[[str], Extraction] | None = None,
    document_id: int | None = None,
    may_commit: Callable[[], bool] | None = None,
) -> IngestResult:
    """Store ``text`` and everything extracted from it; idempotent by content hash.

    A document already stored by the current extractor is left alone (``unchanged``)
    unless ``reextract``; a stale one is re-extracted in place: its id is kept, and so
    are the ids of the statements, declarations and clauses found again (see
    ``_store_statements``). A ``title`` given here is kept by later re-extractions.
    ``source`` is the publisher as given; without one, the agency a dateline names fills it,
    and only then ``default_source`` (a file name, "api"): a fallback, never preferred to
    what the text says.
    ``extraction`` of ``normalise_text(text)`` may be given when it was computed
    elsewhere (``verbatim ingest --workers`` extracts in worker processes), or an
    ``extractor`` that computes it when it is needed (the API's worker pool).

    ``document_id`` makes this a re-extraction of that stored document: when it has been
    deleted meanwhile, :class:`DocumentGone` is raised and nothing is stored (it is never
    stored again under a new id). ``may_commit`` is asked just before the commit; when it
    answers False everything is rolled back and :class:`WriteAbandoned` is raised, so a
    caller that has given up (a timed-out request) never commits afterwards.
    """
    text = documents.normalise_text(text)
    if not text:
        raise ValueError("document is empty")
    sha = documents.text_sha256(text)
    published = documents.parse_published_at(published_at)
    version = documents.extractor_version()

    meta = _Meta(title=title, published_at=published, source=source, source_url=source_url,
                 default_source=default_source)
    existing = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if document_id is not None and (existing is None or existing.id != document_id):
        session.rollback()
        raise DocumentGone(document_id)
    if existing is not None and existing.extractor_version == version and not reextract:
        try:
            changed = _update_metadata(session, existing, meta)
            result = _unchanged(session, existing)
            if changed:
                _commit(session, may_commit)  # e.g. a sidecar added or corrected since the last run
            else:
                session.rollback()  # end the read transaction; nothing was written
        except BaseException:
            session.rollback()
            raise
        return result
    session.rollback()  # do not hold a snapshot (or a lock) while extracting

    if extraction is None:
        extraction = (extractor or documents.run_extractor)(text)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            result = _store(session, text, sha, version, extraction, meta, reextract=reextract, document_id=document_id)
            _commit(session, may_commit)
            return result
        except StaleDataError:  # SQLite: the row being re-extracted was deleted under us
            session.rollback()
            if document_id is None:
                raise
            raise DocumentGone(document_id) from None
        except (IntegrityError, OperationalError) as exc:
            session.rollback()
            if attempt == WRITE_ATTEMPTS or not _retryable(exc):
                raise
            time.sleep(0.05 * attempt)
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


def _commit(session: Session, may_commit: Callable[[], bool] | None) -> None:
    """Commit, unless the caller has withdrawn its permission (then roll back and say so)."""
    if may_commit is not None and not may_commit():
        session.rollback()
        raise WriteAbandoned("the request was abandoned before its write committed; nothing was stored")
    session.commit()


def is_current(session: Session, text: str) -> bool:
    """True when ``text`` is stored by the running extractor, so ingesting it again would
    not extract it (a parallel ingest need not send it to a worker). Ends the read."""
    sha = documents.text_sha256(documents.normalise_text(text))
    try:
        version = session.exec(select(Document.extractor_version).where(Document.sha256 == sha)).first()
    finally:
        session.rollback()
    return version == documents.extractor_version()


def delete_document(session: Session, document_id: int) -> bool:
    """Delete a document with its statements, declarations, clauses and mentions.

    Speakers left with no mention and no statement anywhere are deleted too; the
    counters of the others are recomputed. Returns False when there is no such document.
    """
    try:
        _lock_writers(session)
        document = session.get(Document, document_id)
        if document is None:
            session.rollback()
            return False
        touched = _speaker_ids_of(session, document_id)
        grouped = quotations.forget_document(session, document_id)
        _clear_children(session, document_id)
        session.exec(delete(Document).where(Document.id == document_id))  # type: ignore[arg-type]
        quotations.refresh(session, quotations.split(session, grouped))
        _recount_speakers(session, touched)
        _drop_orphans(session, touched)
        session.commit()
        return True
    except BaseException:
        session.rollback()
        raise


# -- internals -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Meta:
    title: str | None
    published_at: datetime | None
    source: str | None
    source_url: str | None
    default_source: str | None = None


WRITER_LOCK_KEY = 0x76657262  # "verb": the advisory lock every document write takes


def _lock_writers(session: Session) -> None:
    """Make concurrent document writes apply one at a time, across processes and machines.

    On PostgreSQL this takes a transaction-level advisory lock, released at commit or
    rollback. Unique constraints alone would stop two "jane-doe" rows, but not
    "Aliyev" and "Ilham Aliyev" created side by side as two people, nor a lost update of
    a speaker's recomputed counters (each writer counts without the other's rows). Only
    the short write is serialised; extraction, the expensive part, runs outside it.
    SQLite needs nothing: its first write takes the database's single write lock, and
    ``_store`` writes the document row before it reads any speaker.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(func.pg_advisory_xact_lock(WRITER_LOCK_KEY)))  # type: ignore[call-overload]


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    message = str(exc).lower()
    return "locked" in message or "busy" in message or "deadlock" in message


def _update_metadata(session: Session, document: Document, meta: _Meta) -> bool:
    """Apply explicitly given title / URL / date to an already stored text; True if changed."""
    changed = False
    if meta.title and (meta.title != document.title or not document.title_given):
        document.title, document.title_given, changed = meta.title, True, True
    if meta.source_url and meta.source_url != document.source_url:
        document.source_url, changed = meta.source_url, True
    stored = as_utc(document.published_at) if document.published_at else None
    if meta.published_at and meta.published_at != stored:
        document.published_at, changed = meta.published_at, True
        session.exec(  # type: ignore[call-overload]
            update(Statement).where(Statement.document_id == document.id).values(published_at=meta.published_at)
        )
        session.exec(  # type: ignore[call-overload]
            update(StatementSpeaker)
            .where(StatementSpeaker.statement_id.in_(_statement_ids(document.id)))  # type: ignore[attr-defined]
            .values(published_at=meta.published_at)
        )
        quotations.refresh_document(session, document.id)  # type: ignore[arg-type]
    if changed:
        session.add(document)
        session.flush()
    return changed


def _unchanged(session: Session, document: Document) -> IngestResult:
    """The result for a document already stored by this extractor, read back."""
    assert document.id is not None
    mentioned = select(Mention.speaker_id).where(Mention.document_id == document.id)
    quoted = select(Statement.speaker_id).where(Statement.document_id == document.id)
    speakers = session.exec(
        select(Speaker.id, Speaker.slug, Speaker.name, Speaker.id.in_(mentioned))  # type: ignore[call-overload,union-attr]
        .where(or_(Speaker.id.in_(mentioned), Speaker.id.in_(quoted)))  # type: ignore[union-attr]
        .order_by(Speaker.id)
    ).all()
    declarations = session.exec(
        select(func.count()).select_from(Declaration).where(Declaration.document_id == document.id)
    ).one()
    clauses = session.exec(
        select(func.count()).select_from(Clause).where(Clause.document_id == document.id)
    ).one()
    return IngestResult(
        document=_detached(document),
        status="unchanged",
        speakers=tuple(DocumentSpeaker(id, slug, name, bool(named)) for id, slug, name, named in speakers),
        declarations=declarations,
        clauses=clauses,
    )


def _detached(document: Document) -> Document:
    """A copy of the row as written, readable after the session has committed or closed."""
    return Document(**document.model_dump())


def _store(
    session: Session,
    text: str,
    sha: str,
    version: str,
    extraction: Extraction,
    meta: _Meta,
    *,
    reextract: bool,
    document_id: int | None = None,
) -> IngestResult:
    """Write one document inside the caller's transaction (no commit here).

    With ``document_id`` (a re-extraction), the document must still be stored under that
    id once the writers' lock is held; a delete that won the race ends it (DocumentGone).
    """
    _lock_writers(session)
    info = extraction.document
    document = session.exec(select(Document).where(Document.sha256 == sha)).first()
    if document_id is not None and (document is None or document.id != document_id):
        raise DocumentGone(document_id)
    if document is not None and document.extractor_version == version and not reextract:
        return _unchanged(session, document)  # a concurrent run stored it meanwhile

    # a given date alone takes the time of a yearless dateline on that day ("22 Feb. 23:00")
    published = publication_moment(meta.published_at, info.dateline) or documents.parse_published_at(info.published_at)
    status: Status = "new" if document is None else "reextracted"
    touched: set[int] = set()
    grouped: set[int] = set()
    if document is None:
        document = Document(sha256=sha, text=text, extractor_version=version)
    else:
        assert document.id is not None
        touched = _speaker_ids_of(session, document.id)
        grouped = quotations.quotations_of_document(session, document.id)
        _clear_details(session, document.id)  # statements, declarations, clauses are synced below
    if meta.title:
        document.title, document.title_given = meta.title, True
    elif not document.title_given:  # a derived title follows the extractor; a given one stays
        document.title = info.title or fallback_title(text, info.dateline) or document.title
    document.dateline = info.dateline
    document.location = info.location
    document.published_at = published if published is not None else document.published_at
    document.source = _cut(meta.source or info.source or document.source or meta.default_source or "", Document.source) or None
    document.source_url = meta.source_url or document.source_url
    document.word_count = info.word_count or len(text.split())
    document.extractor_version = version
    document.statement_count = len(extraction.statements)
    document.quote_count = sum(st.kind == "direct" for st in extraction.statements)
    session.add(document)
    session.flush()
    assert document.id is not None

    speaker_rows = _store_speakers(session, document.id, text, extraction.speakers)
    speaker_ids = {slug: row.id for slug, row in speaker_rows.items() if row.id is not None}
    first_speakers = _store_statements(session, document, extraction, speaker_ids)
    quotations.sync_document(session, document.id, grouped)
    clauses = _store_declarations(session, document.id, extraction)

    current = set(speaker_ids.values())
    _recount_speakers(session, touched | current)
    _drop_orphans(session, touched - current)
    return IngestResult(
        document=_detached(document),
        status=status,
        speakers=_named(extraction.speakers, speaker_rows, first_speakers),
        declarations=len(extraction.declarations),
        clauses=clauses,
    )


def _named(
    extracted: Iterable[ExtractedSpeaker], rows: dict[str, Speaker], first_speakers: set[int]
) -> tuple[DocumentSpeaker, ...]:
    """The document's speakers as just written: those with a mention, and the first speaker
    of each statement (the same set ``_unchanged`` reads back from the rows)."""
    by_id = {row.id: row for row in rows.values()}
    mentioned = {rows[speaker.slug].id for speaker in extracted if speaker.mentions}
    return tuple(DocumentSpeaker(id, by_id[id].slug, by_id[id].name, id in mentioned)  # type: ignore[arg-type]
                 for id in sorted(mentioned | first_speakers))  # type: ignore[type-var]


def _store_speakers(
    session: Session, document_id: int, text: str, speakers: Iterable[ExtractedSpeaker]
) -> dict[str, Speaker]:
    """Insert or join each extracted speaker, with its mentions; returns the extraction
    slug → its row."""
    rows: dict[str, Speaker] = {}
    for extracted in speakers:
        row = match_speaker(session, extracted)
        if row is None:
            row = Speaker(
                slug=extracted.slug,
                name=extracted.name,
                name_norm=comparison_key(extracted.name),
                kind=extracted.kind,
                title=extracted.title,
                country=extracted.country,
            )
        else:
            row.title = row.title or extracted.title
            row.country = row.country or extracted.country
        session.add(row)
        session.flush()
        assert row.id is not None
        rows[extracted.slug] = row
        _add_aliases(session, row, [extracted.name, *extracted.aliases])
        for span in extracted.mentions:
            session.add(
                Mention(
                    document_id=document_id,
                    speaker_id=row.id,
                    text=_cut(text[span.start : span.end], Mention.text),
                    start_char=span.start,
                    end_char=span.end,
                )
            )
    session.flush()
    return rows


def _add_aliases(session: Session, row: Speaker, aliases: Iterable[str]) -> None:
    known = set(session.exec(select(SpeakerAlias.alias_norm).where(SpeakerAlias.speaker_id == row.id)).all())
    for alias in aliases:
        alias = _cut(collapse_whitespace(alias), SpeakerAlias.alias)
        key = comparison_key(alias)
        if key and key not in known:
            known.add(key)
            session.add(SpeakerAlias(speaker_id=row.id, alias=alias, alias_norm=key))  # type: ignore[arg-type]


def _store_statements(
    session: Session, document: Document, extraction: Extraction, speaker_ids: dict[str, int]
) -> set[int]:
    """Sync the document's statements with ``extraction``; returns the ids of the speakers
    who are a statement's first (``statement.speaker_id``).

    Public ids live on in URLs, embedded cards and oEmbed iframes, so a statement whose
    identity (kind and span) is unchanged keeps its row and id and is updated in place;
    statements that disappeared are deleted and new ones inserted.
    """
    stored = _Stored(
        session.exec(select(Statement).where(Statement.document_id == document.id).order_by(Statement.id)).all(),  # type: ignore[arg-type]
        lambda row: (row.kind, row.start_char, row.end_char),
    )
    rows: list[tuple[Statement, list[int]]] = []
    for st in extraction.statements:
        speakers = list(dict.fromkeys(speaker_ids[slug] for slug in st.speakers if slug in speaker_ids))
        values = {
            "speaker_id": speakers[0] if speakers else None,
            "kind": st.kind,
            "form": st.form,
            "via": _cut(st.via, Statement.via) if st.via else None,
            "text": st.text,
            "start_char": st.start_char,
            "end_char": st.end_char,
            "fragments": [list(f) for f in st.fragments] if st.fragments else None,
            "cue": st.cue,
            "cue_norm": comparison_key(st.cue) if st.cue else None,
            "cue_start": st.cue_start,
            "cue_end": st.cue_end,
            "speaker_mention": _cut(st.speaker_mention, Statement.speaker_mention) if st.speaker_mention else None,
            "speaker_mention_start": st.speaker_mention_start,
            "speaker_mention_end": st.speaker_mention_end,
            "confidence": st.confidence,
            "paragraph": st.paragraph,
            "published_at": document.published_at,
        }
        row = stored.take((st.kind, st.start_char, st.end_char))
        row = _assign(row, values) if row else Statement(document_id=document.id, **values)  # type: ignore[arg-type]
        session.add(row)
        rows.append((row, speakers))
    stored.delete_rest(session, Statement)
    session.flush()
    _store_statement_speakers(session, document, rows)
    return {speakers[0] for _, speakers in rows if speakers}


def _store_statement_speakers(
    session: Session, document: Document, rows: Iterable[tuple[Statement, list[int]]]
) -> None:
    """Write each statement's speakers in order of mention, afresh (the rows have no id of
    their own); they carry the statement's ``published_at`` for the date-ordered index."""
    assert document.id is not None
    session.exec(delete(StatementSpeaker).where(StatementSpeaker.statement_id.in_(_statement_ids(document.id))))  # type: ignore[call-overload,attr-defined]
    for row, speakers in rows:
        for position, speaker_id in enumerate(speakers):
            session.add(StatementSpeaker(statement_id=row.id, speaker_id=speaker_id, position=position,  # type: ignore[arg-type]
                                         published_at=document.published_at))
    session.flush()


def _statement_ids(document_id: int) -> Any:
    """The ids of a document's statements, as a subquery."""
    return select(Statement.id).where(Statement.document_id == document_id)


def _store_declarations(session: Session, document_id: int, extraction: Extraction) -> int:
    """Sync the document's declarations with ``extraction``; returns the clause count.

    As for statements, ids are kept: a declaration is the same while its normalised title
    is, a clause while its declaration and span are. Parties and principles (no ids of
    their own) were cleared by ``_clear_details`` and are written afresh.
    """
    stored = _Stored(
        session.exec(select(Declaration).where(Declaration.document_id == document_id).order_by(Declaration.id)).all(),  # type: ignore[arg-type]
        lambda row: comparison_key(row.title),
    )
    clause_total = 0
    for extracted in extraction.declarations:
        values = {
            "title": _cut(extracted.title, Declaration.title),
            "kind": _cut(extracted.kind, Declaration.kind),
            "status": extracted.status,
            "start_char": extracted.start_char,
            "end_char": extracted.end_char,
            "clause_count": len(extracted.clauses),
        }
        declaration = stored.take(comparison_key(values["title"]))
        declaration = _assign(declaration, values) if declaration else Declaration(document_id=document_id, **values)  # type: ignore[arg-type]
        session.add(declaration)
        session.flush()
        assert declaration.id is not None
        for party, key in _unique(extracted.parties):
            session.add(DeclarationParty(declaration_id=declaration.id, party=party, party_norm=key))
        _store_clauses(session, declaration.id, document_id, extracted.clauses)
        clause_total += len(extracted.clauses)
    gone = stored.rest_ids()
    if gone:
        session.exec(delete(Clause).where(Clause.declaration_id.in_(gone)))  # type: ignore[call-overload,attr-defined]
    stored.delete_rest(session, Declaration)
    session.flush()
    return clause_total


def _store_clauses(
    session: Session, declaration_id: int, document_id: int, clauses: Iterable[ExtractedClause]
) -> None:
    """Sync one declaration's clauses, keeping the id of each clause whose span is unchanged."""
    stored = _Stored(
        session.exec(select(Clause).where(Clause.declaration_id == declaration_id).order_by(Clause.id)).all(),  # type: ignore[arg-type]
        lambda row: (row.start_char, row.end_char),
    )
    for item in clauses:
        values = {"ordinal": item.ordinal, "text": item.text, "start_char": item.start_char, "end_char": item.end_char}
        clause = stored.take((item.start_char, item.end_char))
        clause = _assign(clause, values) if clause else Clause(declaration_id=declaration_id, document_id=document_id, **values)  # type: ignore[arg-type]
        session.add(clause)
        session.flush()
        for principle, key in _unique(item.principles):
            session.add(ClausePrinciple(clause_id=clause.id, principle=principle, principle_norm=key))  # type: ignore[arg-type]
    stored.delete_rest(session, Clause)


Row = TypeVar("Row", Statement, Declaration, Clause)


class _Stored(Generic[Row]):
    """A document's stored rows by identity: ``take`` hands each row out at most once (the
    oldest first when several share an identity); the rows never taken are stale."""

    def __init__(self, rows: Iterable[Row], identity: Callable[[Row], Hashable]) -> None:
        self._rows = list(rows)
        self._free: dict[Hashable, list[Row]] = {}
        for row in self._rows:
            self._free.setdefault(identity(row), []).append(row)
        self._taken: set[int] = set()

    def take(self, key: Hashable) -> Row | None:
        candidates = self._free.get(key)
        if not candidates:
            return None
        row = candidates.pop(0)
        assert row.id is not None
        self._taken.add(row.id)
        return row

    def rest_ids(self) -> list[int]:
        return [row.id for row in self._rows if row.id is not None and row.id not in self._taken]

    def delete_rest(self, session: Session, model: type[Row]) -> None:
        gone = self.rest_ids()
        if gone:
            session.exec(delete(model).where(model.id.in_(gone)))  # type: ignore[call-overload,union-attr]


def _assign(row: Row, values: dict[str, Any]) -> Row:
    """Update a kept row in place (the ORM writes only the columns whose value changed)."""
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _cut(value: str, column: Any) -> str:
    """``value`` no longer than the string ``column`` holds (PostgreSQL refuses a longer one)."""
    return value[: max_length(column)]


def _unique(values: Iterable[str]) -> list[tuple[str, str]]:
    """Values with their normalised key, first spelling wins (the key is a primary key)."""
    seen: dict[str, str] = {}
    for value in values:
        value = collapse_whitespace(value)
        key = comparison_key(value)
        if key and key not in seen:
            seen[key] = value
    return [(value, key) for key, value in seen.items()]


def _speaker_ids_of(session: Session, document_id: int) -> set[int]:
    """The speakers a document mentions or quotes (any position): those whose counters
    and existence its rewrite or deletion may change."""
    mentioned = session.exec(select(Mention.speaker_id).where(Mention.document_id == document_id)).all()
    quoted = session.exec(
        select(StatementSpeaker.speaker_id).where(StatementSpeaker.statement_id.in_(_statement_ids(document_id)))  # type: ignore[attr-defined]
    ).all()
    return {sid for sid in [*mentioned, *quoted] if sid is not None}


def _clear_children(session: Session, document_id: int) -> None:
    """Delete everything derived from a document, children first (no reliance on cascades)."""
    _clear_details(session, document_id)
    for stmt in (
        delete(Clause).where(Clause.document_id == document_id),
        delete(Declaration).where(Declaration.document_id == document_id),
        delete(StatementSpeaker).where(StatementSpeaker.statement_id.in_(_statement_ids(document_id))),  # type: ignore[attr-defined]
        delete(Statement).where(Statement.document_id == document_id),
    ):
        session.exec(stmt)  # type: ignore[call-overload]
    session.flush()


def _clear_details(session: Session, document_id: int) -> None:
    """Delete a document's mentions, declaration parties and clause principles: the rows
    with no public id, which re-extraction writes afresh instead of syncing."""
    clause_ids = select(Clause.id).where(Clause.document_id == document_id)
    declaration_ids = select(Declaration.id).where(Declaration.document_id == document_id)
    for stmt in (
        delete(ClausePrinciple).where(ClausePrinciple.clause_id.in_(clause_ids)),  # type: ignore[attr-defined]
        delete(DeclarationParty).where(DeclarationParty.declaration_id.in_(declaration_ids)),  # type: ignore[attr-defined]
        delete(Mention).where(Mention.document_id == document_id),
    ):
        session.exec(stmt)  # type: ignore[call-overload]
    session.flush()


def _recount_speakers(session: Session, speaker_ids: set[int]) -> None:
    """Recompute the denormalised statement/quote counters of these speakers; a joint
    statement counts once under each of its speakers."""
    if not speaker_ids:
        return
    rows = session.exec(
        select(
            StatementSpeaker.speaker_id,
            func.count(Statement.id),
            func.coalesce(func.sum(case((Statement.kind == "direct", 1), else_=0)), 0),
        )
        .join(Statement, Statement.id == StatementSpeaker.statement_id)  # type: ignore[arg-type]
        .where(StatementSpeaker.speaker_id.in_(speaker_ids))  # type: ignore[attr-defined]
        .group_by(StatementSpeaker.speaker_id)
    ).all()
    counts = {sid: (total, quotes) for sid, total, quotes in rows}
    for speaker in session.exec(select(Speaker).where(Speaker.id.in_(speaker_ids))).all():  # type: ignore[union-attr]
        speaker.statement_count, speaker.quote_count = (int(x) for x in counts.get(speaker.id, (0, 0)))
        session.add(speaker)
    session.flush()


def _drop_orphans(session: Session, speaker_ids: set[int]) -> None:
    """Delete speakers no document mentions or quotes any more."""
    if not speaker_ids:
        return
    alive = set(
        session.exec(select(Mention.speaker_id).where(Mention.speaker_id.in_(speaker_ids))).all()  # type: ignore[attr-defined]
    ) | set(
        session.exec(select(StatementSpeaker.speaker_id).where(StatementSpeaker.speaker_id.in_(speaker_ids))).all()  # type: ignore[attr-defined]
    )
    dead = speaker_ids - alive
    if dead:
        session.exec(delete(SpeakerAlias).where(SpeakerAlias.speaker_id.in_(dead)))  # type: ignore[call-overload,attr-defined]
        session.exec(delete(Speaker).where(Speaker.id.in_(dead)))  # type: ignore[call-overload,union-attr]
        session.flush()


__all__ = ["DocumentGone", "DocumentSpeaker", "IngestResult", "WriteAbandoned", "delete_document", "ingest_text", "is_current"]
