"""Ingestion throughput: ``verbatim ingest --workers 1`` against ``--workers 2`` (or more).

Usage: python bench/ingest.py [--docs N] [--workers 1 2] [--corpus PATH.jsonl] [--generated]

The corpus is written to a temporary folder at run time and deleted afterwards: the
PolNeAR train texts (/tmp/polnear/polnear_train.jsonl) when present, else generated
articles (``--generated`` forces them). Nothing from it is kept or committed. Each
configuration is the real command in a fresh process on a fresh SQLite file, timed from
start to exit (so start-up, migration and model loading are included), and must store
every document as new. CPU seconds are user + system time of the command and its
workers; on a machine shared with other jobs (see the load average printed) the wall-clock
speed-up understates what idle cores give, the CPU column shows the work did not grow.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERBATIM = str(Path(sys.executable).with_name("verbatim"))
POLNEAR_TRAIN = Path("/tmp/polnear/polnear_train.jsonl")
PEOPLE = [("President", "Jane Doe"), ("Senator", "Omar Haddad"), ("Mayor", "Ines Varga"),
          ("Finance Minister", "Ruth Adeyemi"), ("Ambassador", "Li Wei"), ("Governor", "Sam Keller")]


def generated(i: int, paragraphs: int = 12) -> str:
    """A distinct ~500-word article with direct quotes, reported speech and pronouns."""
    lines = [f"{1 + i % 28} June 2024 - Regional report {i}."]
    for p in range(paragraphs):
        title, name = PEOPLE[(i + p) % len(PEOPLE)]
        surname = name.split()[-1]
        lines.append(
            f"{title} {name} said on Tuesday that the transport budget for district {i}-{p} would rise by "
            f"{(i * 7 + p) % 40 + 2} percent next year, after months of talks with local councils. "
            f'"We have listened to the people of district {p}, and the new line {i * 100 + p} will open before '
            f'winter," {surname} told reporters. According to {name}, the plan is final; she added that '
            f"critics had been consulted."
        )
    return "\n\n".join(lines)


def corpus_texts(path: Path | None, docs: int, force_generated: bool) -> tuple[str, list[str]]:
    if not force_generated and path is None and POLNEAR_TRAIN.exists():
        path = POLNEAR_TRAIN
    if path is not None and not force_generated:
        with path.open(encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle if line.strip()][:docs]
        return f"{len(texts)} texts from {path.name}", texts
    return f"{docs} generated articles", [generated(i) for i in range(docs)]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(folder: Path, workers: int, scratch: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one ``verbatim ingest`` on a fresh database, and its summary."""
    url = f"sqlite:///{scratch / f'ingest-w{workers}-{time.monotonic_ns()}.db'}"
    env = {**os.environ, "VERBATIM_DATABASE_URL": url}
    start, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run([VERBATIM, "ingest", str(folder), "--workers", str(workers)],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    if done.returncode != 0:
        raise SystemExit(f"verbatim ingest --workers {workers} failed:\n{done.stderr}")
    return seconds, cpu, done.stdout


def figure(summary: str, label: str) -> int:
    match = re.search(rf"{re.escape(label)}\s*│\s*(\d+)", summary)
    return int(match.group(1)) if match else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--corpus", type=Path, help="JSON lines with a \"text\" field")
    parser.add_argument("--generated", action="store_true", help="use generated articles even if PolNeAR is present")
    args = parser.parse_args()

    label, texts = corpus_texts(args.corpus, args.docs, args.generated)
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {label}, {words:,} words; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="verbatim-bench-ingest-") as tmp:
        scratch = Path(tmp)
        folder = scratch / "corpus"
        folder.mkdir()
        for i, t in enumerate(texts):
            (folder / f"doc_{i:05}.txt").write_text(t, encoding="utf-8")
        rows, base = [], None
        for workers in args.workers:
            seconds, cpu, summary = run(folder, workers, scratch)
            new, failed = figure(summary, "new"), figure(summary, "skipped (failed)")
            base = base or seconds
            rows.append((workers, seconds, cpu, len(texts) / seconds, words / seconds, base / seconds, new, failed))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("\n| workers | seconds | CPU seconds | docs/s | words/s | speed-up | stored new | failed |")
    print("|---|---|---|---|---|---|---|---|")
    for workers, seconds, cpu, docs_s, words_s, speedup, new, failed in rows:
        print(f"| {workers} | {seconds:.1f} | {cpu:.1f} | {docs_s:.1f} | {words_s:,.0f} | {speedup:.2f}× | {new} | {failed} |")


if __name__ == "__main__":
    main()
