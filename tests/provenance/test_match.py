"""Claim matching reads few index entries: the claim's rarest word pairs in ``quote_key``,
counted only up to ``KEY_COMMON``; when those find nothing close, the full-text index: the
claim's rarest words, counted only up to ``COMMON``, then their statements; conjunctions
ranked by the index when fewer than two rare words remain (SQLite and PostgreSQL).
``COMMON`` and ``KEY_COMMON`` are lowered so a handful of articles has common words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.provenance import candidates, match
from app.provenance.match import SETTLED, best_matches
from app.provenance.text import QuoteText
from tests.provenance.conftest import Article

BUDGET = "The budget for the harbour district will pass this spring."  # the common sentence
SOURCE = "The budget for the harbour district will pass this spring, said the zeppelin mechanic."
SHUFFLED = "The spring district will pass the harbour budget."  # BUDGET's words, two of its word pairs new
ORPHAN = "The lighthouse lantern will be purple this spring, said the zeppelin mechanic."  # no speaker


@pytest.fixture
def stored(store_article: Callable[[Article], int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Five quotes of BUDGET with a variant each, then the SOURCE; "budget" is in all six."""
    monkeypatch.setattr(candidates, "COMMON", 4)
    variants = ["in April", "in May", "by the mayor", "by the council", "after the vote"]
    for i, variant in enumerate(variants):
        quote = BUDGET.replace("spring", f"spring {variant}")
        store_article(Article(f'Ines Varga said: "{quote}"', f"2024-03-0{i + 1}", (("ines-varga", quote),)))
    store_article(Article(f'Omar Haddad said: "{SOURCE}"', "2024-04-01", (("omar-haddad", SOURCE),)))


def test_rarest_words_first_without_common_or_unknown_words(engine: Engine, stored: None) -> None:
    claim = QuoteText("The zeppelin mechanic said the budget for the harbour district will pass in May, Kowalczyk")
    with Session(engine) as session:
        rare = candidates.rarest_words(session, claim.content)
    # "budget", "harbour", "district", "pass" are in six statements (common at 4); "kowalczyk" in none
    assert rare == [("may", 1), ("mechanic", 1), ("said", 1), ("zeppelin", 1)]


@pytest.mark.parametrize("claim", [
    "The budget for the harbour district will pass this spring, said the zeppelin mechanic",  # rare words
    "the budget for the harbour district will pass this spring, said the zeppelin engineer",  # one rare word changed
    "The budget for the harbour district will pass this spring, says the zeppelin engineer",  # one rare word left
])
def test_the_source_ranks_first_however_many_rare_words_survive(engine: Engine, stored: None, claim: str) -> None:
    with Session(engine) as session:
        found = best_matches(session, claim, speaker=None, limit=3)
    assert found and found[0]["text"] == SOURCE, [f["text"] for f in found]


def test_a_speaker_filter_keeps_rare_word_candidates_to_the_speaker(engine: Engine, stored: None) -> None:
    with Session(engine) as session:
        theirs = best_matches(session, "the zeppelin mechanic on the harbour budget", speaker="Ines Varga", limit=5)
        own = best_matches(session, "the zeppelin mechanic on the harbour budget", speaker="Omar Haddad", limit=5)
    assert all(f["text"] != SOURCE for f in theirs)
    assert [f["text"] for f in own] == [SOURCE]


@pytest.fixture
def shuffled(stored: None, store_article: Callable[[Article], int], monkeypatch: pytest.MonkeyPatch) -> None:
    """SHUFFLED by Omar Haddad: each of its words is in seven statements (common), but
    ("district", "spring") and ("harbour", "pass") only in it (rare at ``KEY_COMMON`` 3)."""
    monkeypatch.setattr(candidates, "KEY_COMMON", 3)
    store_article(Article(f'Omar Haddad said: "{SHUFFLED}"', "2024-05-01", (("omar-haddad", SHUFFLED),)))


def test_rarest_keys_are_the_word_pairs_few_quotes_hold(engine: Engine, shuffled: None) -> None:
    claim = QuoteText("The spring district will pass the harbour budget, Kowalczyk")
    with Session(engine) as session:
        rare = candidates.rarest_keys(session.connection(), claim.ordered_keys, speaker_ids=None)
        assert candidates.rarest_words(session, claim.content) == []  # no word narrows it down
    # ("budget", "harbour") and ("district", "pass") are in all seven quotes; ("budget", "kowalczyk") in none
    assert rare == [(("district", "spring"), 1), (("harbour", "pass"), 1)]


def test_a_claim_of_common_words_is_found_by_its_rare_word_pairs(
        engine: Engine, shuffled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(match, "_by_words", lambda *args: pytest.fail("the full-text index was asked"))
    with Session(engine) as session:
        found = best_matches(session, "«the spring district will pass the harbour budget!»", speaker=None, limit=3)
    assert found[0]["text"] == SHUFFLED and found[0]["similarity"] == 1.0


def test_a_speaker_filter_keeps_key_candidates_to_the_speaker(engine: Engine, shuffled: None) -> None:
    with Session(engine) as session:
        own = best_matches(session, SHUFFLED, speaker="Omar Haddad", limit=5)
        theirs = best_matches(session, SHUFFLED, speaker="Ines Varga", limit=5)
    assert own[0]["text"] == SHUFFLED
    assert theirs and all(f["text"] != SHUFFLED and f["text"] != SOURCE for f in theirs)


def test_a_source_without_speaker_is_found_when_the_key_candidates_are_not_close(
        engine: Engine, stored: None, store_article: Callable[[Article], int]) -> None:
    """ORPHAN has no ``quote_key`` rows; its pairs ("mechanic", "zeppelin"), ("said", "spring")
    lead to SOURCE, which scores below ``SETTLED``: the full-text index is asked too."""
    store_article(Article(f'A sign read: "{ORPHAN}"', "2024-06-01", (("", ORPHAN),)))
    with Session(engine) as session:
        found = best_matches(session, ORPHAN.replace(",", " —"), speaker=None, limit=3)
        keyed = match._scored(session.connection(), QuoteText(ORPHAN), candidates.quotes_by_keys(
            session.connection(), QuoteText(ORPHAN).ordered_keys, speaker_ids=None, limit=3), 3)
    assert [f["text"] for f in keyed] == [SOURCE] and keyed[0]["similarity"] < SETTLED
    assert [(f["text"], f["speaker_id"]) for f in found][0] == (ORPHAN, None)
    assert SOURCE in [f["text"] for f in found]  # the key candidates stay among the results
