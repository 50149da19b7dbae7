"""POST /documents with an HTML page or a URL, and each refusal as a problem."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from inputs_server import page_server

from app.config import Settings
from app.main import create_app
from app.migrate import migrate

KEY = "inputs-test-key"
AUTH = {"Authorization": f"Bearer {KEY}"}
PAGE = (Path(__file__).parent.parent / "data" / "inputs" / "harbour.html").read_bytes()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with page_server() as url:
        yield url


def client_for(database_url: str, **settings: object) -> TestClient:
    migrate(database_url)
    return TestClient(create_app(Settings(database_url=database_url, api_keys=[KEY], access_log=False, **settings)))


def post_url(client: TestClient, url: str, **fields: str) -> object:
    return client.post("/documents", content=json.dumps({"url": url, **fields}),
                       headers={**AUTH, "content-type": "application/json"})


def test_an_html_body_is_stored_as_its_article(database_url: str) -> None:
    with client_for(database_url) as client:
        response = client.post("/documents", content=PAGE, headers={**AUTH, "content-type": "text/html"})
        assert response.status_code == 201, response.text
        data = response.json()
        assert data["title"] == "Minister backs harbour plan" and data["source"] == "The Coastal Herald"
        assert data["published_at"].startswith("2024-03-05T08:30:00")
        assert data["source_url"] == "https://herald.example/news/harbour-plan"
        text = client.get(f"/documents/{data['id']}").json()["text"]
        assert text.startswith("The transport minister") and "Most read" not in text
        for st in client.get(f"/documents/{data['id']}/statements").json()["items"]:
            if not st.get("fragments"):
                assert text[st["start_char"]:st["end_char"]] == st["text"]
        again = client.post("/documents", content=PAGE, headers={**AUTH, "content-type": "text/html; charset=utf-8"})
        assert again.status_code == 200 and again.json()["id"] == data["id"]


def test_an_html_body_without_article_text(database_url: str) -> None:
    with client_for(database_url) as client:
        response = client.post("/documents", content=b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
                               headers={**AUTH, "content-type": "text/html"})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/no-article-text"


def test_a_url_is_fetched_when_enabled(database_url: str, base: str) -> None:
    with client_for(database_url, fetch_enabled=True, fetch_allow_private=True) as client:
        response = post_url(client, f"{base}/moved", title="Harbour plan approved")
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["title"] == "Harbour plan approved"  # a posted field wins over the page's
    assert data["source"] == "The Coastal Herald" and data["source_url"] == "https://herald.example/news/harbour-plan"


@pytest.mark.parametrize(("settings", "path", "status", "kind", "words"), [
    ({}, "/page", 403, "fetch-disabled", "does not fetch URLs"),
    ({"fetch_enabled": True}, "/page", 422, "url-not-allowed", "127.0.0.1, a loopback, private or link-local"),
    ({"fetch_allow_private": True, "fetch_max_bytes": 100_000}, "/big", 422, "fetched-too-large", "over the limit"),
    ({"fetch_allow_private": True}, "/pdf", 422, "fetched-unsupported-type", "application/pdf, not an HTML page"),
    ({"fetch_allow_private": True, "fetch_max_redirects": 2}, "/loop/0", 422, "too-many-redirects",
     "More than 2 redirects"),
    ({"fetch_allow_private": True}, "/missing", 502, "fetch-failed", "HTTP 404"),
    ({"fetch_allow_private": True}, "/empty", 422, "no-article-text", "No article text"),
])
def test_refusals_are_problems(database_url: str, base: str, settings: dict[str, object], path: str, status: int,
                               kind: str, words: str) -> None:
    settings = {"fetch_enabled": True, **settings} if settings else {}
    with client_for(database_url, **settings) as client:
        response = post_url(client, f"{base}{path}")
        assert response.status_code == status, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["type"] == f"/problems/{kind}" and words in problem["detail"]
        assert client.get(f"/problems/{kind}", headers={"accept": "application/json"}).status_code == 200
        assert client.get("/documents").json()["total"] == 0


@pytest.mark.parametrize("body", [
    {"url": "https://example.org/a", "text": "Both given."},
    {},
    {"url": "ftp://example.org/a"},
])
def test_text_or_url_but_not_both(database_url: str, body: dict[str, str]) -> None:
    with client_for(database_url, fetch_enabled=True) as client:
        response = client.post("/documents", content=json.dumps(body), headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 422 and response.json()["type"] == "/problems/validation-error"
