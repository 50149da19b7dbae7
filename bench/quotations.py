"""What quote provenance costs: the write path of ingestion, and ``/quotes/match`` latency.

    python bench/quotations.py store [--docs 300] [--database-url URL]
    python bench/quotations.py match --database-url sqlite:////tmp/bench-1m.db [--claims 200]

``store`` extracts generated articles once (bench/ingest.py's generator; extraction is not
timed, it is the same before and after), then times ``ingest_text`` of every document into a
fresh database: the write transaction that grouping adds to. It imports ``app`` from the
path, so the same script measures the code before the feature
(``PYTHONPATH=/path/to/old/checkout``) and after. The extractions are cached in
``--cache`` so both runs store identical input.

``match`` samples stored direct quotes of a database filled by bench/generate.py, turns
each into a claim (one word changed, the last clause dropped, punctuation swapped, words
moved, words missing) and times ``GET /quotes/match`` in process (ASGI, no network); it reports the
median and p95, and how often the claim's own quotation ranked first; ``--speaker`` sends
the quote's speaker id with each claim.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ingest.py's article generator
sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH: an old checkout wins


def store(args: argparse.Namespace) -> None:
    from sqlmodel import Session

    from app.db import make_engine
    from app.migrate import migrate
    from app.documents import normalise_text
    from app.store import ingest_text
    from ingest import generated  # bench/ingest.py

    texts = [generated(i) for i in range(args.docs)]
    cache = Path(args.cache)
    if cache.exists():
        extractions = pickle.loads(cache.read_bytes())
    else:
        from app.extract import extract

        extractions = [extract(normalise_text(t)) for t in texts]
        cache.write_bytes(pickle.dumps(extractions))
    with tempfile.TemporaryDirectory(prefix="verbatim-bench-quotations-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/store.db"
        migrate(url)
        engine = make_engine(url)
        started, cpu = time.perf_counter(), time.process_time()
        with Session(engine) as session:
            for text, extraction in zip(texts, extractions):
                ingest_text(session, text, extraction=extraction, published_at="2024-06-01")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        engine.dispose()
    quotes = sum(st.kind == "direct" for e in extractions for st in e.statements)
    grouped = "app.provenance" in sys.modules
    print(f"{'with' if grouped else 'without'} quotations: {args.docs} documents ({quotes} direct quotes) "
          f"stored in {seconds:.2f} s = {args.docs / seconds:.1f} documents/s "
          f"({seconds / args.docs * 1000:.1f} ms a document, {cpu / args.docs * 1000:.1f} ms CPU); "
          f"load average {os.getloadavg()[0]:.1f}")


CHANGED = {"will": "shall", "the": "a", "our": "their", "we": "they", "of": "for", "support": "back"}


def claims_of(text: str, rng: random.Random) -> dict[str, str]:
    """Ways a quote gets misquoted: a word changed, the end dropped, punctuation and order,
    a few words (one in five, at most three) left out."""
    words = text.split()
    changed = list(words)
    spots = [i for i, w in enumerate(words) if w.lower() in CHANGED] or [len(words) // 2]
    spot = rng.choice(spots)
    changed[spot] = CHANGED.get(words[spot].lower(), "very " + words[spot])
    sentences = [s for s in text.split(". ") if s]
    dropped = ". ".join(sentences[:-1]) if len(sentences) > 1 else " ".join(words[: max(4, len(words) * 2 // 3)])
    half = len(words) // 2
    gaps = set(rng.sample(range(len(words)), min(3, len(words) // 5)))
    return {
        "one changed word": " ".join(changed),
        "dropped clause": dropped,
        "swapped punctuation": "«" + text.replace(".", ";").replace(",", " —") + "»",
        "words moved": " ".join(words[half:] + words[:half]),
        "words missing": " ".join(w for i, w in enumerate(words) if i not in gaps),
    }


def match(args: argparse.Namespace) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app.config import Settings
    from app.main import create_app
    from app.models import Statement

    rng = random.Random(args.seed)
    app = create_app(Settings(database_url=args.database_url, access_log=False, allowed_hosts=["testserver"]))
    engine = app.state.engine
    with Session(engine) as session:
        top = session.scalar(select(func.max(Statement.id))) or 0
        total = session.scalar(select(func.count()).select_from(Statement))
        samples = []
        while len(samples) < args.claims:
            row = session.get(Statement, rng.randrange(1, top + 1))
            if row is not None and row.kind == "direct":
                samples.append((row.text, row.quotation_id, row.speaker_id))
    timings: dict[str, list[float]] = {}
    cpu_ms: list[float] = []  # the process's CPU time per request: less at the mercy of the machine's load
    first: dict[str, int] = {}
    with TestClient(app) as client:
        for text, _, _ in samples[:5]:  # warm the caches
            client.get("/quotes/match", params={"text": text})
        for text, quotation_id, speaker_id in samples:
            for kind, claim in claims_of(text, rng).items():
                params = {"text": claim}
                if args.speaker and speaker_id is not None:
                    params["speaker"] = str(speaker_id)
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get("/quotes/match", params=params)
                cpu_ms.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200, response.text
                timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                items = response.json()["items"]
                first[kind] = first.get(kind, 0) + bool(items and items[0]["quotation_id"] == quotation_id)
        baseline = []  # an indexed item lookup through the same stack: what the machine gives now
        for _ in samples:
            started = time.perf_counter()
            client.get("/quotes", params={"limit": "1", "sort": "-id"})
            baseline.append((time.perf_counter() - started) * 1000)
    every = [t for values in timings.values() for t in values]
    print(f"/quotes/match on {total:,} statements, {len(samples)} sampled quotes"
          f"{', with their speaker' if args.speaker else ''}, load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| claim | median ms | p95 ms | right quotation first |")
    print("|---|---|---|---|")
    for kind, values in [*timings.items(), ("all", every)]:
        p95 = sorted(values)[int(len(values) * 0.95) - 1]
        hits = sum(first.values()) if kind == "all" else first[kind]
        print(f"| {kind} | {statistics.median(values):.1f} | {p95:.1f} | {hits / len(values):.0%} |")
    print(f"CPU per /quotes/match request: median {statistics.median(cpu_ms):.1f} ms")
    print(f"baseline GET /quotes?limit=1&sort=-id: median {statistics.median(baseline):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("store")
    s.add_argument("--docs", type=int, default=300)
    s.add_argument("--database-url")
    s.add_argument("--cache", default="/tmp/verbatim-bench-quotations.pickle")
    m = sub.add_parser("match")
    m.add_argument("--database-url", required=True)
    m.add_argument("--claims", type=int, default=200)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--speaker", action="store_true", help="send each claim with its quote's speaker id")
    args = parser.parse_args()
    store(args) if args.command == "store" else match(args)


if __name__ == "__main__":
    main()
