"""Bounded extraction concurrency: with every slot busy, a request gets a 503 problem with
``Retry-After`` after a short wait instead of piling more spaCy work onto the cores."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import app.extract
from app.config import Settings
from app.extract.types import DocumentInfo, Extraction
from app.main import create_app
from app.migrate import migrate

KEY = "slot-test-key-0123456789"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """An extractor that signals ``started`` and then holds its slot until ``release``."""
    started, release = threading.Event(), threading.Event()

    def held(text: str) -> Extraction:
        started.set()
        release.wait(30)
        return Extraction(document=DocumentInfo(word_count=len(text.split())))

    monkeypatch.setattr(app.extract, "extract", held)
    yield started, release
    release.set()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'slots.db'}"
    migrate(url)
    settings = Settings(database_url=url, api_keys=[KEY], access_log=False,
                        max_concurrent_extractions=1, extraction_wait_seconds=0.2)
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ["/extract", "/documents"])
def test_busy_slots_answer_503_with_retry_after(client: TestClient, gate: tuple[threading.Event, threading.Event], path: str) -> None:
    started, release = gate
    auth = {"Authorization": f"Bearer {KEY}"}
    first: dict[str, int] = {}
    holder = threading.Thread(target=lambda: first.update(status=client.post(path, json={"text": "One text."}, headers=auth).status_code))
    holder.start()
    assert started.wait(10)

    busy = client.post(path, json={"text": "Another text."}, headers=auth)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.headers["content-type"].startswith("application/problem+json")
    assert busy.json()["status"] == 503 and "slot" in busy.json()["detail"]

    release.set()
    holder.join(10)
    assert first["status"] in (200, 201)
    assert client.post(path, json={"text": "A third text."}, headers=auth).status_code in (200, 201)  # slot freed


def test_default_is_one_slot_per_cpu() -> None:
    import os

    assert Settings().max_concurrent_extractions == (os.cpu_count() or 1)
