"""Absolute URLs never come from an untrusted Host; every API route refuses parameters it
does not know; errors name where the bad value was; the write answer lists its speakers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.middleware import VERDICTS_KEPT, HostPolicy
from robust_db import AUTH

PUBLIC = "https://quotes.example.org/verbatim"


def _app_client(url: str, **settings: Any) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, access_log=False, **settings)),
                      raise_server_exceptions=False)


@pytest.fixture(scope="module")
def ids(seeded_client: TestClient) -> dict[str, Any]:
    statements = seeded_client.get("/statements", params={"limit": 1000}).json()["items"]
    return {"statement": next(s["id"] for s in statements if s["kind"] == "direct"),
            "speaker": seeded_client.get("/speakers").json()["items"][0]["slug"],
            "doc": seeded_client.get("/documents").json()["items"][0]["id"],
            "decl": seeded_client.get("/declarations").json()["items"][0]["id"],
            "clause": seeded_client.get("/clauses").json()["items"][0]["id"]}


def _absolute_urls(client: TestClient, ids: dict[str, Any], headers: dict[str, str]) -> list[str]:
    """Every absolute URL the API writes: next, Link, url, facet urls, search hits, oEmbed."""
    found = []
    page = client.get("/statements", params={"limit": 1, "facet": "kind"}, headers=headers)
    assert page.status_code == 200, page.text
    body = page.json()
    found += [body["next"], page.headers["link"].split(">")[0].lstrip("<"), body["items"][0]["url"]]
    found += [value["url"] for value in body["facets"]["kind"]]
    search = client.get("/search", params={"q": "cooperation", "limit": 1}, headers=headers).json()
    found += [search["next"], search["items"][0]["url"]]
    statement_url = body["items"][0]["url"]
    oembed = client.get("/oembed", params={"url": statement_url}, headers=headers)
    assert oembed.status_code == 200, oembed.text
    html = oembed.json()["html"]
    found += [html.split('src="')[1].split('"')[0], oembed.json()["provider_url"]]
    quotation = client.get("/quotations", params={"limit": 1}, headers=headers).json()["items"][0]
    detail = client.get(f"/quotations/{quotation['id']}", headers=headers).json()
    found += [detail["occurrences_url"]] + [o["url"] for o in detail["occurrences"]]
    return found


@pytest.fixture
def public(seeded_database_url: str) -> Iterator[TestClient]:
    client = _app_client(seeded_database_url, public_url=PUBLIC + "/", allowed_hosts=["*"])
    yield client
    client.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_urls_come_from_the_public_url_whatever_the_host(public: TestClient, ids: dict[str, Any]) -> None:
    for host in ("attacker.test", "testserver", "127.0.0.1:8000"):
        urls = _absolute_urls(public, ids, {"Host": host})
        assert all(url.startswith(PUBLIC + "/") for url in urls), (host, urls)
    # the embed card links and discovers its oEmbed on the public site too
    card = public.get(f"/embed/statements/{ids['statement']}", headers={"Host": "attacker.test"}).text
    assert "attacker.test" not in card and PUBLIC in card
    # oEmbed accepts this site's URLs (with the path prefix) and no other
    for url, status in [(f"{PUBLIC}/statements/{ids['statement']}", 200),
                        (f"{PUBLIC}/quotes/{ids['statement']}", 200),
                        (f"http://attacker.test/statements/{ids['statement']}", 404),
                        (f"https://quotes.example.org/statements/{ids['statement']}", 404)]:
        assert public.get("/oembed", params={"url": url}).status_code == status, url


@pytest.mark.parametrize(("host", "status"), [
    ("testserver", 200), ("127.0.0.1:8000", 200), ("localhost", 200), ("[::1]:8000", 200),
    ("attacker.test", 400), ("testserver.attacker.test", 400), ("", 400), ("127.0.0.1:8000@attacker.test", 400),
    ("attacker.test/x", 400), ("testserver:80:80", 400), ("test server", 400),
])
def test_without_a_public_url_only_allowed_hosts_are_served(seeded_client: TestClient, host: str,
                                                            status: int) -> None:
    response = seeded_client.get("/statements", headers={"Host": host})
    assert response.status_code == status, response.text
    if status == 400:
        body = response.json()
        assert body["type"] == "/problems/untrusted-host" and (not host or host not in response.text)
        assert seeded_client.get(body["type"]).status_code == 200  # the type resolves
    # the health check answers a balancer or orchestrator probing by IP address
    assert seeded_client.get("/healthz", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(("patterns", "host", "allowed"), [
    (["example.org"], "example.org", True), (["example.org"], "EXAMPLE.org:443", True),
    (["example.org"], "api.example.org", False), (["*.example.org"], "api.example.org", True),
    (["*.example.org"], "example.org", False), (["*.example.org"], "evilexample.org", False),
    (["*"], "anything", True), (["::1"], "[::1]:8000", True), (["example.org"], "example.org.", True),
])
def test_host_patterns(patterns: list[str], host: str, allowed: bool) -> None:
    policy = HostPolicy(patterns)
    assert policy.any or policy.allows(host) == allowed


def _host_scope(host: bytes) -> dict[str, Any]:
    return {"type": "http", "path": "/statements", "headers": [(b"host", host)]}


def test_host_verdicts_are_remembered_within_a_bound() -> None:
    """Each Host value is judged once; a flood of distinct values cannot grow the memory."""
    policy = HostPolicy(["example.org"])
    for n in range(VERDICTS_KEPT * 3):
        assert not policy.admits(_host_scope(f"evil{n}.org".encode()))
        assert len(policy._verdicts) <= VERDICTS_KEPT
    for _ in range(2):  # judged, then remembered: the same answer both times
        assert policy.admits(_host_scope(b"example.org:8000"))
        assert not policy.admits(_host_scope(b"example.org@evil.org"))
        assert not policy.admits(_host_scope(b""))


def test_default_hosts_are_the_public_url_and_loopback() -> None:
    assert Settings(public_url=PUBLIC, allowed_hosts=None).trusted_hosts[0] == "quotes.example.org"
    assert "example.org" not in Settings(allowed_hosts=None).trusted_hosts


ITEM_ROUTES = ["/documents/{doc}", "/statements/{statement}", "/quotes/{statement}", "/speakers/{speaker}",
               "/declarations/{decl}", "/clauses/{clause}", "/healthz", "/embed/statements/{statement}"]


@pytest.mark.parametrize("route", ITEM_ROUTES)
def test_item_routes_reject_unknown_parameters_like_lists(seeded_client: TestClient, ids: dict[str, Any],
                                                          route: str) -> None:
    url = route.format(**ids)
    assert seeded_client.get(url).status_code == 200
    item = seeded_client.get(url, params={"fromat": "csv"})
    listed = seeded_client.get("/statements", params={"fromat": "csv"})
    assert item.status_code == listed.status_code == 422, item.text
    assert item.json()["type"] == listed.json()["type"] == "/problems/validation-error"
    assert item.json()["errors"] == listed.json()["errors"]


def test_oembed_ignores_what_consumers_add(seeded_client: TestClient, ids: dict[str, Any]) -> None:
    url = f"http://testserver/statements/{ids['statement']}"
    assert seeded_client.get("/oembed", params={"url": url, "dnt": "1"}).status_code == 200


@pytest.mark.parametrize(("url", "where", "name"), [
    ("/speakers/%00", "path", "id_or_slug"), ("/speakers/a%00b/statements", "path", "id_or_slug"),
    ("/speakers?q=%00", "query", "q"), ("/statements?speaker=x%00", "query", "speaker"),
])
def test_nul_is_reported_where_it_was_sent(seeded_client: TestClient, url: str, where: str, name: str) -> None:
    response = seeded_client.get(url)
    assert response.status_code == 422
    assert [(e["in"], e["name"]) for e in response.json()["errors"]] == [(where, name)]


TEXTS = [
    '"We are ready," the Kremlin said. The Kremlin noted that the talks were useful.',
    'Anna Berg said that the bridge will open. "It will," Tom Okafor added.',
    "According to the ministry, the plan is final. Anna Berg said that it is not.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_write_answer_lists_every_speaker_of_its_statements(writable: TestClient, text: str) -> None:
    """An organisation quoted without a person mention ("the Kremlin said") was left out."""
    written = writable.post("/documents", headers=AUTH, json={"text": text})
    assert written.status_code == 201, written.text
    body = written.json()
    statements = writable.get(f"/documents/{body['id']}/statements").json()["items"]
    quoted = {s["speaker"]["id"] for s in statements if s["speaker"]}
    listed = {s["id"] for s in body["speakers"]}
    assert quoted <= listed, (quoted, body["speakers"])
    assert body["speaker_count"] == len(body["speakers"])
