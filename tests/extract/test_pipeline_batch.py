"""Extraction of many documents in shared spaCy passes gives each document exactly what
extracting it alone gives, and every offset still points into its own text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import app.extract.pipeline as pipeline
from app.extract import extract, extract_many
from app.extract.analysis import MAX_UNIT_CHARS
from app.extract.nlp import UNUSED_COMPONENTS, for_spacy, load_nlp
from app.extract.reported import find_cues, find_reported
from app.extract.types import Extraction

ROOT = Path(__file__).resolve().parent.parent.parent

# one construction a text: quoted speech without a cue word, a cue word that is no verb
# here, text cues, reported speech, a long quote cut into pieces, a run of symbols
OWN_TEXTS = [
    '"We will not move an inch." The crowd cheered outside the town hall in Korvala.\n\n'
    "Mayor Ilse Marten spoke for an hour.",
    '“The United States and the states of the union agree,” a banner read. Senator Paul Adeyemi '
    "said that the vote would come on Friday.",
    "According to Finance Minister Rosa Lind, the budget will be balanced by 2028.\n\n"
    "Her deputy, Tomas Berg, made it clear that no taxes would rise.",
    "The talks in Geneva ended late. Ambassador Noor Haddad told reporters the sides were "
    "close, adding that a text could be signed next week. “It is not over,” she said.",
    "The committee met on Tuesday. " + "“" + "the levy is fair and the levy is needed, " * 1200
    + "” Chair Ana Ruiz said. ------------------------------------------ The end.",
    "No one said anything.",
    "",
]


def _seed_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    gold = ROOT / "tests" / "data" / "seed_gold.jsonl"
    texts += [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    load_nlp()
    return _seed_texts() + OWN_TEXTS


@pytest.fixture(scope="module")
def alone(texts: list[str]) -> list[dict]:
    """Each text extracted on its own."""
    return [extract(t).to_json() for t in texts]


def test_a_unit_is_cut_into_pieces(texts: list[str]) -> None:
    units = [u.span for t in texts for u in pipeline.prepare(t).units]
    assert any(span.end - span.start > 2 * MAX_UNIT_CHARS for span in units)


@pytest.mark.parametrize("batch_size", [3, 64])
def test_batched_equals_one_by_one(texts: list[str], alone: list[dict], batch_size: int) -> None:
    batched = [r.to_json() for r in extract_many(texts, batch_size=batch_size)]
    assert batched == alone
    assert any(r["statements"] for r in alone)


def test_batched_over_two_processes_equals_one_by_one(texts: list[str], alone: list[dict]) -> None:
    assert [r.to_json() for r in extract_many(texts, n_process=2, batch_size=2)] == alone


def _check_offsets(text: str, result: Extraction) -> int:
    checked = 0
    for s in result.statements:
        if s.fragments:
            assert s.text == " ".join(text[a:b] for a, b in s.fragments)
            assert (s.start_char, s.end_char) == (s.fragments[0][0], s.fragments[-1][1])
        else:
            assert text[s.start_char:s.end_char] == s.text
        if s.cue is not None and s.cue_start is not None:
            assert text[s.cue_start:s.cue_end] == s.cue
        if s.speaker_mention is not None:
            assert text[s.speaker_mention_start:s.speaker_mention_end] == s.speaker_mention
        checked += 1
    return checked


def test_offsets_hold_in_a_batch(texts: list[str]) -> None:
    checked = sum(_check_offsets(t, r) for t, r in zip(texts, extract_many(texts, batch_size=len(texts))))
    assert checked >= 10


def test_unit_annotations_are_the_whole_pipeline_s(texts: list[str]) -> None:
    """Each analysed unit has the entities, tags and parse the full pipeline gives its
    text alone; a unit left unparsed is one in which the rules find no cue."""
    nlp = load_nlp()
    documents = [pipeline.prepare(t) for t in texts if t]
    pipeline.analyse(documents)
    unparsed = parsed = 0
    for d in documents:
        for i in d.parse_idx + d.ner_idx:
            unit = d.units[i]
            if unit.span.end - unit.span.start > MAX_UNIT_CHARS:
                continue  # spaCy saw it in pieces
            full = next(nlp.pipe([for_spacy(d.text[unit.span.start:unit.span.end])]))
            doc = unit.doc
            assert doc is not None and doc.text == full.text
            assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == \
                [(e.start_char, e.end_char, e.label_) for e in full.ents]
            if unit.parsed:
                parsed += 1
                assert [(t.tag_, t.dep_, t.head.i) for t in doc] == [(t.tag_, t.dep_, t.head.i) for t in full]
            elif i in d.parse_idx:
                unparsed += 1
                assert find_cues(full, unit.span.start, []) == []
                assert find_reported(full, unit.span.start, []) == []
    assert parsed and unparsed


def test_models_multiply_with_numpy_on_one_thread() -> None:
    """The loaded pipeline is the one the speed figures were measured with: numpy's BLAS
    (not blis) in every layer that runs on the CPU path, one BLAS thread, and no
    component that the rules never read."""
    from threadpoolctl import threadpool_info

    nlp = load_nlp()
    assert not set(UNUSED_COMPONENTS) & set(nlp.pipe_names)
    for name, component in nlp.pipeline:
        # spaCy builds the parser's and recogniser's output layer on the default ops; its
        # weights are only read through C pointers
        upper = component.model.get_ref("upper") if component.model.has_ref("upper") else None
        assert all(not layer.ops.use_blis for layer in component.model.walk() if layer is not upper), name
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas"
               and pool["internal_api"] != "blis")


def test_a_failing_document_leaves_the_others_theirs(texts: list[str], alone: list[dict],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    finish = pipeline.finish

    def failing(document: pipeline.Prepared) -> Extraction:
        if "Korvala" in document.text:
            raise RuntimeError("boom")
        return finish(document)

    monkeypatch.setattr(pipeline, "finish", failing)
    batched = [r.to_json() for r in extract_many(texts, batch_size=len(texts))]
    for text, got, want in zip(texts, batched, alone):
        if "Korvala" in text:
            assert got["statements"] == [] and got["document"]["word_count"] == len(text.split())
        else:
            assert got == want
