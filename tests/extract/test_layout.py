"""Layout: datelines, paragraphs and sentence units."""

from __future__ import annotations

import pytest

from app.extract.layout import analyse_layout, find_dateline
from app.extract.quotes import find_quotes


@pytest.mark.parametrize(
    ("text", "dateline", "location", "year"),
    [
        ("22 Feb. 23:00\n\nThe talks ended.", "22 Feb. 23:00", None, None),
        ("March 3, 2021\n\nThe talks ended.", "March 3, 2021", None, "2021"),
        ("MOSCOW, Feb 22 (Reuters) - The talks ended.", "MOSCOW, Feb 22 (Reuters) -", "Moscow", None),
        ("WASHINGTON (AP) — The talks ended.", "WASHINGTON (AP) —", "Washington", None),
        ("The talks ended in Baku.", None, None, None),
    ],
)
def test_dateline(text: str, dateline: str | None, location: str | None, year: str | None) -> None:
    span, parts = find_dateline(text)
    assert (text[span.start:span.end] if span else None) == dateline
    assert parts.get("location") == location
    assert parts.get("year") == year


def _sentences(text: str) -> list[str]:
    layout, _ = analyse_layout(text, lambda paras: find_quotes(text, paras))
    return [text[s.start:s.end] for s in layout.sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 Feb. 23:00\n\nPresident Aliyev spoke. He left.", ["President Aliyev spoke.", "He left."]),
        ("Mr. Smith met Dr. Jones in the U.S. capital. Then they ate.",
         ["Mr. Smith met Dr. Jones in the U.S. capital.", "Then they ate."]),
        ("“We came. We saw. We won,” he said. Then he left.",
         ["“We came. We saw. We won,” he said.", "Then he left."]),
        ("John F. Kennedy spoke at 3 p.m. on Friday.", ["John F. Kennedy spoke at 3 p.m. on Friday."]),
        ("First paragraph.\n\nSecond one.", ["First paragraph.", "Second one."]),
    ],
)
def test_sentence_units(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected
