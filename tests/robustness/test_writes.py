"""Write endpoints: keys, body rules, idempotent create, delete with orphan clean-up, re-extract."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.auth import key_matches
from app.config import Settings
from app.main import create_app
from robust_db import AUTH, KEY, table_counts, violations

ALIYEV = ('"We will win," Ilham Aliyev said. The Azerbaijani leader noted that the talks in '
          "Moscow went well.")
BOTH = ("Ilham Aliyev met Vladimir Putin. Vladimir Putin said that the meeting was useful. "
        '"We agreed on everything," Ilham Aliyev told reporters.')


def post(client: TestClient, body: object, **headers: str):  # type: ignore[no-untyped-def]
    if isinstance(body, (bytes, str)):
        return client.post("/documents", content=body, headers={**AUTH, "content-type": "text/plain", **headers})
    return client.post("/documents", json=body, headers={**AUTH, **headers})


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


# -- keys ------------------------------------------------------------------------------------


def test_key_comparison_checks_every_key() -> None:
    assert key_matches("b", ["a", "b"]) and key_matches("a", ["a", "b"])
    assert not key_matches("c", ["a", "b"]) and not key_matches("", ["a"]) and not key_matches("a", [])
    assert not key_matches("ab", ["a"]) and not key_matches("a", ["ab"])


@pytest.fixture
def keyless(database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url, api_keys=[], access_log=False))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), [("POST", "/documents"), ("DELETE", "/documents/1"),
                                              ("POST", "/documents/1/reextract")])
def test_writes_are_off_without_configured_keys(keyless: TestClient, method: str, path: str) -> None:
    response = keyless.request(method, path, json={"text": "x"}, headers=AUTH)
    body = assert_problem(response, 403)
    assert body["detail"] == "writes are disabled: set VERBATIM_API_KEYS"


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Bearer {KEY}x", f"Basic {KEY}", KEY, "Bearer ",
                                    f"Bearer {KEY[:-1]}"])
@pytest.mark.parametrize(("method", "path"), [("POST", "/documents"), ("DELETE", "/documents/1"),
                                              ("POST", "/documents/1/reextract")])
def test_missing_or_wrong_key_is_401(writable: TestClient, method: str, path: str, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = writable.request(method, path, json={"text": ALIYEV}, headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_openapi_declares_the_key_on_writes_only(writable: TestClient) -> None:
    spec = writable.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http", "scheme": "bearer", "description": pytest.approx(spec["components"]["securitySchemes"]["ApiKey"]["description"])}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            secured = operation.get("security") == [{"ApiKey": []}]
            assert secured == (method in ("post", "delete") and path.startswith("/documents")), (method, path)
            if secured:
                assert {"401", "403"} <= set(operation["responses"])


# -- create ----------------------------------------------------------------------------------


def test_post_json_stores_once_and_answers_201_then_200(writable: TestClient, database_url: str) -> None:
    body = {"text": ALIYEV, "title": "Talks", "published_at": "2023-02-22T23:00:00+03:00",
            "source_url": "https://example.org/a"}
    first = post(writable, body)
    assert first.status_code == 201, first.text
    doc = first.json()
    assert first.headers["location"] == doc["url"] and doc["url"].endswith(f"/documents/{doc['id']}")
    assert doc["status"] == "new" and doc["title"] == "Talks"
    assert doc["published_at"].startswith("2023-02-22T20:00:00")
    assert doc["statement_count"] == 2 and doc["quote_count"] == 1 and doc["speaker_count"] == 1
    assert [s["slug"] for s in doc["speakers"]] == ["ilham-aliyev"]
    stored = writable.get(first.headers["location"]).json()
    assert stored["text"] == ALIYEV and stored["statement_count"] == 2
    assert stored["source_url"] == doc["source_url"] == "https://example.org/a"  # served back, not only stored
    assert len(writable.get(f"/documents/{doc['id']}/statements").json()["items"]) == 2

    again = post(writable, body)
    assert again.status_code == 200 and again.json()["id"] == doc["id"]
    assert again.json()["status"] == "unchanged"
    plain = post(writable, ALIYEV + "\n")  # same content as text/plain, trailing newline ignored
    assert plain.status_code == 200 and plain.json()["id"] == doc["id"]
    assert table_counts(database_url)["document"] == 1 and not violations(database_url)


def test_post_text_plain(writable: TestClient) -> None:
    response = post(writable, BOTH.encode(), **{"content-type": "text/plain; charset=utf-8"})
    assert response.status_code == 201, response.text
    assert response.json()["speaker_count"] == 2 and response.json()["source"] == "api"


LONG = "x" * 3_000_000
BAD_BODIES: list[tuple[str, object, dict[str, str], int]] = [
    ("latin-1 text", "déclaré".encode("latin-1"), {"content-type": "text/plain"}, 400),
    ("latin-1 in json", b'{"text": "d\xe9clar\xe9"}', {"content-type": "application/json"}, 400),
    ("lone surrogate bytes", b"\xed\xa0\x80 text", {"content-type": "text/plain"}, 400),
    ("broken json", b'{"text": ', {"content-type": "application/json"}, 400),
    ("xml", b"<text>hi</text>", {"content-type": "application/xml"}, 415),
    ("form", b"text=hi", {"content-type": "application/x-www-form-urlencoded"}, 415),
    ("no content type", b"hello", {"content-type": ""}, 415),
    ("latin-1 charset", b"hello", {"content-type": "text/plain; charset=latin-1"}, 415),
    ("empty text/plain", b"", {"content-type": "text/plain"}, 422),
    ("whitespace text/plain", b" \n\t ", {"content-type": "text/plain"}, 422),
    ("empty json", b"", {"content-type": "application/json"}, 422),
    ("json null", b"null", {"content-type": "application/json"}, 422),
    ("json list", b'["text"]', {"content-type": "application/json"}, 422),
    ("missing text", b'{"title": "x"}', {"content-type": "application/json"}, 422),
    ("empty text", b'{"text": ""}', {"content-type": "application/json"}, 422),
    ("blank text", b'{"text": "   "}', {"content-type": "application/json"}, 422),
    ("number text", b'{"text": 5}', {"content-type": "application/json"}, 422),
    ("NUL in text", b'{"text": "a\\u0000b"}', {"content-type": "application/json"}, 422),
    ("NUL in text/plain", b"a\x00b", {"content-type": "text/plain"}, 422),
    ("NUL in title", b'{"text": "a b", "title": "\\u0000"}', {"content-type": "application/json"}, 422),
    ("json lone surrogate", b'{"text": "\\ud800"}', {"content-type": "application/json"}, 400),
    ("unknown field", b'{"text": "a b", "author": "me"}', {"content-type": "application/json"}, 422),
    ("bad date", b'{"text": "a b", "published_at": "yesterday"}', {"content-type": "application/json"}, 422),
    ("bad url", b'{"text": "a b", "source_url": "javascript:alert(1)"}', {"content-type": "application/json"}, 422),
    ("huge title", b'{"text": "a b", "title": "' + b"t" * 600 + b'"}', {"content-type": "application/json"}, 422),
    ("over the limit", LONG.encode(), {"content-type": "text/plain"}, 413),
]


@pytest.mark.parametrize(("body", "headers", "status"), [c[1:] for c in BAD_BODIES], ids=[c[0] for c in BAD_BODIES])
def test_bad_bodies_are_problems(writable: TestClient, database_url: str, body: bytes,
                                 headers: dict[str, str], status: int) -> None:
    response = writable.post("/documents", content=body, headers={**AUTH, **headers})
    assert_problem(response, status)
    assert table_counts(database_url)["document"] == 0


SHARED_BODY_RULES = [c for c in BAD_BODIES if c[3] != 413 and "NUL" not in c[0]]  # NUL: a storage rule


@pytest.mark.parametrize(("body", "headers", "status"), [c[1:] for c in SHARED_BODY_RULES],
                         ids=[c[0] for c in SHARED_BODY_RULES])
def test_extract_answers_a_bad_body_like_documents(writable: TestClient, body: bytes, headers: dict[str, str],
                                                   status: int) -> None:
    """POST /extract and POST /documents read bodies by the same rules: same status, same type."""
    stored = assert_problem(writable.post("/documents", content=body, headers={**AUTH, **headers}), status)
    extracted = assert_problem(writable.post("/extract", content=body, headers=headers), status)
    assert extracted["type"] == stored["type"]
    if status == 400:
        assert extracted["type"] == "/problems/malformed-body"


def test_limit_holds_for_chunked_bodies_without_content_length(writable: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"y" * 100_000  # 4 MB in all, no Content-Length

    response = writable.post("/documents", content=chunks(), headers={**AUTH, "content-type": "text/plain"})
    assert_problem(response, 413)


def test_limit_is_configurable(database_url: str) -> None:
    from app.migrate import migrate

    migrate(database_url)
    app = create_app(Settings(database_url=database_url, api_keys=[KEY], max_body_bytes=50, access_log=False))
    with TestClient(app) as client:
        assert_problem(post(client, "x" * 51), 413)
        assert_problem(client.post("/extract", content="x" * 51, headers={"content-type": "text/plain"}), 413)
        assert post(client, "Officials said that it works.").status_code == 201


# -- delete and re-extract --------------------------------------------------------------------


def test_delete_removes_rows_and_orphaned_speakers_only(writable: TestClient, database_url: str) -> None:
    only_aliyev = post(writable, ALIYEV).json()
    both = post(writable, BOTH).json()
    before = table_counts(database_url)
    assert before["speaker"] == 2

    assert writable.delete(f"/documents/{both['id']}", headers=AUTH).status_code == 204
    after = table_counts(database_url)
    assert after["document"] == 1 and after["speaker"] == 1  # Putin had no other mention
    assert not violations(database_url)
    speakers = writable.get("/speakers").json()["items"]
    assert [s["slug"] for s in speakers] == ["ilham-aliyev"]
    assert speakers[0]["statement_count"] == writable.get("/statements?speaker=ilham-aliyev").json()["total"]
    assert writable.get(f"/documents/{both['id']}").status_code == 404
    assert_problem(writable.delete(f"/documents/{both['id']}", headers=AUTH), 404)

    assert writable.delete(f"/documents/{only_aliyev['id']}", headers=AUTH).status_code == 204
    assert table_counts(database_url) == dict.fromkeys(before, 0)


def test_reextract_keeps_the_id_and_refreshes(writable: TestClient, database_url: str) -> None:
    doc = post(writable, BOTH, **{"content-type": "text/plain"}).json()
    before = table_counts(database_url)
    response = writable.post(f"/documents/{doc['id']}/reextract", headers=AUTH)
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert fresh["id"] == doc["id"] and fresh["status"] == "reextracted"
    assert fresh["statement_count"] == doc["statement_count"]
    assert table_counts(database_url) == before and not violations(database_url)
    assert_problem(writable.post("/documents/999999/reextract", headers=AUTH), 404)
    assert_problem(writable.post("/documents/0/reextract", headers=AUTH), 422)
    assert_problem(writable.delete("/documents/abc", headers=AUTH), 422)


TITLES = [  # body posted, title a re-extraction must leave
    ("derived title", BOTH, "Ilham Aliyev met Vladimir Putin"),
    ("given title", {"text": ALIYEV, "title": "Talks"}, "Talks"),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in TITLES], ids=[c[0] for c in TITLES])
def test_reextract_derives_a_derived_title_afresh_and_keeps_a_given_one(
        writable: TestClient, database_url: str, body: object, expected: str) -> None:
    doc = post(writable, body).json()
    engine = create_engine(database_url)
    with engine.begin() as connection:  # as an older extractor's fallback title would be
        connection.execute(text("UPDATE document SET title = 'Ilham Aliyev met.' WHERE id = :id AND NOT title_given"),
                           {"id": doc["id"]})
    engine.dispose()
    response = writable.post(f"/documents/{doc['id']}/reextract", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == expected == writable.get(f"/documents/{doc['id']}").json()["title"]


def test_concurrent_posts_of_the_same_text_store_it_once(writable: TestClient, database_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(lambda _: post(writable, {"text": BOTH}).status_code, range(6)))
    assert statuses.count(201) == 1 and set(statuses) <= {200, 201}, statuses
    assert table_counts(database_url)["document"] == 1 and not violations(database_url)
