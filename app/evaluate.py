"""Scoring extracted statements against gold attributions (format in EVALUATION.md).

Same semantics as the reference scorer (``shared/eval/score.py``): each item is reduced to
the set of its character positions minus whitespace, quote marks and punctuation; a
prediction matches a gold item when the Dice coefficient of the two sets reaches the
threshold; pairs are taken best first, one-to-one; optional gold items count neither way;
with ``speech_only`` every gold item whose cue is not a speech verb becomes optional.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

LENIENT = 0.5
STRICT = 0.9

IGNORED_CHARS = frozenset(" \t\r\n\"'“”‘’„«»‟.,;:!?—–-()[]")
SPEECH_CUE = re.compile(
    r"\b(?:said|says|say|saying|told|tell|tells|telling|added|adding|noted|noting|stressed|"
    r"stressing|emphasi[sz]ed|emphasi[sz]ing|according to|reminded|stated|declared|"
    r"explained|asked|replied|responded|announced|insisted|warned|argued|claimed|"
    r"wrote|tweeted|recalled|continued|concluded|summed up|expressed|pointed out|"
    r"drew attention|underlined|underscored|affirmed|assured|vowed|admitted|"
    r"acknowledged|suggested|remarked|commented|confirmed|denied|urged|called)\b",
    re.IGNORECASE,
)

Ranges = Sequence[Sequence[int]]


def char_set(ranges: Ranges, text: str) -> frozenset[int]:
    """Positions covered by ``ranges`` that are not whitespace, quote marks or punctuation."""
    return frozenset(
        i
        for start, end in ranges
        for i in range(max(0, start), min(len(text), end))
        if text[i] not in IGNORED_CHARS
    )


def dice(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _gold_ranges(item: dict[str, Any]) -> Ranges:
    return item.get("content_fragments") or [[item["content_start"], item["content_end"]]]


def _pred_ranges(item: dict[str, Any]) -> Ranges:
    return item.get("fragments") or [[item["start_char"], item["end_char"]]]


def _gold_mention(item: dict[str, Any]) -> Ranges:
    if item.get("speaker_fragments"):
        return item["speaker_fragments"]
    if item.get("speaker_mention_start") is not None:
        return [[item["speaker_mention_start"], item["speaker_mention_end"]]]
    return []


def speaker_correct(gold: dict[str, Any], pred: dict[str, Any], text: str) -> bool:
    """Resolved gold: the names agree (case-folded). Otherwise: the mention spans overlap."""
    speaker = pred.get("speaker") or {}
    name = (speaker.get("name") if isinstance(speaker, dict) else speaker) or ""
    if gold.get("speaker_resolved"):
        return bool(name) and name.casefold() == (gold.get("speaker") or "").casefold()
    gold_chars = char_set(_gold_mention(gold), text)
    if pred.get("speaker_mention_start") is None or not gold_chars:
        return False
    pred_chars = char_set([[pred["speaker_mention_start"], pred["speaker_mention_end"]]], text)
    return bool(gold_chars & pred_chars)


@dataclass(slots=True)
class Tally:
    """Counts accumulated over documents at one threshold."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    speaker_ok: int = 0
    matched: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})
    gold: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})
    predicted: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})
    pred_matched: dict[str, int] = field(default_factory=lambda: {"direct": 0, "indirect": 0})


def _effective_gold(items: Iterable[dict[str, Any]], speech_only: bool) -> list[dict[str, Any]]:
    if not speech_only:
        return list(items)
    return [g if g.get("optional") or SPEECH_CUE.search(g.get("cue") or "") else {**g, "optional": True}
            for g in items]


