"""``quote_key`` and incrementally updated summaries stay equal to what the statements say,
through joins, merges, splits, re-extraction and deletion (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.provenance import grouping
from app.provenance.candidates import best_quote_per_quotation, key_text
from app.provenance.text import QuoteText
from app.store import delete_document, ingest_text
from tests.provenance.conftest import Article

RIVER = "Nobody will stop us from cleaning the river."
BRIDGE = "We will rebuild the old harbour bridge."
SAYINGS = [
    Article(f'Ines Varga said: "{BRIDGE}"', "2024-01-03", (("ines-varga", BRIDGE),)),
    Article(f'Ines Varga said: "{RIVER}" Omar Haddad said: "{RIVER}"', "2024-01-02",
            (("ines-varga", RIVER), ("omar-haddad", RIVER))),
    Article(f'Ines Varga said: "{BRIDGE} {RIVER}"', "2024-01-05", (("ines-varga", f"{BRIDGE} {RIVER}"),)),
    Article(f'Ines Varga said: "we will rebuild the old harbour bridge"', "2024-01-01",
            (("ines-varga", "we will rebuild the old harbour bridge"),)),
    Article(f'Ines Varga said: "{RIVER}" and "{BRIDGE}" again.', None,
            (("ines-varga", RIVER), ("ines-varga", BRIDGE))),
]


def assert_consistent(engine: Engine) -> None:
    """Keys mirror each quote (speaker, quotation, words); summaries equal a recount."""
    with Session(engine) as session:
        db = session.connection()
        quotes = db.execute(text("SELECT id, speaker_id, quotation_id, text, document_id, published_at "
                                 "FROM statement WHERE kind = 'direct' ORDER BY id")).all()
        keys = {(row.statement_id, row.key): (row.speaker_id, row.quotation_id)
                for row in db.execute(text("SELECT statement_id, key, speaker_id, quotation_id FROM quote_key"))}
        expected = {(q.id, key_text(k)): (q.speaker_id, q.quotation_id)
                    for q in quotes if q.speaker_id is not None for k in QuoteText(q.text).keys}
        assert keys == expected
        for quotation in db.execute(text("SELECT id, text, first_seen, occurrence_count, document_count FROM quotation")):
            members = [q for q in quotes if q.quotation_id == quotation.id]
            dates = [q.published_at for q in members if q.published_at is not None]
            longest = max(members, key=lambda q: (len(q.text), -q.id))
            assert (quotation.text, quotation.occurrence_count, quotation.document_count) == (
                longest.text, len(members), len({q.document_id for q in members}))
            assert quotation.first_seen == (min(dates) if dates else None)


def test_keys_and_summaries_follow_every_change(engine: Engine, store_article: Callable[[Article], int]) -> None:
    ids = []
    for article in SAYINGS:
        ids.append(store_article(article))
        assert_consistent(engine)
    with Session(engine) as session:
        ingest_text(session, SAYINGS[0].text, published_at="2023-12-31")  # a new date
    assert_consistent(engine)
    with Session(engine) as session:
        ingest_text(session, SAYINGS[2].text, reextract=True)
    assert_consistent(engine)
    for document_id in (ids[2], ids[0]):  # the bridge first: its quotation splits
        with Session(engine) as session:
            assert delete_document(session, document_id)
        assert_consistent(engine)


def test_the_best_quote_per_quotation_is_what_counting_every_row_gives(
        engine: Engine, store_article: Callable[[Article], int]) -> None:
    """The index skip (one seek per key and quotation) returns what a count over every
    ``quote_key`` row of the speaker gives: per quotation, the quote latest under most keys."""
    for article in SAYINGS:
        store_article(article)
    with Session(engine) as session:
        db = session.connection()
        rows = db.execute(text("SELECT statement_id, key, speaker_id, quotation_id FROM quote_key")).all()
        texts = dict(db.execute(text("SELECT id, text FROM statement")).all())
        for speaker_id in {row.speaker_id for row in rows}:
            latest: dict[tuple[str, int], int] = {}
            for row in rows:
                if row.speaker_id == speaker_id:
                    latest[(row.key, row.quotation_id)] = max(latest.get((row.key, row.quotation_id), 0), row.statement_id)
            votes = Counter(latest.values())
            expected = {qid: min((-votes[sid], sid) for (_, q), sid in latest.items() if q == qid)[1]
                        for _, qid in latest}
            keys = frozenset(tuple(key.split()) for key, _ in latest)
            found = best_quote_per_quotation(db, speaker_id, keys)
            assert {qid: sid for sid, qid, _ in found} == expected
            assert all(quote == texts[sid] for sid, _, quote in found)


TIE_A = "We will rebuild the old harbour bridge in 2025."
TIE_B = "We will rebuild the old harbour bridge in 2026."  # as long: the lower statement id's text wins


def test_an_as_long_variant_in_a_new_document_keeps_the_text_without_a_recount(
        engine: Engine, store_article: Callable[[Article], int], monkeypatch: pytest.MonkeyPatch) -> None:
    refreshed: list[set[int]] = []
    recount = grouping.refresh
    monkeypatch.setattr(grouping, "refresh", lambda session, ids: (refreshed.append(set(ids)), recount(session, ids))[1])
    first = store_article(Article(f'Ines Varga said: "{TIE_A}"', "2024-02-01", (("ines-varga", TIE_A),)))
    store_article(Article(f'Ines Varga said: "{TIE_B}"', "2024-01-01", (("ines-varga", TIE_B),)))
    assert_consistent(engine)  # TIE_A's text, TIE_B's date
    assert refreshed[-1] == set()  # summarised from the new quote alone
    with Session(engine) as session:
        assert session.connection().execute(text("SELECT text FROM quotation")).scalars().all() == [TIE_A]
    with Session(engine) as session:  # re-extracted: its quote may now be the newer one
        ingest_text(session, f'Ines Varga said: "{TIE_A}"', reextract=True)
    assert_consistent(engine)
    with Session(engine) as session:
        assert delete_document(session, first)
    assert_consistent(engine)
