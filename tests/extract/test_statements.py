"""Statements by construction: one short sentence of our own per case.

Each row: text, then the expected statements as (kind, content, speaker mention), or an
empty list when the construction is not a statement.
"""

from __future__ import annotations

import pytest

Row = tuple[str, list[tuple[str, str, str | None]]]

DIRECT: list[Row] = [
    ('"The bridge will reopen in May," Mayor Anna Berg said.',
     [("direct", "The bridge will reopen in May", "Mayor Anna Berg")]),
    ("“We have done our part and more,” he said.", [("direct", "We have done our part and more", "he")]),
    ("Anna Berg said: «The works are nearly finished now.»",
     [("direct", "The works are nearly finished now.", "Anna Berg")]),
    ("“He told me ‘wait for the spring’ and I did,” she said.",
     [("direct", "He told me ‘wait for the spring’ and I did", "she")]),
    ("“Azerbaijan’s roads aren’t ready since the ’90s, and we know it,” the minister said.",
     [("direct", "Azerbaijan’s roads aren’t ready since the ’90s, and we know it", "the minister")]),
]

NOT_STATEMENTS: list[Row] = [
    ("The film “Silent Rivers” opened on Friday.", []),
    ("Critics called the plan a “disaster” last week.", []),
    ("Berg and Olsen made statements to the press after the talks.", []),
    ("Most voters believe that the tax is unfair.", []),
    ("The senator wants the bill to pass this year.", []),
    ("A poll found that support for the plan has fallen.", []),
]

REPORTED: list[Row] = [
    ("Anna Berg noted that the budget had been balanced for the first time.",
     [("indirect", "the budget had been balanced for the first time", "Anna Berg")]),
    ("Anna Berg said the budget is balanced for the first time.",
     [("indirect", "the budget is balanced for the first time", "Anna Berg")]),
    ("The budget is balanced for the first time, Anna Berg said.",
     [("indirect", "The budget is balanced for the first time", "Anna Berg")]),
    ("The budget is balanced for the first time, said Anna Berg.",
     [("indirect", "The budget is balanced for the first time", "Anna Berg")]),
    ("According to Anna Berg, the budget is balanced for the first time.",
     [("indirect", "the budget is balanced for the first time", "Anna Berg")]),
    ("The budget is balanced for the first time, according to the ministry.",
     [("indirect", "The budget is balanced for the first time", "the ministry")]),
    ("Anna Berg told reporters that the budget is balanced for the first time.",
     [("indirect", "the budget is balanced for the first time", "Anna Berg")]),
    ("Anna Berg pointed out that the budget is balanced for the first time.",
     [("indirect", "the budget is balanced for the first time", "Anna Berg")]),
    ("Anna Berg drew attention to the fact that the budget is balanced for the first time.",
     [("indirect", "the budget is balanced for the first time", "Anna Berg")]),
    ("Anna Berg expressed her confidence that the budget will stay balanced next year.",
     [("indirect", "the budget will stay balanced next year", "Anna Berg")]),
    ("The Kremlin said the meeting would take place in the spring.",
     [("indirect", "the meeting would take place in the spring", "The Kremlin")]),
    ("Anna Berg said the plan was “a real turning point” for the city.",
     [("indirect", "the plan was “a real turning point” for the city", "Anna Berg")]),
]


@pytest.mark.parametrize(("text", "expected"), DIRECT + NOT_STATEMENTS + REPORTED)
def test_construction(run_extract, text: str, expected: list[tuple[str, str, str | None]]) -> None:
    result = run_extract(text)
    got = [(s.kind, s.text, s.speaker_mention) for s in result.statements]
    assert got == expected


def test_interrupted_quote_is_one_statement(run_extract) -> None:
    text = "“The bridge will reopen in May,” Anna Berg said, “and the tunnel in June.”"
    [st] = run_extract(text).statements
    assert st.kind == "direct"
    assert st.fragments is not None and len(st.fragments) == 2
    assert [text[s:e] for s, e in st.fragments] == ["The bridge will reopen in May", "and the tunnel in June."]
    assert st.text == "The bridge will reopen in May and the tunnel in June."
    assert st.speaker_mention == "Anna Berg"


def test_multi_paragraph_quote(run_extract) -> None:
    text = ("Anna Berg spoke at length.\n\n“The bridge is the first step in a long plan.\n\n"
            "“The tunnel comes next, and then the ring road,” she said.")
    direct = [s for s in run_extract(text).statements if s.kind == "direct"]
    assert len(direct) == 1
    assert direct[0].fragments is not None and len(direct[0].fragments) == 2


def test_floating_quote_takes_previous_speaker(run_extract) -> None:
    text = ("Anna Berg said the city would borrow to pay for the bridge.\n\n"
            "“There is no other way to build it on time.”")
    stmts = run_extract(text).statements
    assert [s.kind for s in stmts] == ["indirect", "direct"]
    assert stmts[1].speaker == "anna-berg"
    assert stmts[1].confidence < stmts[0].confidence


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", '"', "“", "He said “this never ends", "’’’ ‘‘‘ «««", "a" * 30000,
     "word. " * 5000, "“Nested “twice” never” closed “"],
)
def test_never_raises(run_extract, text: str) -> None:
    result = run_extract(text)
    for st in result.statements:
        if st.fragments is None:
            assert text[st.start_char:st.end_char] == st.text


def test_parenthetical_attribution(run_extract) -> None:
    text = "The new budget, Anna Berg said, will be balanced for the first time in a decade."
    [st] = run_extract(text).statements
    assert st.kind == "indirect" and st.speaker_mention == "Anna Berg"
    assert st.text.startswith("The new budget") and st.text.endswith("in a decade")
