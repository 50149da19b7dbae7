"""Claim matching reads few index entries: the claim's rarest words, counted only up to
``COMMON``, then their statements; conjunctions ranked by the index when fewer than two rare
words remain (SQLite and PostgreSQL). ``COMMON`` is lowered so a handful of articles has
common words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.provenance import candidates
from app.provenance.match import best_matches
from app.provenance.text import QuoteText
from tests.provenance.conftest import Article

BUDGET = "The budget for the harbour district will pass this spring."  # the common sentence
SOURCE = "The budget for the harbour district will pass this spring, said the zeppelin mechanic."


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
