"""Bounded extraction concurrency: with every worker busy, a request gets a 503 problem with
``Retry-After`` after a short wait instead of piling more spaCy work onto the cores."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import app.extract
from app.config import Settings
from app.extract.types import DocumentInfo, Extraction
from app.extraction_pool import ExtractionPool
from app.main import create_app
from app.migrate import migrate

KEY = "slot-test-key-0123456789"


@pytest.fixture
def gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """An extractor that signals ``started`` and then holds its worker until ``release``
    (files, since it runs in a forked worker process)."""
    started, release = tmp_path / "started", tmp_path / "release"

    def held(text: str) -> Extraction:
        started.touch()
        for _ in range(1500):
            if release.exists():
                break
            time.sleep(0.02)
        return Extraction(document=DocumentInfo(word_count=len(text.split())))

    monkeypatch.setattr(app.extract, "extract", held)
    yield started, release
    release.touch()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'slots.db'}"
    migrate(url)
    settings = Settings(database_url=url, api_keys=[KEY], access_log=False,
                        max_concurrent_extractions=1, extraction_wait_seconds=0.2)
    api = create_app(settings)
    # forked on first use, after the test has put its stand-in extractor in place
    with ExtractionPool(1, warm=lambda: None, start_method="fork") as pool:
        api.state.extraction_pool = pool
        with TestClient(api, raise_server_exceptions=False) as test_client:
            yield test_client


def wait_for(path: Path) -> bool:
    for _ in range(500):
        if path.exists():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("path", ["/extract", "/documents"])
def test_busy_slots_answer_503_with_retry_after(client: TestClient, gate: tuple[Path, Path], path: str) -> None:
    started, release = gate
    auth = {"Authorization": f"Bearer {KEY}"}
    first: dict[str, int] = {}
    holder = threading.Thread(target=lambda: first.update(status=client.post(path, json={"text": "One text."}, headers=auth).status_code))
    holder.start()
    assert wait_for(started)

    busy = client.post(path, json={"text": "Another text."}, headers=auth)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.headers["content-type"].startswith("application/problem+json")
    assert busy.json()["status"] == 503 and "slot" in busy.json()["detail"]

    release.touch()
    holder.join(30)
    assert first["status"] in (200, 201)
    assert client.post(path, json={"text": "A third text."}, headers=auth).status_code in (200, 201)  # slot freed


def test_default_is_one_slot_per_cpu() -> None:
    import os

    assert Settings().max_concurrent_extractions == (os.cpu_count() or 1)
