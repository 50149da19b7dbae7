"""Large documents: extraction time and peak memory against length.

Usage: python bench/large.py [--sizes 100K 1M 2M] [--corpus PATH.jsonl] [--hostile]

A document of each size is built by joining news texts (the seeds, or the ``text`` of
every line of ``--corpus``) as paragraphs until it is that long, so it reads like one
very long article: as many quotes and speech verbs per word as the news it is made of.
``--hostile`` adds texts with no sentence structure: runs of one symbol, and one long
paragraph of short quotes, which spaCy must parse in full. Each document is extracted in
a fresh process, so peak RSS (``ru_maxrss``) is that document's own, model included.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = {"K": 1000, "M": 1000 * 1000, "KI": 1024, "MI": 1024 * 1024}


def parse_size(value: str) -> int:
    """``100K`` (10^3), ``1M`` (10^6), ``2Mi`` (2^21) or a plain number of characters."""
    value = value.strip().upper()
    for suffix in ("KI", "MI", "K", "M"):
        if value.endswith(suffix):
            return int(float(value[: -len(suffix)]) * UNITS[suffix])
    return int(value)


def news_texts(corpus: Path | None) -> list[str]:
    if corpus is not None:
        with corpus.open(encoding="utf-8") as fh:
            return [json.loads(line)["text"] for line in fh if line.strip()]
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]


def build(texts: list[str], size: int) -> str:
    """News paragraphs joined by blank lines, cut at a paragraph end near ``size``."""
    paragraphs = [p.strip() for t in texts for p in t.split("\n\n") if p.strip()]
    out: list[str] = []
    length = i = 0
    while length < size:
        paragraph = paragraphs[i % len(paragraphs)]
        out.append(paragraph)
        length += len(paragraph) + 2
        i += 1
    return "\n\n".join(out)[:size]


def _run(text: str, out: mp.Queue) -> None:
    from app.extract import extract
    from app.extract.nlp import load_nlp

    load_nlp()
    loaded_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = extract(text)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put({"seconds": seconds, "statements": len(result.statements),
             "model_rss_mb": loaded_kb / 1024, "peak_rss_mb": peak_kb / 1024})


def measure(text: str) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(text, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["100K", "1M", "2Mi"])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--hostile", action="store_true")
    args = ap.parse_args()
    texts = news_texts(args.corpus)
    cases: list[tuple[str, str]] = []
    for size in args.sizes:
        n = parse_size(size)
        cases.append((f"news {size}", build(texts, n)))
        if args.hostile:
            cases.append((f'")" x {size}', ")" * n))
            cases.append((f'"ab cd" quotes {size}', ('"ab cd" ' * (n // 8 + 1))[:n]))
    print(f"{'document':24}{'chars':>10}{'words':>9}{'seconds':>9}{'words/s':>9}{'statements':>11}{'peak RSS MB':>13}")
    for label, text in cases:
        r = measure(text)
        words = len(text.split())
        print(f"{label:24}{len(text):>10}{words:>9}{r['seconds']:>9.1f}{words / r['seconds']:>9.0f}"
              f"{r['statements']:>11}{r['peak_rss_mb']:>13.0f}", flush=True)


if __name__ == "__main__":
    main()
