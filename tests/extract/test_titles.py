"""A document's title when its text opens with no headline (``docinfo.fallback_title``)."""

from __future__ import annotations

import pytest

from app.extract.docinfo import TITLE_MAX, fallback_title

SEED_LEAD = (
    "22 Feb. 23:00\n\nAzerbaijani President Ilham Aliyev and Russian President Vladimir Putin made "
    "statements to the press following the talks in Moscow.\n\nFirst of all, he said."
)

TITLES = [
    # (text, dateline, expected title)
    (SEED_LEAD, "22 Feb. 23:00",
     "Azerbaijani President Ilham Aliyev and Russian President Vladimir Putin made statements to the press "
     "following the talks in Moscow"),
    ("The minister opened the new bridge. Traffic starts on Monday.", None, "The minister opened the new bridge"),
    ("Will the bridge open in May? Nobody knows yet.", None, "Will the bridge open in May?"),
    ("Talks resume at last! Both sides agreed.", None, "Talks resume at last!"),
    # an abbreviation does not end the sentence, and a title may end with one
    ("Azerbaijan's leader met U.S. Secretary of State Antony Blinken in Munich. He said more.", None,
     "Azerbaijan's leader met U.S. Secretary of State Antony Blinken in Munich"),
    ("The delegation flew in from the U.S.", None, "The delegation flew in from the U.S."),
    ("Wait for it...", None, "Wait for it..."),
    ("A headline without any punctuation", None, "A headline without any punctuation"),
]


@pytest.mark.parametrize(("text", "dateline", "expected"), TITLES)
def test_fallback_title_reads_as_a_title(text: str, dateline: str | None, expected: str) -> None:
    assert fallback_title(text, dateline) == expected


def test_long_fallback_title_is_cut_on_a_word_boundary_with_an_ellipsis() -> None:
    sentence = "The delegation, " + "which travelled a very long way, " * 10 + "arrived in Baku."
    title = fallback_title(sentence, None)
    assert len(title) <= TITLE_MAX and title.endswith("…")
    assert sentence.startswith(title[:-1]) and sentence[len(title) - 1] == " "  # whole words only
    assert title[-2] not in ",;:. "
