"""Keeping quotations current as documents are stored, re-extracted and deleted.

A speaker's quotations are the connected components of the graph whose edges are
``related`` pairs of that speaker's direct quotes, so they do not depend on the order in
which documents arrive. Two operations keep that true, inside the writer's transaction:

* ``attach`` a new quote: its neighbours come from the full-text index (``candidates``);
  it joins their quotations, merging them when it bridges several (the oldest id stays).
* ``split`` a quotation that lost occurrences: its remaining members are regrouped among
  themselves (an edge to a quote outside would have put that quote inside already); the
  part holding the oldest occurrence keeps the id, other parts become new quotations, an
  empty quotation is deleted.

Then each touched quotation's summary (longest text, first_seen, counts) is recomputed; a
quotation that only gained occurrences has its summary updated from them instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, distinct, func, insert, select, update
from sqlmodel import Session

from app.models import Quotation, Statement
from app.provenance.candidates import best_quote_per_quotation, forget_keys, move_keys, same_speaker_quotes, write_keys
from app.provenance.text import QuoteText, related

TEXT_BATCH = 100  # candidate texts read per query; a quotation found to match is not read further

# Core tables, not the ORM: grouping runs for every quote of every document written, and the
# ORM's per-statement bookkeeping cost more than the queries. Statement objects already loaded
# in the writer's session keep a stale ``quotation_id``; the writer never reads it back.
STATEMENT = Statement.__table__  # type: ignore[attr-defined]
QUOTATION = Quotation.__table__  # type: ignore[attr-defined]


def quotations_of_document(session: Session, document_id: int) -> set[int]:
    """The quotations that a document's statements currently belong to."""
    rows = session.connection().execute(select(STATEMENT.c.quotation_id).where(
        STATEMENT.c.document_id == document_id, STATEMENT.c.quotation_id.is_not(None)))
    return {int(qid) for (qid,) in rows}


def sync_document(session: Session, document_id: int, previous: set[int]) -> None:
    """Regroup a document's direct quotes after they were written or re-extracted.

    ``previous`` holds the quotations its statements belonged to before the write (some of
    those statements may be gone). The document's quotes are detached, the quotations they
    left are split, then each quote is attached afresh.
    """
    session.flush()
    db = session.connection()
    affected = previous | quotations_of_document(session, document_id)
    if affected:  # a new document has nothing to detach
        db.execute(update(STATEMENT).where(STATEMENT.c.document_id == document_id).values(quotation_id=None))
    touched = split(session, affected)
    quotes = db.execute(select(STATEMENT.c.id, STATEMENT.c.speaker_id, STATEMENT.c.text, STATEMENT.c.published_at)
                        .where(STATEMENT.c.document_id == document_id, STATEMENT.c.kind == "direct")
                        .order_by(STATEMENT.c.id)).all()
    forget_keys(db, document_id)  # a re-extraction may keep a statement's id with new words
    placed = _Placed()
    for statement_id, speaker_id, text, published_at in quotes:
        _attach(db, statement_id, speaker_id, QuoteText(text), published_at, touched, placed)
    placed.write(db)
    write_keys(db, ((sid, speaker, placed.resolve(placed.target[sid]), quote.keys) for sid, speaker, quote in placed.quotes))
    grown = {qid: added for qid, added in placed.grown.items() if placed.resolve(qid) == qid and qid not in touched}
    touched |= _grow(db, grown, created=placed.created, newest=bool(grown) and _newest(db, document_id, placed))
    refresh(session, touched)


def _newest(db: Connection, document_id: int, placed: _Placed) -> bool:
    """Whether the document's quotes have higher ids than every other statement (a new
    document's always do; a re-extraction may keep older ids): then none of them wins a tie
    for a quotation's longest text, which goes to the lowest id."""
    first = min(placed.target)
    return db.execute(select(STATEMENT.c.id).where(
        STATEMENT.c.id > first, STATEMENT.c.document_id != document_id).limit(1)).first() is None


def _grow(db: Connection, grown: dict[int, list[tuple[str, datetime | None]]], *, created: set[int],
          newest: bool) -> set[int]:
    """Update the summaries of quotations that gained occurrences from one document without
    reading their other occurrences (one read, one batch of updates); returns those left to
    ``refresh``: the longest text is ambiguous when an added quote is as long as the current
    text but different and not known to be newer (the lower statement id wins)."""
    if not grown:
        return set()
    rows = db.execute(select(QUOTATION.c.id, QUOTATION.c.text, QUOTATION.c.first_seen, QUOTATION.c.occurrence_count,
                             QUOTATION.c.document_count).where(QUOTATION.c.id.in_(sorted(grown)))).all()
    updates, ambiguous = [], set()
    for quotation_id, text, first_seen, occurrences, documents in rows:
        text = _longest(text, [quote_text for quote_text, _ in grown[quotation_id]], newest=newest)
        if text is None:
            ambiguous.add(quotation_id)
            continue
        dates = [d for _, d in grown[quotation_id] if d is not None] + ([first_seen] if first_seen is not None else [])
        updates.append({"qid": quotation_id, "text": text, "first_seen": min(dates, default=None),
                        "occurrences": occurrences + len(grown[quotation_id]),
                        "documents": documents + int(quotation_id not in created)})
    if updates:
        db.execute(update(QUOTATION).where(QUOTATION.c.id == bindparam("qid")).values(
            text=bindparam("text"), first_seen=bindparam("first_seen"), occurrence_count=bindparam("occurrences"),
            document_count=bindparam("documents")), updates)
    return ambiguous


