"""Performance-shaped regressions: things a benchmark found, pinned so they stay fixed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.main import create_app
from app.migrate import migrate


def test_reading_workers_do_not_import_spacy() -> None:
    """spaCy costs ~57 MB per worker; only extraction needs it, so app.main must not load it."""
    code = "import app.main, sys; assert 'spacy' not in sys.modules, 'spacy imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


ROOT = Path(__file__).resolve().parents[2]
KEY = "perf-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
BOTH = ("Ilham Aliyev met Vladimir Putin. Vladimir Putin said that the meeting was useful. "
        '"We agreed on everything," Ilham Aliyev told reporters.')
THIRD = '"Talks will continue next week," Vladimir Putin said.'
OTHER = '"The bridge opens in May," Ilham Aliyev said. Vladimir Putin said that he would come.'


@pytest.fixture
def writable(database_url: str) -> Iterator[TestClient]:
    """A client with an API key on an empty migrated database of this test."""
    migrate(database_url)
    app = create_app(Settings(database_url=database_url, api_keys=[KEY], access_log=False))
    with TestClient(app) as client:
        yield client


def _post(client: TestClient, text: str) -> dict:  # type: ignore[type-arg]
    response = client.post("/documents", content=text, headers={**AUTH, "content-type": "text/plain"})
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_export_etag_changes_on_insert_delete_and_reextract(writable: TestClient, database_url: str) -> None:
    """The cheap data version (max ids + document count) must still see every change.

    Ids are never reused, so an insert raises a max id; deleting a document lowers the
    document count; re-extraction rewrites the document's mentions under new ids.
    """
    url = "/statements?format=csv"
    seen: list[tuple[str, bytes]] = []

    def snapshot() -> str:
        response = writable.get(url)
        seen.append((response.headers["etag"], response.content))
        return response.headers["etag"]

    first = _post(writable, BOTH)
    second = _post(writable, OTHER)
    tags = [snapshot()]
    engine = create_engine(database_url)
    with engine.begin() as connection:  # what an older extractor might have stored for the first
        connection.execute(text("UPDATE statement SET speaker_id = NULL WHERE document_id = :id"), {"id": first["id"]})
    engine.dispose()
    assert writable.post(f"/documents/{first['id']}/reextract", headers=AUTH).status_code == 200
    tags.append(snapshot())
    _post(writable, THIRD)
    tags.append(snapshot())
    assert writable.delete(f"/documents/{second['id']}", headers=AUTH).status_code in (200, 204)
    tags.append(snapshot())
    assert len(set(tags)) == len(tags), tags
    assert snapshot() == tags[-1]  # and it stays put while nothing changes
    for tag, body in seen:  # never one tag for two different bodies
        assert all(body == other for other_tag, other in seen if other_tag == tag)


def test_total_is_capped(writable: TestClient) -> None:
    """Above VERBATIM_TOTAL_CAP matching rows, ``total`` is null; at or below, exact."""
    _post(writable, BOTH)
    exact = writable.get("/statements").json()["total"]
    assert exact and exact >= 2
    writable.app.state.settings.total_cap = exact  # type: ignore[attr-defined]
    assert writable.get("/statements").json()["total"] == exact
    writable.app.state.settings.total_cap = exact - 1  # type: ignore[attr-defined]
    page = writable.get("/statements?limit=1").json()
    assert page["total"] is None and page["next"]
    writable.app.state.settings.total_cap = 0  # type: ignore[attr-defined]  # 0: always exact
    assert writable.get("/statements").json()["total"] == exact


def test_speaker_filter_resolves_names_slugs_and_aliases(client: TestClient, ids: dict[str, int]) -> None:
    """Literal-id resolution finds the same rows as the nested list, by every kind of reference."""
    nested = client.get(f"/speakers/{ids['aliyev']}/statements?limit=1000").json()["items"]
    assert nested
    for ref in (str(ids["aliyev"]), "ilham-aliyev", "Ilham Aliyev", "ILHAM ALIYEV"):
        page = client.get("/statements", params={"speaker": ref, "limit": 1000}).json()
        assert [s["id"] for s in page["items"]] == [s["id"] for s in nested], ref
    nobody = client.get("/statements", params={"speaker": "nobody at all"}).json()
    assert nobody["items"] == [] and nobody["total"] == 0


def test_speaker_filter_is_a_literal_id_list() -> None:
    """The statement query names the ids, not a subquery the planner cannot see through; the
    ids are looked up in the statement-speaker link table (a joint statement has several)."""
    from sqlalchemy.dialects import postgresql

    from app.api.statements import STATEMENTS as resource

    class FakeSession:
        info: dict[str, Any] = {}

        def connection(self) -> FakeSession:
            return self

        def execute(self, _stmt: object, _params: object = None) -> Any:
            class Rows:
                def all(self) -> list[tuple[int, int, int]]:
                    return [(7, 12, 3)]  # (speaker id, statement_count, quote_count)

            return Rows()

    (condition,) = resource.conditions({"speaker": "anyone"}, FakeSession())  # type: ignore[arg-type]
    sql = str(condition.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    assert " ".join(sql.split()) == ("statement.id IN (SELECT statement_speaker.statement_id FROM statement_speaker "
                                     "WHERE statement_speaker.speaker_id = 7)")


def test_speaker_condition_is_compiled_once(client: TestClient) -> None:
    """A statement holding a speaker's link condition is cached like any other: the ids are
    bound parameters of one cache key, so a cached statement must run with each request's own
    ids (a sort the link table's index cannot give reads through the condition)."""
    from sqlalchemy import select

    from app.api.statements import SPEAKER_LINK
    from app.models import Statement
    from app.queries import Linked

    def keyed(ids: list[int]) -> Any:
        return select(Statement.__table__.c.id).where(Linked(SPEAKER_LINK, ids))._generate_cache_key()

    assert keyed([1]) is not None and keyed([1]) == keyed([2]) and keyed([1, 2]) == keyed([3, 4])
    linked = Linked(SPEAKER_LINK, [1])
    before = select(Statement.id).where(linked)._generate_cache_key()
    select(Statement.id).where(linked).compile()  # an ORM compile must not change the key: no second compile
    assert select(Statement.id).where(linked)._generate_cache_key() == before
    speakers = client.get("/speakers?sort=-statement_count&limit=4").json()["items"]
    for speaker in speakers:
        expected = sorted(s["id"] for s in client.get(f"/speakers/{speaker['id']}/statements?limit=1000").json()["items"])
        for sort in ("-confidence", "start_char"):
            page = client.get("/statements", params={"speaker": speaker["slug"], "sort": sort, "limit": 1000}).json()
            assert sorted(s["id"] for s in page["items"]) == expected, (speaker["slug"], sort)


def _generate(database_url: str, statements: int) -> None:
    """Fill ``database_url`` with bench/generate.py's synthetic corpus."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    module.generate(database_url, statements, seed=3, chunk_docs=50, batch=500, analyze=False)


def test_concurrent_exports_all_complete(database_url: str, tmp_path: Path, verbatim_server) -> None:
    """16 concurrent CSV exports on one worker used to exhaust the pool and hang it: each held
    its request's connection while its stream waited for a second one."""
    _generate(database_url, 5000)
    with verbatim_server(database_url, tmp_path / "serve.log", VERBATIM_ACCESS_LOG="false") as base:

        def export(_: int) -> tuple[int, int]:
            response = httpx.get(f"{base}/statements?format=csv", timeout=25)
            return response.status_code, response.text.count("\n")

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(export, range(16)))
    assert results == [(200, 5001)] * 16