def _score_document(doc: dict[str, Any], preds: list[dict[str, Any]], threshold: float,
                    speech_only: bool, tally: Tally) -> None:
    text = doc["text"]
    golds = _effective_gold(doc.get("quotes", []), speech_only)
    gold_sets = [char_set(_gold_ranges(g), text) for g in golds]
    pred_sets = [char_set(_pred_ranges(p), text) for p in preds]
    pairs = sorted(
        ((dice(gs, ps), gi, pi) for gi, gs in enumerate(gold_sets) for pi, ps in enumerate(pred_sets)),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for score, gi, pi in pairs:
        if score < threshold:
            break
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        if golds[gi].get("optional"):
            continue  # matching an optional item is neither a hit nor a false alarm
        kind = golds[gi]["kind"]
        tally.true_pos += 1
        tally.matched[kind] = tally.matched.get(kind, 0) + 1
        pkind = preds[pi].get("kind", kind)
        tally.pred_matched[pkind] = tally.pred_matched.get(pkind, 0) + 1
        tally.speaker_ok += speaker_correct(golds[gi], preds[pi], text)
    for gi, g in enumerate(golds):
        if g.get("optional"):
            continue
        tally.gold[g["kind"]] = tally.gold.get(g["kind"], 0) + 1
        if gi not in used_gold:
            tally.false_neg += 1
    for pi, p in enumerate(preds):
        kind = p.get("kind", "direct")
        tally.predicted[kind] = tally.predicted.get(kind, 0) + 1
    tally.false_pos += len(preds) - len(used_pred)


def _ratio(num: float, den: float) -> float:
    return round(num / den, 3) if den else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


def score(gold_docs: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]],
          threshold: float, *, speech_only: bool = False) -> dict[str, Any]:
    """Precision, recall, F1, speaker accuracy and end-to-end F1 at one Dice threshold."""
    tally = Tally()
    for doc in gold_docs:
        _score_document(doc, predictions.get(doc["id"], []), threshold, speech_only, tally)
    tp, fp, fn = tally.true_pos, tally.false_pos, tally.false_neg
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    precision_raw = tp / (tp + fp) if tp + fp else 0.0
    recall_raw = tp / (tp + fn) if tp + fn else 0.0
    by_kind: dict[str, dict[str, float | None]] = {}
    for kind in ("direct", "indirect"):
        gold_n = tally.gold.get(kind, 0)
        pred_n = tally.predicted.get(kind, 0)
        k_recall = tally.matched.get(kind, 0) / gold_n if gold_n else None
        # precision by predicted kind: predictions of this kind that matched any gold item
        k_precision = tally.pred_matched.get(kind, 0) / pred_n if pred_n else None
        by_kind[kind] = {
            "gold": gold_n,
            "recall": round(k_recall, 3) if k_recall is not None else None,
            "precision": round(k_precision, 3) if k_precision is not None else None,
            "f1": _f1(k_precision, k_recall) if k_recall is not None and k_precision is not None else None,
        }
    return {
        "threshold": threshold,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision_raw, recall_raw),
        "speaker_acc": _ratio(tally.speaker_ok, tp),
        "end_to_end_f1": _ratio(2 * tally.speaker_ok, 2 * tp + fp + fn),
        "recall_direct": by_kind["direct"]["recall"],
        "recall_indirect": by_kind["indirect"]["recall"],
        "by_kind": by_kind,
        "gold": tp + fn,
        "pred": tp + fp,
    }


def evaluate(gold_docs: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]], *,
             speech_only: bool = False) -> dict[str, Any]:
    """Lenient (Dice ≥ 0.5) and strict (Dice ≥ 0.9) results for predictions keyed by document id."""
    return {
        "speech_only": speech_only,
        "documents": len(gold_docs),
        "lenient": score(gold_docs, predictions, LENIENT, speech_only=speech_only),
        "strict": score(gold_docs, predictions, STRICT, speech_only=speech_only),
    }