def _longest(text: str, added: list[str], *, newest: bool) -> str | None:
    """The longest of a quotation's ``text`` and its ``added`` quotes (ids ascending), the
    earliest among equals; None when an equal one may be earlier than ``text``'s quote."""
    for quote_text in added:
        if len(quote_text) > len(text):
            text = quote_text
        elif len(quote_text) == len(text) and quote_text != text and not newest:
            return None
    return text


class _Placed:
    """The document's quotes attached so far. Their rows are written once at the end (one
    batch, not one UPDATE per quote), so the index cannot show them to the next quote: it is
    compared with them here. A merge renames a quotation; ``resolve`` follows renames."""

    def __init__(self) -> None:
        self.quotes: list[tuple[int, int | None, QuoteText]] = []  # statement, speaker, text
        self.target: dict[int, int] = {}  # statement id -> quotation id (before renames)
        self.renamed: dict[int, int] = {}
        self.created: set[int] = set()  # quotations that began with one of these quotes
        self.grown: dict[int, list[tuple[str, datetime | None]]] = {}  # joined, not merged: text, date

    def resolve(self, quotation_id: int) -> int:
        while quotation_id in self.renamed:
            quotation_id = self.renamed[quotation_id]
        return quotation_id

    def neighbours(self, speaker_id: int, quote: QuoteText) -> set[int]:
        return {self.resolve(self.target[sid]) for sid, speaker, other in self.quotes
                if speaker == speaker_id and related(quote, other)}

    def add(self, statement_id: int, speaker_id: int | None, quote: QuoteText, quotation_id: int) -> None:
        self.quotes.append((statement_id, speaker_id, quote))
        self.target[statement_id] = quotation_id

    def write(self, db: Connection) -> None:
        rows = [{"sid": sid, "qid": self.resolve(qid)} for sid, qid in self.target.items()]
        if rows:
            db.execute(update(STATEMENT).where(STATEMENT.c.id == bindparam("sid"))
                       .values(quotation_id=bindparam("qid")), rows)


def forget_document(session: Session, document_id: int) -> set[int]:
    """Call before a document's statements are deleted; pass the result to ``split``."""
    return quotations_of_document(session, document_id)


def split(session: Session, quotation_ids: Iterable[int]) -> set[int]:
    """Regroup the remaining members of each quotation; returns the ids to refresh."""
    db = session.connection()
    touched: set[int] = set()
    for quotation_id in sorted(set(quotation_ids)):
        members = db.execute(select(STATEMENT.c.id, STATEMENT.c.text).where(
            STATEMENT.c.quotation_id == quotation_id).order_by(STATEMENT.c.id)).all()
        if not members:
            db.execute(delete(QUOTATION).where(QUOTATION.c.id == quotation_id))
            continue
        parts = _components([(int(sid), QuoteText(text)) for sid, text in members])
        touched.add(quotation_id)
        speaker_id = db.execute(select(QUOTATION.c.speaker_id).where(QUOTATION.c.id == quotation_id)).scalar()
        for part in parts[1:]:  # parts[0] holds the oldest occurrence: it keeps the id
            new_id = _new_quotation(db, speaker_id=speaker_id, text="")
            db.execute(update(STATEMENT).where(STATEMENT.c.id.in_(part)).values(quotation_id=new_id))
            move_keys(db, new_id, statement_ids=part)
            touched.add(new_id)
    return touched


def _components(members: list[tuple[int, QuoteText]]) -> list[list[int]]:
    """Connected components of ``related`` among ``members`` (ids ascending), each sorted,
    ordered by their smallest id."""
    parent = {sid: sid for sid, _ in members}

    def root(sid: int) -> int:
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    for i, (a_id, a) in enumerate(members):
        for b_id, b in members[i + 1:]:
            if root(a_id) != root(b_id) and related(a, b):
                parent[max(root(a_id), root(b_id))] = min(root(a_id), root(b_id))
    groups: dict[int, list[int]] = {}
    for sid, _ in members:
        groups.setdefault(root(sid), []).append(sid)
    return [groups[key] for key in sorted(groups)]


def _new_quotation(db: Connection, **values: Any) -> int:
    values = {"occurrence_count": 0, "document_count": 0, **values}
    return int(db.execute(insert(QUOTATION).values(**values).returning(QUOTATION.c.id)).scalar_one())


