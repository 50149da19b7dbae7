"""Quote-mark pairing by character: every mark style, apostrophes, nesting, paragraphs."""

from __future__ import annotations

import pytest

from app.extract.layout import split_paragraphs
from app.extract.quotes import find_quotes


def _inner(text: str) -> list[str]:
    return [text[q.inner.start:q.inner.end] for q in find_quotes(text, split_paragraphs(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "the talks went well" today.', ["the talks went well"]),
        ("He said “the talks went well” today.", ["the talks went well"]),
        ("Il a dit « nous verrons bien » hier.", [" nous verrons bien "]),
        ("“Our partners’ view isn’t ours,” she said.", ["Our partners’ view isn’t ours,"]),
        ("“The ’90s were hard, and Azerbaijan’s rise is real,” he said.",
         ["The ’90s were hard, and Azerbaijan’s rise is real,"]),
        ("“He called it ‘a historic day’ for us,” she said.",
         ["He called it ‘a historic day’ for us,", "a historic day"]),
        ("He said ‘we will return’ and left.", ["we will return"]),
        ("Don’t, won’t, can’t: the rock ’n’ roll years.", []),
        ('An opening "mark never closes here.', []),
    ],
)
def test_pairs(text: str, expected: list[str]) -> None:
    assert _inner(text) == expected


def test_multi_paragraph_quote_keeps_parts() -> None:
    text = "“First paragraph of the quote.\n\n“Second paragraph ends it,” he said."
    quotes = find_quotes(text, split_paragraphs(text))
    assert len(quotes) == 1
    assert [text[p.start:p.end] for p in quotes[0].parts] == [
        "First paragraph of the quote.", "Second paragraph ends it,"]


def test_unbalanced_quote_does_not_swallow_next_paragraph() -> None:
    text = "He said “this never closes.\n\nA new paragraph with “a real quote” here."
    assert _inner(text) == ["a real quote"]
