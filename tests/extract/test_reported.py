"""Unit tests of ``app.extract.reported``: each recogniser on one parsed sentence."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.tokens import Doc

from app.extract.nlp import load_nlp
from app.extract.reported import (
    Attribution,
    _according_to_frames,
    _multiword_cues,
    _verb_cues,
    cue_of,
    find_cues,
    find_reported,
    speaker_token,
)
from app.extract.types import Span


@pytest.fixture(scope="module")
def parse() -> Callable[[str], Doc]:
    return load_nlp()


def _read(sentence: str, span: Span | None, base: int = 0) -> str | None:
    return sentence[span.start - base:span.end - base] if span is not None else None


def _summary(sentence: str, atts: list[Attribution], base: int = 0) -> list[tuple[str | None, ...]]:
    """(cue, speaker mention, content) of each attribution, as text."""
    return [(a.cue_text, _read(sentence, a.mention, base), _read(sentence, a.content, base)) for a in atts]


# "according to X" frames ----------------------------------------------------------------

@pytest.mark.parametrize(
    "sentence",
    [
        "According to the harbour master, the ferry will resume sailing on Friday.",
        "The ferry will resume sailing on Friday, according to the harbour master.",
    ],
)
def test_according_to_frame_on_either_side(parse, sentence: str) -> None:
    atts = _according_to_frames(parse(sentence), 0, [])
    assert [(a.cue_text.lower(), a.according_to) for a in atts] == [("according to", True)]
    assert _read(sentence, atts[0].mention) == "the harbour master"
    assert _read(sentence, atts[0].content).lower() == "the ferry will resume sailing on friday"


def test_according_to_inside_a_quotation_is_no_frame(parse) -> None:
    sentence = "According to the harbour master, the ferry will resume sailing on Friday."
    assert _according_to_frames(parse(sentence), 0, [Span(0, len(sentence))]) == []


# multiword cues ---------------------------------------------------------------------------

def test_multiword_cue_takes_the_clause_after_that(parse) -> None:
    sentence = "The mayor drew attention to the fact that the library has no heating."
    assert _summary(sentence, _multiword_cues(parse(sentence), 0, [])) == [
        ("drew attention to the fact", "The mayor", "the library has no heating")]


def test_expressed_attitude_needs_a_that_clause(parse) -> None:
    hope = "The minister expressed her hope that the strike would end soon."
    confidence = "The minister expressed her confidence in the new timetable."
    assert _summary(hope, _multiword_cues(parse(hope), 0, [])) == [
        ("expressed her hope", "The minister", "the strike would end soon")]
    assert _multiword_cues(parse(confidence), 0, []) == []


# speech verbs with a clause ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "speaker", "content"),
    [
        ("The governor said that the bridge would reopen in spring.", "The governor",
         "the bridge would reopen in spring"),
        ("The bridge would reopen in spring, the governor said.", "the governor",
         "The bridge would reopen in spring"),
        ("The governor said the bridge would reopen in spring.", "The governor",
         "the bridge would reopen in spring"),
        ("The coach said in a statement that the team was ready for the final.", "The coach",
         "the team was ready for the final"),
    ],
)
def test_speech_verb_with_its_clause(parse, sentence: str, speaker: str, content: str) -> None:
    assert _summary(sentence, _verb_cues(parse(sentence), 0, [], [])) == [("said", speaker, content)]


def test_aside_attribution_reports_the_whole_sentence(parse) -> None:
    sentence = "The bridge, the governor said, would reopen in spring."
    assert _summary(sentence, _verb_cues(parse(sentence), 0, [], [])) == [
        ("said", "the governor", "The bridge, the governor said, would reopen in spring")]


def test_too_short_a_content_is_no_statement(parse) -> None:
    sentence = "The coach said that it was."
    assert _verb_cues(parse(sentence), 0, [], []) == []


def test_a_question_put_by_a_reporter_is_no_statement(parse) -> None:
    sentence = "A reporter asked whether the port would close for the winter."
    assert _verb_cues(parse(sentence), 0, [], []) == []


def test_verb_already_found_as_multiword_cue_is_skipped(parse) -> None:
    doc = parse("The mayor drew attention to the fact that the library has no heating.")
    earlier = _multiword_cues(doc, 0, [])
    assert earlier and _verb_cues(doc, 0, [], earlier) == []


# the recipe -------------------------------------------------------------------------------

def test_offsets_are_document_offsets(parse) -> None:
    sentence = "The governor said that the bridge would reopen in spring."
    att = find_reported(parse(sentence), 500, [])[0]
    assert (att.cue.start, att.cue.end) == (500 + 13, 500 + 17)
    assert _summary(sentence, [att], base=500) == [("said", "The governor", "the bridge would reopen in spring")]


def test_cue_inside_another_content_is_what_was_said(parse) -> None:
    sentence = "The mayor said that the minister had told him the port would close."
    assert _summary(sentence, find_reported(parse(sentence), 0, [])) == [
        ("said", "The mayor", "the minister had told him the port would close")]


def test_relaying_medium_and_joint_speakers(parse) -> None:
    relayed = "Interfax quoted the minister as saying that grain prices would fall."
    joint = "The mayor and the governor said that the port would reopen next week."
    att = find_reported(parse(relayed), 0, [])[0]
    assert (_read(relayed, att.mention), _read(relayed, att.via)) == ("the minister", "Interfax")
    att = find_reported(parse(joint), 0, [])[0]
    assert [_read(joint, c) for c in att.co_mentions] == ["the governor"]


# cues for direct quotes -------------------------------------------------------------------

def test_find_cues_skips_cues_inside_the_quotation(parse) -> None:
    sentence = "“We said it would rain all week,” the coach said."
    quote = Span(0, sentence.index("”") + 1)
    cues = find_cues(parse(sentence), 0, [quote])
    assert [(a.cue_text, _read(sentence, a.mention), a.content) for a in cues] == [("said", "the coach", None)]


def test_cue_of_needs_the_particle_of_a_particle_verb(parse) -> None:
    out = parse("The auditor pointed out that the accounts were late.")
    plain = parse("The auditor pointed at the accounts.")
    assert cue_of(out[2]) == (2, 4)
    assert cue_of(plain[2]) is None


def test_speaker_is_inherited_through_a_participle(parse) -> None:
    doc = parse("The coach praised the players, adding that the final would be hard.")
    adding = next(t for t in doc if t.text == "adding")
    assert speaker_token(adding).text == "coach"
