"""When two quotes are one quotation, and how a claim scores (no database)."""

from __future__ import annotations

import pytest

from app.provenance.text import QuoteText, related, similarity, words

FULL = "We will rebuild the old harbour bridge before the winter comes, and nobody will stop us."

SAME = [
    # quote marks, punctuation, dashes, case and spacing differ
    ("“We will rebuild the old harbour bridge before the winter comes — and nobody will stop us!”", FULL),
    ("we will REBUILD the old harbour-bridge before the winter comes and nobody will stop us", FULL),
    # a partial quote: a contiguous part of the full one
    ("rebuild the old harbour bridge", FULL),
    # an elision keeps its segments in order
    ("We will rebuild the old harbour bridge […] and nobody will stop us.", FULL),
    ("We will rebuild the old harbour bridge... nobody will stop us", FULL),
    # near-identical: one changed word, a spelling variant
    ("We will rebuild the old harbor bridge before the winter comes, and nobody will stop us.", FULL),
    ("We will repair the old harbour bridge before the winter comes, and nobody will stop us.", FULL),
    # accents are folded
    ("Nous défendrons la frontière du nord", "nous defendrons la frontiere du nord"),
]

APART = [
    # a different statement that shares a few words
    ("We will rebuild the old harbour bridge", "The old harbour bridge is a disgrace and must be closed"),
    ("Taxes will fall next year", "Taxes will rise next year, and nobody should be surprised"),
    # too short to count as a partial quote
    ("harbour bridge", FULL),
    # elided segments in the wrong order
    ("nobody will stop us […] we will rebuild the old harbour bridge", FULL),
    # only function words: nothing to compare
    ("we will not", "we will not"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_quotation(a: str, b: str) -> None:
    assert related(QuoteText(a), QuoteText(b))
    assert related(QuoteText(b), QuoteText(a))  # symmetric


@pytest.mark.parametrize(("a", "b"), APART)
def test_different_quotations(a: str, b: str) -> None:
    assert not related(QuoteText(a), QuoteText(b))
    assert not related(QuoteText(b), QuoteText(a))


def test_words_drop_marks_and_fold_case() -> None:
    assert words("«Peace—now!» ‘Don’t’") == ("peace", "now", "don", "t")


CLAIMS = [
    # (claim, the stored quote it should rank above OTHER)
    ("We will rebuild the old harbour bridge before the summer comes, and nobody will stop us.", FULL),
    ("We will rebuild the old harbour bridge before the winter comes.", FULL),
    ("Nobody will stop us; we will rebuild the old harbour bridge before the winter comes", FULL),
]
OTHER = "We will rebuild the old town hall before the winter, and nobody will stop the work."


@pytest.mark.parametrize(("claim", "quote"), CLAIMS)
def test_similarity_prefers_the_quote_the_claim_comes_from(claim: str, quote: str) -> None:
    right, wrong = similarity(QuoteText(claim), QuoteText(quote)), similarity(QuoteText(claim), QuoteText(OTHER))
    assert 0.0 <= wrong < right <= 1.0


def test_similarity_of_the_same_words_is_one() -> None:
    assert similarity(QuoteText("“Nobody will stop us!”"), QuoteText("nobody will stop us")) == 1.0
