"""``POST /extract``: JSON or plain text in, the ``extract --jsonl`` objects out, nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

SEED = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """Extraction needs no data: an app on an empty SQLite file is enough (and stays empty)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('extract') / 'empty.db'}"
    return TestClient(create_app(Settings(database_url=url, max_body_bytes=64 * 1024)))


def _check_result(body: dict) -> None:
    assert set(body) == {"document", "statements", "speakers", "declarations"}
    aliyev = next(s for s in body["speakers"] if s["slug"] == "ilham-aliyev")
    assert aliyev["statement_count"] == 8 and aliyev["quote_count"] == 3
    assert sum(s["kind"] == "direct" for s in body["statements"]) == 3
    assert body["declarations"][0]["title"] == "Declaration on Allied Cooperation"
    for st in body["statements"]:
        if "fragments" not in st:
            assert st["text"] == SEED[st["start_char"] : st["end_char"]]
        assert "id" not in st and "document_id" not in st
        assert st["form"] in {"quote", "transcript", "reported"} and "via" in st
        assert st["speaker"] == (st["speakers"][0] if st["speakers"] else None)
    assert {st["form"] for st in body["statements"] if st["kind"] == "direct"} <= {"quote", "transcript"}


def test_extract_json_and_plain_text(sqlite_client: TestClient) -> None:
    as_json = sqlite_client.post("/extract", json={"text": SEED})
    assert as_json.status_code == 200, as_json.text
    _check_result(as_json.json())
    as_text = sqlite_client.post("/extract", content=SEED.encode(), headers={"Content-Type": "text/plain; charset=utf-8"})
    assert as_text.status_code == 200
    assert as_text.json() == as_json.json()
    assert as_json.json()["document"]["dateline"] == "22 Feb. 23:00"


def test_extract_stores_nothing(client: TestClient) -> None:
    before = client.get("/statements").json()["total"]
    assert client.post("/extract", json={"text": '"We will win," Ilham Aliyev said.'}).status_code == 200
    assert client.get("/statements").json()["total"] == before


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"json": {"text": ""}}, 422),
        ({"json": {"text": 5}}, 422),
        ({"json": {"body": "x"}}, 422),
        ({"json": ["text"]}, 422),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ({"content": b"   ", "headers": {"Content-Type": "text/plain"}}, 422),
        ({"content": b"\xff\xfe\x00", "headers": {"Content-Type": "text/plain"}}, 400),
        ({"content": b"<p>hi</p>", "headers": {"Content-Type": "text/html"}}, 415),
        ({"content": b"x" * (65 * 1024), "headers": {"Content-Type": "text/plain"}}, 413),
    ],
)
def test_extract_rejects_bad_bodies(sqlite_client: TestClient, kwargs: dict, status: int) -> None:
    response = sqlite_client.post("/extract", **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
