"""End to end: a real `verbatim serve` process on a free port, queried over HTTP."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
VERBATIM = Path(sys.executable).with_name("verbatim")
STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def server(seeded_database_url: str, tmp_path_factory: pytest.TempPathFactory, verbatim_server) -> Iterator[str]:
    """Base URL of a running server on the seeded database of the current backend."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with verbatim_server(seeded_database_url, log) as base:
        yield base


def test_healthz(server: str) -> None:
    response = httpx.get(f"{server}/healthz")
    assert response.status_code == 200


def test_documents_and_exact_text(server: str) -> None:
    listing = httpx.get(f"{server}/documents").json()
    assert listing["total"] == 1
    document = httpx.get(f"{server}/documents/{listing['items'][0]['id']}").json()
    seed = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    assert document["text"] == seed
    assert document["dateline"] == "22 Feb. 23:00"
    assert document["published_at"] is None


def test_statements_by_speaker_alias_and_csv(server: str) -> None:
    statements = httpx.get(f"{server}/statements", params={"speaker": "the republican leader"}).json()
    assert statements["total"] >= 1
    assert {item["speaker"]["slug"] for item in statements["items"]} == {"ilham-aliyev"}
    quotes = httpx.get(f"{server}/quotes").json()
    assert quotes["items"] and all(item["kind"] == "direct" for item in quotes["items"])
    exported = httpx.get(f"{server}/statements", params={"format": "csv", "speaker": "ilham-aliyev"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == statements["total"]


def test_unknown_resource_is_problem_json(server: str) -> None:
    response = httpx.get(f"{server}/documents/999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