def load_jsonl(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predictions_from_jsonl(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """``{"id", "statements"}`` rows (``verbatim extract --jsonl`` output) keyed by id."""
    return {row["id"]: row.get("statements", []) for row in rows}


def format_report(report: dict[str, Any]) -> str:
    """A plain-text table of a report from ``evaluate``."""
    header = f"{'':10}{'P':>7}{'R':>7}{'F1':>7}{'spk acc':>9}{'e2e F1':>8}{'R dir':>7}{'F1 dir':>8}{'R ind':>7}{'F1 ind':>8}{'gold':>6}{'pred':>6}"
    lines = [
        f"{report.get('documents', 0)} documents" + (" (speech verbs only)" if report.get("speech_only") else ""),
        header,
    ]

    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    for name in ("lenient", "strict"):
        r = report[name]
        d, i = r["by_kind"]["direct"], r["by_kind"]["indirect"]
        label = f"{name} {r['threshold']:.1f}"
        lines.append(
            f"{label:10}{fmt(r['precision']):>7}{fmt(r['recall']):>7}{fmt(r['f1']):>7}"
            f"{fmt(r['speaker_acc']):>9}{fmt(r['end_to_end_f1']):>8}{fmt(d['recall']):>7}{fmt(d['f1']):>8}"
            f"{fmt(i['recall']):>7}{fmt(i['f1']):>8}{r['gold']:>6}{r['pred']:>6}"
        )
    return "\n".join(lines)


# -- declarations ------------------------------------------------------------------------
# Instruments, parties, clauses and principles against gold of the form
# {"id", "text", "declarations": [{"title", "title_start", "title_end", "kind", "parties" | null,
#   "mentions"?, "optional"?, "clauses": [{"start", "end", "ordinal", "principles", "optional"?}]}]}
# and predictions as ``verbatim extract --jsonl`` writes them. An instrument matches when its
# title span reaches the lenient Dice with the gold title or any gold mention of it; a clause
# matches a gold clause of the gold instrument its own instrument matched.

# Spellings of one party (case-folded), so "EU" and "European Union" agree.
PARTY_ALIASES: dict[str, str] = {
    "russian federation": "russia", "eu": "european union", "e.u.": "european union",
    "eaeu": "eurasian economic union", "eeu": "eurasian economic union", "us": "united states",
    "u.s.": "united states", "usa": "united states", "united states of america": "united states",
    "uk": "united kingdom", "u.k.": "united kingdom", "britain": "united kingdom",
    "great britain": "united kingdom", "türkiye": "turkey", "turkiye": "turkey",
    "kyrgyz republic": "kyrgyzstan", "republic of moldova": "moldova",
    "people's republic of china": "china", "prc": "china", "viet nam": "vietnam",
}


def _folded(value: str | None) -> str:
    value = (value or "").replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", value).strip().casefold()


def _party(value: str) -> str:
    value = _folded(value).strip(".,;:")
    value = value[4:] if value.startswith("the ") else value
    return PARTY_ALIASES.get(value, value)


def _principle(value: str) -> str:
    return re.sub(r"^(?:(?:the|and|or)\s+)+", "", _folded(value).strip(".,;: "))


def _kind(value: str | None) -> str:
    return _folded(value).replace("-", " ").replace(" ", "_")


def _best_pairs(scores: list[tuple[float, int, int]], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs, best score first, at or above ``threshold``."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for score_, a, b in sorted(scores, key=lambda x: (-x[0], x[1], x[2])):
        if score_ < threshold:
            break
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            pairs.append((a, b))
    return pairs


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def _span_of(item: dict[str, Any], *pairs: tuple[str, str]) -> list[int] | None:
    if isinstance(item.get("span"), list | tuple) and len(item["span"]) == 2:
        return [int(item["span"][0]), int(item["span"][1])]
    for start, end in pairs:
        if item.get(start) is not None and item.get(end) is not None:
            return [int(item[start]), int(item[end])]
    return None


def _score_declarations(doc: dict[str, Any], preds: list[dict[str, Any]], counts: dict[str, int]) -> None:
    text = doc["text"]
    golds = doc.get("declarations") or []

    def chars(span: list[int] | None) -> frozenset[int]:
        return char_set([span], text) if span else frozenset()

    scores = []
    for i, g in enumerate(golds):
        spans = [chars(s) for s in (g.get("mentions") or [[g["title_start"], g["title_end"]]])]
        for j, p in enumerate(preds):
            mine = chars(_span_of(p, ("start_char", "end_char"), ("title_start", "title_end")))
            best = max((dice(mine, s) for s in spans), default=0.0)
            if best > 0:
                scores.append((best, i, j))
    pairs = _best_pairs(scores, LENIENT)
    gold_of = {j: i for i, j in pairs}
    pred_of = {i: j for i, j in pairs}
    for i, g in enumerate(golds):
        if g.get("optional"):
            continue
        if i not in pred_of:
            counts["i_fn"] += 1
            continue
        p = preds[pred_of[i]]
        counts["i_tp"] += 1
        counts["kind_ok"] += _kind(p.get("kind")) == _kind(g.get("kind"))
        if g.get("parties") is not None:
            counts["party_n"] += 1
            counts["party_exact"] += {_party(x) for x in g["parties"]} == {_party(x) for x in p.get("parties") or []}
    counts["i_fp"] += sum(1 for j in range(len(preds)) if j not in gold_of)

    gold_clauses = [(i, c, chars(_span_of(c, ("start", "end"))), bool(c.get("optional") or g.get("optional")))
                    for i, g in enumerate(golds) for c in g.get("clauses") or []]
    pred_clauses = [(j, c, chars(_span_of(c, ("start_char", "end_char"), ("start", "end"))))
                    for j, p in enumerate(preds) for c in p.get("clauses") or [] if isinstance(c, dict)]
    clause_pairs = _best_pairs(
        [(dice(gs, ps), a, b) for a, (gi, _, gs, _) in enumerate(gold_clauses)
         for b, (pj, _, ps) in enumerate(pred_clauses) if gold_of.get(pj) == gi and dice(gs, ps) > 0],
        LENIENT,
    )
    matched_g = {a for a, _ in clause_pairs}
    matched_p = {b for _, b in clause_pairs}
    # predicted clauses neither counted nor missed: on an optional gold item, or an instrument
    # matched to an optional gold instrument without matching any required gold clause
    neutral = {b for a, b in clause_pairs if gold_clauses[a][3]}
    for b, (pj, _, ps) in enumerate(pred_clauses):
        if b not in matched_p and pj in gold_of and golds[gold_of[pj]].get("optional") and not any(
            dice(gs, ps) >= LENIENT for _, _, gs, optional in gold_clauses if not optional
        ):
            neutral.add(b)
    counts["c_tp"] += sum(1 for a, _ in clause_pairs if not gold_clauses[a][3])
    counts["c_fp"] += sum(1 for b in range(len(pred_clauses)) if b not in matched_p and b not in neutral)
    counts["c_fn"] += sum(1 for a, item in enumerate(gold_clauses) if not item[3] and a not in matched_g)
    for a, b in clause_pairs:
        if gold_clauses[a][3]:
            continue
        gold_clause, pred_clause = gold_clauses[a][1], pred_clauses[b][1]
        counts["ord_ok"] += gold_clause.get("ordinal") == pred_clause.get("ordinal")
        gp = {_principle(x) for x in gold_clause.get("principles") or []}
        pp = {_principle(x) for x in pred_clause.get("principles") or []}
        counts["p_tp"] += len(gp & pp)
        counts["p_fp"] += len(pp - gp)
        counts["p_fn"] += len(gp - pp)
    counts["p_fp"] += sum(len(pred_clauses[b][1].get("principles") or []) for b in range(len(pred_clauses))
                          if b not in matched_p and b not in neutral)
    counts["p_fn"] += sum(len(item[1].get("principles") or []) for a, item in enumerate(gold_clauses)
                          if not item[3] and a not in matched_g)


def evaluate_declarations(gold_docs: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Instruments P/R/F1 and kind accuracy, parties exact-set rate, clauses P/R/F1 (Dice ≥ 0.5),
    ordinal accuracy and principles end to end, over documents keyed by id."""
    keys = ("i_tp", "i_fp", "i_fn", "kind_ok", "party_n", "party_exact", "c_tp", "c_fp", "c_fn", "ord_ok",
            "p_tp", "p_fp", "p_fn")
    counts = dict.fromkeys(keys, 0)
    for doc in gold_docs:
        _score_declarations(doc, [p for p in predictions.get(doc["id"], []) if isinstance(p, dict)], counts)
    return {
        "documents": len(gold_docs),
        "instruments": _prf(counts["i_tp"], counts["i_fp"], counts["i_fn"]),
        "kind_accuracy": _ratio(counts["kind_ok"], counts["i_tp"]) if counts["i_tp"] else None,
        "parties_exact": _ratio(counts["party_exact"], counts["party_n"]) if counts["party_n"] else None,
        "clauses": _prf(counts["c_tp"], counts["c_fp"], counts["c_fn"]),
        "ordinal_accuracy": _ratio(counts["ord_ok"], counts["c_tp"]) if counts["c_tp"] else None,
        "principles_end_to_end": _prf(counts["p_tp"], counts["p_fp"], counts["p_fn"]),
    }


def format_declarations_report(report: dict[str, Any]) -> str:
    """A plain-text table of a report from ``evaluate_declarations``."""

    def row(name: str, m: dict[str, Any]) -> str:
        return (f"{name:24}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}"
                f"   tp {m['tp']:>3} fp {m['fp']:>3} fn {m['fn']:>3}")

    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    return "\n".join([
        f"{report['documents']} documents (declarations)",
        f"{'':24}{'P':>7}{'R':>7}{'F1':>7}",
        row("instruments", report["instruments"]),
        row("clauses (Dice >= 0.5)", report["clauses"]),
        row("principles end to end", report["principles_end_to_end"]),
        f"{'parties exact':24}{fmt(report['parties_exact']):>7}",
        f"{'kind accuracy':24}{fmt(report['kind_accuracy']):>7}",
        f"{'ordinal accuracy':24}{fmt(report['ordinal_accuracy']):>7}",
    ])
