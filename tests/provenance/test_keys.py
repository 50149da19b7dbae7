"""``quote_key`` and incrementally updated summaries stay equal to what the statements say,
through joins, merges, splits, re-extraction and deletion (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.provenance.candidates import key_text
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
