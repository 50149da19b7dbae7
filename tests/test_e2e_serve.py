"""End to end: a real `verbatim serve` process on a free port, queried over HTTP."""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
VERBATIM = Path(sys.executable).with_name("verbatim")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(seeded_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running server on the seeded database of the current backend."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "VERBATIM_DATABASE_URL": seeded_database_url}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(VERBATIM), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"verbatim serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"verbatim serve did not answer /healthz in {STARTUP_SECONDS}s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully on Ctrl-C
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
