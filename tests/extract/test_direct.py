"""Unit tests of ``app.extract.direct``: which quotes are statements and how parts join."""

from __future__ import annotations

import pytest

from app.extract.direct import DirectQuote, direct_quotes, interruption, weak_fragment
from app.extract.layout import split_paragraphs
from app.extract.quotes import find_quotes
from app.extract.types import Span


def _direct(text: str) -> list[DirectQuote]:
    return direct_quotes(text, find_quotes(text, split_paragraphs(text)))


def _inner(text: str, q: DirectQuote) -> str:
    return text[q.inner.start:q.inner.end]


@pytest.mark.parametrize(
    ("text", "speechlike"),
    [
        ("“The lake is clean again,” the mayor said.", True),
        ('The film "The Long Road Home" opened on Friday.', False),  # a title
        ('He called it a "so-called reform" of the rules.', False),  # a scare-quoted phrase
        ('The council backed a plan dubbed "the big quiet lake plan" on Monday.', False),  # a name given
        ("She said it was “fine”.", False),  # too short to say anything
    ],
)
def test_statement_quotes_and_the_rest(text: str, speechlike: bool) -> None:
    assert [q.speechlike for q in _direct(text)] == [speechlike]


def test_parts_are_trimmed_of_spaces_and_trailing_commas() -> None:
    text = "“ The lake is clean again, ” the mayor said."
    assert [_inner(text, q) for q in _direct(text)] == ["The lake is clean again"]


def test_a_nested_quote_is_part_of_the_outer_one() -> None:
    text = "“He called it ‘a fine day for the lake’ and left,” she said."
    assert [_inner(text, q) for q in _direct(text)] == ["He called it ‘a fine day for the lake’ and left"]


@pytest.mark.parametrize(
    "text",
    [
        "“The lake is clean again,” the mayor said, “and the fish are back.”",
        "“The lake is clean again,” the mayor said. “The fish are back.”",
    ],
)
def test_quote_interrupted_by_its_attribution(text: str) -> None:
    first, second = _direct(text)
    assert interruption(text, first, second)


@pytest.mark.parametrize(
    "text",
    [
        "“The lake is clean again.”\n\n“The fish are back.”",  # another paragraph
        "“The lake is clean again,” the mayor said on a long visit to the northern shore where new "
        "pumps were installed by the city last summer with help from the regional government and two "
        "private donors, “and the fish are back.”",  # too long a stretch between
        "“The lake is clean again,” the banner read at the fair. “The fish are back.”",  # no cue between
    ],
)
def test_separate_quotes_are_not_one_statement(text: str) -> None:
    first, second = _direct(text)[:2]
    assert not interruption(text, first, second)


def test_weak_fragments() -> None:
    text = "He spoke of “choked like a dog” scenes. “The lake is clean again and the fish are back,” she said."
    borrowed = [Span(text.index("choked"), text.index("” scenes"))]
    sentence = [Span(text.index("The lake"), text.index(",” she"))]
    assert weak_fragment(text, borrowed, attributed=True, floating=False)  # lower case and short
    assert not weak_fragment(text, sentence, attributed=True, floating=False)
    assert weak_fragment(text, sentence, attributed=False, floating=False)  # nobody said it
    assert not weak_fragment(text, sentence, attributed=False, floating=True)  # a full sentence may float
    assert weak_fragment(text, borrowed, attributed=False, floating=True)
