"""The evaluator agrees with the reference scorer (shared/eval/score.py).

The expected numbers were produced by the reference scorer on the small gold/prediction
pair in tests/data (eval_small_*.jsonl), with and without ``--speech-only``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.evaluate import evaluate, format_report, load_jsonl, predictions_from_jsonl

DATA = Path(__file__).resolve().parent.parent / "data"
KEYS = ("precision", "recall", "f1", "speaker_acc", "end_to_end_f1", "recall_direct", "recall_indirect", "gold", "pred")

REFERENCE = {
    (False, "lenient"): (0.714, 0.833, 0.769, 0.6, 0.462, 1.0, 0.75, 6, 7),
    (False, "strict"): (0.571, 0.667, 0.615, 0.5, 0.308, 0.5, 0.75, 6, 7),
    (True, "lenient"): (0.667, 0.8, 0.727, 0.75, 0.545, 1.0, 0.667, 5, 6),
    (True, "strict"): (0.5, 0.6, 0.545, 0.667, 0.364, 0.5, 0.667, 5, 6),
}


@pytest.mark.parametrize(("speech_only", "level"), list(REFERENCE))
def test_agrees_with_reference(speech_only: bool, level: str) -> None:
    gold = load_jsonl(str(DATA / "eval_small_gold.jsonl"))
    pred = predictions_from_jsonl(load_jsonl(str(DATA / "eval_small_pred.jsonl")))
    report = evaluate(gold, pred, speech_only=speech_only)
    got = tuple(report[level][k] for k in KEYS)
    assert got == REFERENCE[(speech_only, level)]


def test_empty_predictions_score_zero() -> None:
    gold = load_jsonl(str(DATA / "eval_small_gold.jsonl"))
    report = evaluate(gold, {})
    assert report["lenient"]["f1"] == 0.0 and report["lenient"]["recall"] == 0.0


def test_report_is_a_table() -> None:
    gold = load_jsonl(str(DATA / "eval_small_gold.jsonl"))
    pred = predictions_from_jsonl(load_jsonl(str(DATA / "eval_small_pred.jsonl")))
    text = format_report(evaluate(gold, pred))
    assert "lenient" in text and "strict" in text and "e2e F1" in text


# -- declarations: agreement with the reference declaration scorer ------------------------
# Numbers from ../shared/eval/score_declarations.py on tests/data/decl_small_*.jsonl: one
# instrument found, one missed, one spurious; a clause on the wrong instrument; an optional
# gold instrument whose clause counts neither way.

def test_declarations_agree_with_reference() -> None:
    from app.evaluate import evaluate_declarations

    gold = load_jsonl(str(DATA / "decl_small_gold.jsonl"))
    pred = {row["id"]: row["declarations"] for row in load_jsonl(str(DATA / "decl_small_pred.jsonl"))}
    report = evaluate_declarations(gold, pred)
    got = (
        tuple(report["instruments"][k] for k in ("precision", "recall", "f1")),
        tuple(report["clauses"][k] for k in ("precision", "recall", "f1")),
        tuple(report["principles_end_to_end"][k] for k in ("tp", "fp", "fn")),
        report["parties_exact"], report["kind_accuracy"], report["ordinal_accuracy"],
    )
    assert got == ((0.5, 0.5, 0.5), (0.667, 0.667, 0.667), (0, 2, 3), 0.0, 1.0, 0.5)


def test_declarations_of_gold_against_itself_score_one() -> None:
    from app.evaluate import evaluate_declarations, format_declarations_report

    gold = load_jsonl(str(DATA / "decl_small_gold.jsonl"))
    as_pred = {
        doc["id"]: [{**d, "start_char": d["title_start"], "end_char": d["title_end"],
                     "clauses": [{**c, "start_char": c["start"], "end_char": c["end"]} for c in d["clauses"]]}
                    for d in doc["declarations"]]
        for doc in gold
    }
    report = evaluate_declarations(gold, as_pred)
    assert report["instruments"]["f1"] == report["clauses"]["f1"] == report["principles_end_to_end"]["f1"] == 1.0
    assert "parties exact" in format_declarations_report(report)