def test_an_export_needs_one_connection_at_a_time(seeded_database_url: str) -> None:
    """With a pool of one, an export that kept its request's connection while streaming on
    a second would wait for itself (the deadlock behind hung workers under 8+ exports)."""
    app = create_app(Settings(database_url=seeded_database_url, access_log=False))
    app.state.engine.dispose()
    app.state.engine = create_engine(seeded_database_url, pool_size=1, max_overflow=0, pool_timeout=3,
                                     **_connect_args(seeded_database_url))
    with TestClient(app) as client:
        response = client.get("/statements?format=csv")
    app.state.engine.dispose()
    assert response.status_code == 200 and response.text.count("\n") > 1


def _connect_args(url: str) -> dict:  # type: ignore[type-arg]
    return {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}


@pytest.mark.parametrize("sort", ["published_at", "-published_at"])
def test_keyset_pages_of_a_nullable_sort_match_one_query(database_url: str, sort: str) -> None:
    """Walking pages with the index-friendly keyset (values, then the null block) yields the
    rows of one sorted query, on data with published dates, ties and nulls."""
    from sqlmodel import Session

    from app.api.statements import STATEMENTS
    from app.db import make_engine
    from app.models import Statement
    from app.queries import fetch_page, key_of, parse_sort

    _generate(database_url, 600)
    engine = make_engine(database_url)
    with engine.begin() as connection:  # ties and a null block big enough to span pages
        connection.execute(text("UPDATE statement SET published_at = NULL WHERE id % 9 = 0"))
        connection.execute(text("UPDATE statement SET published_at = (SELECT MIN(published_at) FROM statement) "
                                "WHERE id % 7 = 0"))
    order = parse_sort(STATEMENTS, sort)
    with Session(engine) as session:
        everything = [s.id for s in fetch_page(session, STATEMENTS, conditions=[], sort=order, start=None, limit=10_000)]
        walked: list[int] = []
        start = None
        while True:
            rows = fetch_page(session, STATEMENTS, conditions=[Statement.kind != "none"], sort=order,
                              start=start, limit=13)
            walked += [row.id for row in rows]
            if len(rows) < 13:
                break
            start = key_of(rows[-1], order)
    engine.dispose()
    assert len(everything) == 600 and walked == everything