def _neighbours(db: Connection, statement_id: int, speaker_id: int, quote: QuoteText) -> set[int]:
    """The quotations holding a quote ``related`` to this one. Each quotation's latest quote
    under most of the shared keys is tried first (the index gives it without counting every
    quote's keys), and usually matches; only the quotations where it did
    not have their other candidates read, in rounds, until one matches or none is left."""
    best = [(sid, qid, text) for sid, qid, text in best_quote_per_quotation(db, speaker_id, quote.keys)
            if sid != statement_id]  # detached quotes find this one later
    neighbours = {qid for _, qid, text in best if related(quote, QuoteText(text))}
    tried = {sid for sid, _, _ in best}
    rest = {qid for _, qid, _ in best} - neighbours
    queues: dict[int, list[int]] = {}
    if rest:
        found = same_speaker_quotes(db, speaker_id, quote.keys, rest)
        for sid, qid, _ in sorted(found, key=lambda c: (-c[2], c[0])):
            if sid not in tried and sid != statement_id:
                queues.setdefault(qid, []).append(sid)
    while queues:
        batch = [(qid, queues[qid].pop(0)) for qid in sorted(queues)[:TEXT_BATCH]]
        neighbours.update(qid for qid, ok in _related_texts(db, quote, batch) if ok)
        queues = {qid: queue for qid, queue in queues.items() if queue and qid not in neighbours}
    return neighbours


def _related_texts(db: Connection, quote: QuoteText, candidates: list[tuple[int, int]]) -> list[tuple[int, bool]]:
    """(quotation id, whether the candidate quote is ``related``) for (quotation id, statement id)."""
    if not candidates:
        return []
    texts = dict(db.execute(select(STATEMENT.c.id, STATEMENT.c.text)
                            .where(STATEMENT.c.id.in_([sid for _, sid in candidates]))).all())
    return [(qid, related(quote, QuoteText(texts[sid]))) for qid, sid in candidates]


def _attach(db: Connection, statement_id: int, speaker_id: int | None, quote: QuoteText,
            published_at: datetime | None, touched: set[int], placed: _Placed) -> None:
    """Put one detached quote into its quotation, adding quotations to refresh to ``touched``
    (a quotation it merely joined is summarised incrementally later).

    A quote that joins nothing is a new quotation whose summary is the quote itself. Quotes
    without a speaker, or without a content word, stay a quotation of their own.
    """
    neighbours: set[int] = set()
    if speaker_id is not None:
        neighbours = _neighbours(db, statement_id, speaker_id, quote) | placed.neighbours(speaker_id, quote)
    if not neighbours:
        target = _new_quotation(db, speaker_id=speaker_id, text=quote.raw, first_seen=published_at,
                                occurrence_count=1, document_count=1)
        placed.created.add(target)
    elif len(neighbours) == 1:  # its summary grows by this quote (``_grow``) unless refreshed anyway
        target = neighbours.pop()
        placed.grown.setdefault(target, []).append((quote.raw, published_at))
    else:
        target, *merged = sorted(neighbours)
        if merged:  # this quote bridges quotations: the oldest absorbs the others
            db.execute(update(STATEMENT).where(STATEMENT.c.quotation_id.in_(merged)).values(quotation_id=target))
            move_keys(db, target, quotation_ids=merged)
            db.execute(delete(QUOTATION).where(QUOTATION.c.id.in_(merged)))
            touched.difference_update(merged)
            placed.renamed.update({old: target for old in merged})
        touched.add(target)
    placed.add(statement_id, speaker_id, quote, target)


def refresh(session: Session, quotation_ids: Iterable[int]) -> None:
    """Recompute each quotation's summary from its occurrences (deleting an empty one)."""
    db = session.connection()
    for quotation_id in sorted(set(quotation_ids)):
        count, documents, first_seen = db.execute(select(
            func.count(STATEMENT.c.id), func.count(distinct(STATEMENT.c.document_id)),
            func.min(STATEMENT.c.published_at)).where(STATEMENT.c.quotation_id == quotation_id)).one()
        if not count:
            db.execute(delete(QUOTATION).where(QUOTATION.c.id == quotation_id))
            continue
        text, speaker_id = db.execute(select(STATEMENT.c.text, STATEMENT.c.speaker_id).where(
            STATEMENT.c.quotation_id == quotation_id).order_by(
            func.length(STATEMENT.c.text).desc(), STATEMENT.c.id).limit(1)).one()
        db.execute(update(QUOTATION).where(QUOTATION.c.id == quotation_id).values(
            text=text, speaker_id=speaker_id, occurrence_count=int(count), document_count=int(documents),
            first_seen=first_seen))


def refresh_document(session: Session, document_id: int) -> None:
    """A document's date changed: its quotations' first_seen may have."""
    refresh(session, quotations_of_document(session, document_id))


__all__ = ["forget_document", "quotations_of_document", "refresh", "refresh_document", "split", "sync_document"]
