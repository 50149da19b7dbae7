"""``total`` of ``q`` lists (SQLite counts from the FTS5 index, PostgreSQL from the tsvector
index): the same number as the rows the pages hand out, capped as the README says, and
still true after the indexed rows change. The page walk and the count are separate queries,
so each checks the other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.store import ingest_text
from tests.api.test_search import SEED

Q_LISTS = [
    "/statements?q=peace",
    "/statements?q=territorial integrity",
    "/statements?q=sovereign*",
    '/statements?q="territorial integrity"',
    "/statements?q=peace&kind=indirect",
    "/statements?q=peace&sort=-id",
    "/quotes?q=peace",
    "/clauses?q=territorial",
    "/documents?q=Caucasus",
    "/statements?q=zzzunmatched",
]


@pytest.fixture
def seeded_app(seeded_database_url: str) -> Iterator[TestClient]:
    """An app of its own on the seeded database, so its total cap can change per test."""
    app = create_app(Settings(database_url=seeded_database_url, access_log=False))
    with TestClient(app) as client:
        yield client


def _walk(client: TestClient, url: str) -> list[int]:
    """Every id the list hands out, one row a page (no total involved)."""
    ids: list[int] = []
    next_url: str | None = f"{url}&limit=1"
    while next_url:
        page = client.get(next_url).json()
        ids += [item["id"] for item in page["items"]]
        next_url = page["next"]
    return ids


@pytest.mark.parametrize("url", Q_LISTS)
def test_q_total_is_the_number_of_rows_listed(seeded_app: TestClient, url: str) -> None:
    settings: Any = seeded_app.app.state.settings  # type: ignore[attr-defined]
    settings.total_cap = 0  # always exact
    ids = _walk(seeded_app, url)
    assert len(ids) == len(set(ids))
    assert seeded_app.get(url).json()["total"] == len(ids)
    settings.total_cap = max(1, len(ids))
    assert seeded_app.get(url).json()["total"] == len(ids)
    if len(ids) >= 2:
        settings.total_cap = len(ids) - 1
        page = seeded_app.get(f"{url}&limit=1").json()
        assert page["total"] is None and page["next"]


def test_q_lists_match_something(seeded_app: TestClient) -> None:
    """The cases above are not all empty lists (which would agree with any count)."""
    assert sum(1 for url in Q_LISTS if seeded_app.get(url).json()["total"]) >= len(Q_LISTS) - 3


def test_q_total_follows_deletes(database_url: str) -> None:
    """Counted from the index alone, the total still drops when statements go (the triggers
    or the generated column keep the index in step with the table)."""
    from app.migrate import migrate

    migrate(database_url)
    engine = make_engine(database_url)
    app = create_app(Settings(database_url=database_url, access_log=False))
    try:
        with Session(engine) as session, TestClient(app) as client:
            ingest_text(session, SEED, title="Seed")
            listed = len(_walk(client, "/statements?q=peace"))
            assert listed >= 2
            assert client.get("/statements?q=peace").json()["total"] == listed
            session.execute(text("DELETE FROM statement WHERE id = (SELECT min(id) FROM statement "
                                 "WHERE lower(text) LIKE '%peace%')"))
            session.commit()
            assert client.get("/statements?q=peace").json()["total"] == len(_walk(client, "/statements?q=peace"))
            assert client.get("/statements?q=peace").json()["total"] < listed
    finally:
        engine.dispose()


def test_sqlite_q_count_reads_the_index_alone(seeded_database_url: str) -> None:
    """SQLite: a list filtered by ``q`` alone counts FTS5 rows and reads no statement row; with
    another filter, the FTS5 table drives and each of its rows is checked in the table."""
    if not seeded_database_url.startswith("sqlite"):
        pytest.skip("FTS5 is SQLite's index")
    app = create_app(Settings(database_url=seeded_database_url, access_log=False))
    seen: list[str] = []
    with TestClient(app) as client:
        engine = app.state.engine

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            seen.append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get("/statements?q=peace&limit=1").status_code == 200
            alone = [s for s in seen if s.startswith("SELECT count(*)")]
            seen.clear()
            assert client.get("/statements?q=peace&kind=indirect&limit=1").status_code == 200
            filtered = [s for s in seen if s.startswith("SELECT count(*)")]
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert len(alone) == 1 and "FROM statement_fts WHERE statement_fts MATCH" in alone[0], alone
    assert "JOIN statement" not in alone[0] and "FROM statement " not in alone[0], alone
    assert len(filtered) == 1 and "FROM statement_fts JOIN statement ON" in filtered[0], filtered