def test_total_of_one_speaker_or_document_is_exact_beyond_the_cap(writable: TestClient) -> None:
    """Filtered by a speaker or a document only, ``total`` comes from the denormalised
    counters: exact (and O(1)) however many rows match, where the capped count gives null."""
    doc = _post(writable, BOTH)
    writable.app.state.settings.total_cap = 1  # type: ignore[attr-defined]
    for path in ("/statements", "/quotes"):
        for query in ({"speaker": "Ilham Aliyev"}, {"speaker": "vladimir-putin"}, {"document_id": doc["id"]}):
            page = writable.get(path, params={**query, "limit": 1000}).json()
            assert page["total"] == len(page["items"]), (path, query)
        assert writable.get(path, params={"speaker": "nobody"}).json()["total"] == 0
        assert writable.get(path, params={"document_id": 999_999}).json()["total"] == 0
    both = writable.get("/statements", params={"speaker": "Ilham Aliyev", "kind": "direct"}).json()
    assert both["total"] is None or both["total"] <= 1  # two filters: the capped count


@pytest.mark.parametrize("path", [
    "/speakers/ilham-aliyev/statements", "/speakers/ilham-aliyev/quotes",
    "/speakers/vladimir-putin/statements", "/speakers/vladimir-putin/quotes",
    "/documents/{doc}/statements",
])
def test_total_of_a_nested_list_is_exact_beyond_the_cap(writable: TestClient, path: str) -> None:
    """A nested list is its flat filter: ``total`` from the parent's counters, exact beyond the
    cap; another filter on top falls back to the capped count."""
    doc = _post(writable, BOTH)
    writable.app.state.settings.total_cap = 1  # type: ignore[attr-defined]
    url = path.format(doc=doc["id"])
    page = writable.get(url, params={"limit": 1000}).json()
    assert page["total"] == len(page["items"]), url
    both = writable.get(url, params={"kind": "direct"}).json()
    assert both["total"] is None or both["total"] <= 1, url


def test_80_concurrent_search_exports_all_complete(database_url: str, tmp_path: Path, verbatim_server) -> None:
    """/search?format=csv kept its request's connection while streaming (its export was a copy
    of the lists' without the early close): 3 of 80 concurrent exports answered. Search and
    lists now share one export path; both must answer all 80, with the same rows each time."""
    _generate(database_url, 5000)
    with verbatim_server(database_url, tmp_path / "serve.log", VERBATIM_ACCESS_LOG="false",
                         VERBATIM_REQUEST_TIMEOUT_SECONDS="0") as base:
        for path in ("/search?q=support&format=csv", "/statements?q=support&format=csv",
                     "/search?q=support&format=ndjson"):

            def export(_: int, path: str = path) -> tuple[int, int]:
                response = httpx.get(f"{base}{path}", timeout=120)
                return response.status_code, response.text.count("\n")

            with ThreadPoolExecutor(80) as pool:
                results = list(pool.map(export, range(80)))
            assert {status for status, _ in results} == {200}, (path, results)
            assert len({lines for _, lines in results}) == 1 and results[0][1] > 100, (path, results[:3])


@pytest.mark.parametrize("path", ["/search?q=cooperation&format=csv", "/search?q=cooperation&format=ndjson"])
def test_a_search_export_needs_one_connection_at_a_time(seeded_database_url: str, path: str) -> None:
    """With a pool of one, an export that kept its request's connection would wait for itself."""
    app = create_app(Settings(database_url=seeded_database_url, access_log=False))
    app.state.engine.dispose()
    app.state.engine = create_engine(seeded_database_url, pool_size=1, max_overflow=0, pool_timeout=3,
                                     **_connect_args(seeded_database_url))
    with TestClient(app) as client:
        response = client.get(path)
    app.state.engine.dispose()
    assert response.status_code == 200 and response.text.count("\n") > 1
