"""Every error is RFC 9457 problem JSON with the right status; bad input is never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

CASES: list[tuple[str, str, int, str | None]] = [
    # method, url, status, name of the offending parameter (errors[].name)
    ("GET", "/nope", 404, None),
    ("GET", "/statements/999999", 404, None),
    ("GET", "/quotes/{indirect}", 404, None),  # an indirect statement is not a quote
    ("GET", "/documents/999999", 404, None),
    ("GET", "/documents/999999/statements", 404, None),
    ("GET", "/speakers/no-such-person", 404, None),
    ("GET", "/speakers/999999", 404, None),
    ("GET", "/speakers/no-such-person/quotes", 404, None),
    ("GET", "/declarations/999999", 404, None),
    ("GET", "/declarations/999999/clauses", 404, None),
    ("GET", "/clauses/999999", 404, None),
    ("GET", "/documents/abc", 422, "document_id"),
    ("GET", "/statements/1.5", 422, "statement_id"),
    ("GET", "/clauses/-1", 422, "clause_id"),
    ("GET", "/speakers/99999999999999999999", 404, None),
    ("GET", "/statements?document_id=99999999999", 422, "document_id"),
    ("GET", "/statements/99999999999999999999999", 422, "statement_id"),
    ("GET", "/statements?limit=0", 422, "limit"),
    ("GET", "/statements?limit=-5", 422, "limit"),
    ("GET", "/statements?limit=1001", 422, "limit"),
    ("GET", "/statements?limit=ten", 422, "limit"),
    ("GET", "/statements?sort=colour", 400, "sort"),
    ("GET", "/speakers?sort=-text", 400, "sort"),
    ("GET", "/statements?cursor=garbage", 400, "cursor"),
    ("GET", "/statements?published_after=yesterday", 422, "published_after"),
    ("GET", "/documents?published_before=2024-13-45", 422, "published_before"),
    ("GET", "/statements?kind=both", 422, "kind"),
    ("GET", "/statements?document_id=one", 422, "document_id"),
    ("GET", "/clauses?declaration_id=1e3", 422, "declaration_id"),
    ("GET", "/statements?speakr=aliyev", 422, "speakr"),
    ("GET", "/statements?format=xml", 422, "format"),
    ("GET", "/statements?q=%00", 422, "q"),
    ("GET", "/statements?speaker=a%00b", 422, "speaker"),
    ("GET", "/speakers/a%00", 422, "id_or_slug"),  # in: path (see tests/robustness/test_urls_and_params.py)
    ("GET", "/speakers?q=" + "x" * 501, 422, "q"),
    ("POST", "/statements", 405, None),
    ("DELETE", "/speakers/ilham-aliyev", 405, None),
    ("PUT", "/healthz", 405, None),
    ("GET", "/extract", 405, None),
]


@pytest.mark.parametrize(("method", "url", "status", "name"), CASES, ids=[f"{m} {u}" for m, u, _, _ in CASES])
def test_problem(client: TestClient, ids: dict[str, int], method: str, url: str, status: int,
                 name: str | None) -> None:
    response = client.request(method, url.format(**ids))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status and body["detail"]
    if name is not None:
        assert name in {e["name"] for e in body["errors"]}
    if status == 405:
        assert response.headers["allow"]
    assert "Traceback" not in response.text


ALLOW = [  # method, url, Allow: every method of every route at the path, HEAD wherever GET
    ("POST", "/statements", "GET, HEAD"),
    ("PUT", "/documents", "GET, HEAD, POST"),
    ("PUT", "/documents/{doc}", "GET, HEAD, DELETE"),
    ("PATCH", "/documents/{doc}/reextract", "POST"),
    ("GET", "/extract", "POST"),
    ("DELETE", "/speakers/ilham-aliyev/quotes", "GET, HEAD"),
    ("PUT", "/healthz", "GET, HEAD"),
    ("POST", "/openapi.json", "GET, HEAD"),
    ("POST", "/", "GET, HEAD"),
    ("POST", "/problems/not-found", "GET, HEAD"),
]


@pytest.mark.parametrize(("method", "url", "allow"), ALLOW, ids=[f"{m} {u}" for m, u, _ in ALLOW])
def test_405_allow_lists_every_method(client: TestClient, ids: dict[str, int], method: str, url: str,
                                      allow: str) -> None:
    response = client.request(method, url.format(**ids))
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["detail"] == f"{method} is not allowed here; use {allow}."


NOT_FOUND_DETAILS = [
    ("/statements/999999", "No statement with id 999999."),
    ("/documents/999999/statements", "No document with id 999999."),
    ("/speakers/no-such-person", "No speaker with id or slug 'no-such-person'."),
    ("/quotes/{indirect}", "No quote with id {indirect}. Statement {indirect} is reported speech: "
                           "see /statements/{indirect}."),
]


@pytest.mark.parametrize(("url", "detail"), NOT_FOUND_DETAILS)
def test_not_found_names_what_was_looked_up(client: TestClient, ids: dict[str, int], url: str, detail: str) -> None:
    assert client.get(url.format(**ids)).json()["detail"] == detail.format(**ids)


def test_unknown_sort_lists_the_allowed_fields(client: TestClient) -> None:
    body = client.get("/statements?sort=colour").json()
    assert "published_at" in body["detail"] and "-confidence" in body["allowed"]


def test_unexpected_error_is_a_problem_without_a_stack_trace(seeded_database_url: str) -> None:
    app = create_app(Settings(database_url=seeded_database_url))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.json()["status"] == 500


def test_unreachable_database_is_a_503_health(tmp_path: object) -> None:
    app = create_app(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


# -- problem types resolve ---------------------------------------------------------------------

PROBLEM_CASES = [  # a request answered with a problem of our own type
    "/statements?cursor=garbage",
    "/statements?sort=colour",
    "/statements?limit=0",
    "/statements/999999",
]


@pytest.mark.parametrize("url", PROBLEM_CASES)
def test_a_problem_type_can_be_followed(client: TestClient, url: str) -> None:
    problem = client.get(url).json()
    page = client.get(problem["type"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert problem["title"] in page.text
    described = client.get(problem["type"], headers={"Accept": "application/json"}).json()
    assert (described["type"], described["status"], described["title"]) == (problem["type"], problem["status"], problem["title"])
    assert described["cause"] and described["fix"]


def test_every_problem_type_in_the_code_is_described(client: TestClient) -> None:
    import re
    from pathlib import Path

    from app.problems import PROBLEM_TYPES

    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[2] / "app").rglob("*.py"))
    used = set(re.findall(r'"/problems/([a-z-]+)"', source))
    assert used <= set(PROBLEM_TYPES)  # literals outside the registry would 404 when followed
    listed = client.get("/problems", headers={"Accept": "application/json"}).json()["items"]
    assert {p["name"] for p in listed} == set(PROBLEM_TYPES)
    for name in PROBLEM_TYPES:
        assert client.get(f"/problems/{name}").status_code == 200


def test_an_unknown_problem_type_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/problems/no-such-problem")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/not-found"
