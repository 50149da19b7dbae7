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

Then each touched quotation's summary (longest text, first_seen, counts) is recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, distinct, func, update
from sqlmodel import Session, select

from app.models import Quotation, Statement
from app.provenance.candidates import same_speaker_quotes
from app.provenance.text import QuoteText, related


def quotations_of_document(session: Session, document_id: int) -> set[int]:
    """The quotations that a document's statements currently belong to."""
    rows = session.exec(select(Statement.quotation_id).where(
        Statement.document_id == document_id, Statement.quotation_id.is_not(None)))  # type: ignore[union-attr]
    return {int(qid) for qid in rows if qid is not None}


def sync_document(session: Session, document_id: int, previous: set[int]) -> None:
    """Regroup a document's direct quotes after they were written or re-extracted.

    ``previous`` holds the quotations its statements belonged to before the write (some of
    those statements may be gone). The document's quotes are detached, the quotations they
    left are split, then each quote is attached afresh.
    """
    affected = previous | quotations_of_document(session, document_id)
    session.exec(update(Statement).where(Statement.document_id == document_id)  # type: ignore[call-overload]
                 .values(quotation_id=None))
    touched = split(session, affected)
    quotes = session.exec(select(Statement.id, Statement.speaker_id, Statement.text).where(
        Statement.document_id == document_id, Statement.kind == "direct").order_by(Statement.id)).all()
    for statement_id, speaker_id, text in quotes:
        touched.add(_attach(session, statement_id, speaker_id, text, touched))
    refresh(session, touched)


def forget_document(session: Session, document_id: int) -> set[int]:
    """Call before a document's statements are deleted; pass the result to ``split``."""
    return quotations_of_document(session, document_id)


def split(session: Session, quotation_ids: Iterable[int]) -> set[int]:
    """Regroup the remaining members of each quotation; returns the ids to refresh."""
    touched: set[int] = set()
    for quotation_id in sorted(set(quotation_ids)):
        members = session.exec(select(Statement.id, Statement.text).where(
            Statement.quotation_id == quotation_id).order_by(Statement.id)).all()
        if not members:
            session.exec(delete(Quotation).where(Quotation.id == quotation_id))  # type: ignore[call-overload]
            continue
        parts = _components([(int(sid), QuoteText(text)) for sid, text in members])
        touched.add(quotation_id)
        speaker_id = session.get(Quotation, quotation_id).speaker_id  # type: ignore[union-attr]
        for part in parts[1:]:  # parts[0] holds the oldest occurrence: it keeps the id
            new_id = _new_quotation(session, speaker_id)
            session.exec(update(Statement).where(Statement.id.in_(part))  # type: ignore[call-overload,union-attr]
                         .values(quotation_id=new_id))
            touched.add(new_id)
    session.flush()
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


def _new_quotation(session: Session, speaker_id: int | None) -> int:
    row = Quotation(speaker_id=speaker_id, text="")
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def _attach(session: Session, statement_id: int, speaker_id: int | None, text: str, touched: set[int]) -> int:
    """Put one detached quote into its quotation; returns that quotation's id.

    Quotes without a speaker, or without a content word, stay a quotation of their own.
    """
    quote = QuoteText(text)
    neighbours: set[int] = set()
    if speaker_id is not None:
        for other_id, other_text, quotation_id in same_speaker_quotes(session, speaker_id, quote.keys):
            if quotation_id is not None and other_id != statement_id and related(quote, QuoteText(other_text)):
                neighbours.add(int(quotation_id))
    if not neighbours:
        target = _new_quotation(session, speaker_id)
    else:
        target, *merged = sorted(neighbours)
        if merged:  # this quote bridges quotations: the oldest absorbs the others
            session.exec(update(Statement).where(Statement.quotation_id.in_(merged))  # type: ignore[call-overload,union-attr]
                         .values(quotation_id=target))
            session.exec(delete(Quotation).where(Quotation.id.in_(merged)))  # type: ignore[call-overload,union-attr]
            touched.difference_update(merged)
    session.exec(update(Statement).where(Statement.id == statement_id)  # type: ignore[call-overload]
                 .values(quotation_id=target))
    return target


def refresh(session: Session, quotation_ids: Iterable[int]) -> None:
    """Recompute each quotation's summary from its occurrences (deleting an empty one)."""
    for quotation_id in sorted(set(quotation_ids)):
        row = session.get(Quotation, quotation_id)
        if row is None:
            continue
        count, documents, first_seen = session.exec(select(
            func.count(Statement.id), func.count(distinct(Statement.document_id)), func.min(Statement.published_at),
        ).where(Statement.quotation_id == quotation_id)).one()
        if not count:
            session.delete(row)
            continue
        longest = session.exec(select(Statement.text, Statement.speaker_id).where(
            Statement.quotation_id == quotation_id).order_by(
            func.length(Statement.text).desc(), Statement.id).limit(1)).one()
        row.text, row.speaker_id = longest
        row.occurrence_count, row.document_count, row.first_seen = int(count), int(documents), first_seen
        session.add(row)
    session.flush()


def refresh_document(session: Session, document_id: int) -> None:
    """A document's date changed: its quotations' first_seen may have."""
    refresh(session, quotations_of_document(session, document_id))


__all__ = ["forget_document", "quotations_of_document", "refresh", "refresh_document", "split", "sync_document"]
