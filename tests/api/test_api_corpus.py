"""Paging and exports on a generated corpus (bench/generate.py): hundreds of rows, many
speakers, real dates and nulls, so keyset edges (ties, null blocks, batch borders) are hit."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.api.test_api_paging import expected_order, walk

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate_api", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(module_database_url: str) -> Iterator[TestClient]:
    url = module_database_url
    # seed 2: a corpus with clauses (8) and undated statements (9), so every walk below has
    # rows past its page size and null blocks to cross
    _generator().generate(url, 400, seed=2, chunk_docs=20, batch=200, analyze=False)
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield client


WALKS = [
    ("/statements", "published_at", 37), ("/statements", "-published_at", 50), ("/statements", "-confidence", 64),
    ("/quotes", "confidence", 25), ("/speakers", "-statement_count", 9), ("/documents", "published_at", 7),
    ("/documents", "-word_count", 11), ("/clauses", "ordinal", 2), ("/clauses", "-ordinal", 2),
]


@pytest.mark.parametrize(("path", "sort", "limit"), WALKS)
def test_walk_matches_the_documented_order(corpus: TestClient, path: str, sort: str, limit: int) -> None:
    everything: list[dict[str, Any]] = []
    for line in corpus.get(f"{path}?format=ndjson").text.splitlines():
        everything.append(json.loads(line))
    total = corpus.get(path).json()["total"]
    assert len(everything) == total > limit
    got = [i["id"] for i in walk(corpus, f"{path}?limit={limit}&sort={sort}")]
    assert got == expected_order(everything, sort)


def test_csv_export_crosses_batches(corpus: TestClient) -> None:
    total = corpus.get("/statements").json()["total"]
    rows = list(csv.DictReader(io.StringIO(corpus.get("/statements?format=csv&sort=-published_at").text)))
    assert len(rows) == total and len({r["id"] for r in rows}) == total


def test_filters_agree_with_exports(corpus: TestClient) -> None:
    top = corpus.get("/speakers?sort=-statement_count&limit=1").json()["items"][0]
    page = corpus.get(f"/statements?speaker={top['slug']}&limit=1000").json()
    assert page["total"] == top["statement_count"] == len(page["items"])
    quotes = corpus.get(f"/speakers/{top['id']}/quotes").json()["total"]
    assert quotes == top["quote_count"]
    dated = [i for i in page["items"] if i["published_at"]]
    if dated:
        cut = sorted(i["published_at"] for i in dated)[len(dated) // 2]
        after = corpus.get("/statements", params={"speaker": top["slug"], "published_after": cut}).json()["total"]
        before = corpus.get("/statements", params={"speaker": top["slug"], "published_before": cut}).json()["total"]
        assert after + before == len(dated)
