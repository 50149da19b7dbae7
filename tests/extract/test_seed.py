"""The annotated seed article, end to end."""

from __future__ import annotations

import json

from app.evaluate import evaluate
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def _seed() -> tuple[dict, dict]:
    gold = json.loads((DATA / "seed_gold.jsonl").read_text(encoding="utf-8").splitlines()[0])
    expected = json.loads((DATA / "seed_expected.json").read_text(encoding="utf-8"))
    return gold, expected


def test_seed_scores(run_extract) -> None:
    gold, _ = _seed()
    result = run_extract(gold["text"]).to_json()
    report = evaluate([gold], {gold["id"]: result["statements"]})
    assert report["lenient"]["end_to_end_f1"] == 1.0
    assert report["strict"]["f1"] >= 0.875
    assert len(result["statements"]) == 8
    kinds = [s["kind"] for s in result["statements"]]
    assert kinds.count("direct") == 3 and kinds.count("indirect") == 5
    assert {s["speaker"]["name"] for s in result["statements"]} == {"Ilham Aliyev"}


def test_seed_speakers_and_document(run_extract) -> None:
    gold, expected = _seed()
    result = run_extract(gold["text"]).to_json()
    got = {(s["name"], s["title"], s["country"], s["statement_count"]) for s in result["speakers"]}
    want = {(s["name"], s["title"], s["country"], s["statements"]) for s in expected["speakers"]}
    assert got == want
    aliases = {a.lower() for s in result["speakers"] for a in s["aliases"]}
    assert "the republican leader" in aliases and "the azerbaijani leader" in aliases
    assert "the Azerbaijani leader" in {a for s in result["speakers"] for a in s["aliases"]}
    assert not aliases & {"he", "she", "him", "they"}
    doc = result["document"]
    assert doc["dateline"] == expected["document"]["dateline"]
    assert doc["location"] == expected["document"]["location"]
    assert doc["published_at"] is None
    texts = [s["text"] for s in result["statements"]]
    assert not any("made statements to the press" in t for t in texts)


def test_seed_confidence_orders_attribution_kinds(run_extract) -> None:
    gold, _ = _seed()
    stmts = run_extract(gold["text"]).to_json()["statements"]
    by_mention = {s["speaker_mention"]: s["confidence"] for s in stmts}
    assert by_mention["Ilham Aliyev"] > by_mention["he"] > by_mention["the republican leader"]
    assert all(0.0 <= s["confidence"] <= 1.0 for s in stmts)


def test_seed_paragraph_numbers_match_the_contract(run_extract) -> None:
    """The public example: the quote starting at 866 is in paragraph 4 (the dateline is not a paragraph)."""
    gold, _ = _seed()
    result = run_extract(gold["text"]).to_json()
    paragraphs = {s["start_char"]: s["paragraph"] for s in result["statements"]}
    assert paragraphs[309] == 2 and paragraphs[866] == 4 and paragraphs[2266] == 9
