"""Item lookups run on the event loop's own SQLite connection (app.point_reads): they never
wait there for a lock, never write, and leave lists and every PostgreSQL read to the lanes."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.point_reads import PointReads


class _CountingLane:
    """A read lane that counts the reads handed to it."""

    def __init__(self, lane: Any) -> None:
        self.lane, self.reads = lane, 0

    async def run(self, func: Any, *args: Any) -> Any:
        self.reads += 1
        return await self.lane.run(func, *args)


@pytest.fixture
def sqlite_copy(backend: str, seeded_database_url: str, tmp_path: Path) -> Path:
    """A private copy of the seeded SQLite database (these tests lock it)."""
    if backend != "sqlite":
        pytest.skip("point reads are SQLite's")
    path = tmp_path / "copy.db"
    shutil.copy(seeded_database_url.removeprefix("sqlite:///"), path)
    return path


@contextmanager
def _client(url: str, **settings: Any) -> Iterator[tuple[TestClient, _CountingLane]]:
    """A client of an app on ``url`` whose page and item lane counts its reads."""
    app = create_app(Settings(database_url=url, access_log=False, **settings))
    with TestClient(app, base_url="http://localhost") as client:
        lane = app.state.read_lane = _CountingLane(app.state.read_lane)
        yield client, lane


@pytest.fixture
def served(sqlite_copy: Path) -> Iterator[tuple[TestClient, _CountingLane]]:
    with _client(f"sqlite:///{sqlite_copy}") as served_app:
        yield served_app


def test_items_are_read_on_the_loop_and_lists_in_the_lane(served: tuple[TestClient, _CountingLane]) -> None:
    client, lane = served
    listed = client.get("/statements?limit=3").json()["items"]
    assert lane.reads == 1
    for item in listed:
        assert client.get(f"/statements/{item['id']}").json() == item
    assert client.get(f"/speakers/{listed[0]['speaker']['slug']}").status_code == 200
    assert client.get("/statements/999999").status_code == 404
    assert lane.reads == 1


def test_a_locked_database_sends_the_item_to_the_lane(served: tuple[TestClient, _CountingLane],
                                                      sqlite_copy: Path, tmp_path: Path) -> None:
    """The loop's connection gives up at once on a lock (SQLITE_BUSY) and the lane reads instead.

    A WAL database locks its readers out only while a connection holds it in exclusive locking
    mode, which it can only take with no other connection open: here the loop's connection is
    pointed at such a locked copy, while the lane reads the served file."""
    client, lane = served
    expected = client.get("/statements?limit=1").json()["items"][0]
    locked = tmp_path / "locked.db"
    shutil.copy(sqlite_copy, locked)
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    blocked = create_engine("sqlite://", creator=lambda: sqlite3.connect(locked, timeout=0, check_same_thread=False))
    app = client.app
    served_reads, app.state.point_reads = app.state.point_reads, PointReads(blocked.connect())  # type: ignore[attr-defined]
    try:
        answer = client.get(f"/statements/{expected['id']}")
        assert answer.status_code == 200 and answer.json() == expected
        assert lane.reads == 2  # the list, then the item the loop could not read
    finally:
        app.state.point_reads.close()  # type: ignore[attr-defined]
        app.state.point_reads = served_reads  # type: ignore[attr-defined]
        holder.execute("ROLLBACK")
        holder.close()
        blocked.dispose()
    assert client.get(f"/statements/{expected['id']}").json() == expected
    assert lane.reads == 2  # the loop's own connection again


def test_the_loop_connection_cannot_write(sqlite_copy: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_copy}")
    reads = PointReads.open(engine)
    assert reads is not None
    try:
        with pytest.raises(OperationalError, match="readonly"):
            reads.run(lambda session: session.connection().exec_driver_sql("DELETE FROM statement"))
        assert reads.run(lambda session: session.connection().exec_driver_sql("SELECT count(*) FROM statement")
                         .scalar()) > 0
    finally:
        reads.close()
        engine.dispose()
    with sqlite3.connect(sqlite_copy) as check:  # the pool's connections keep their settings
        assert check.execute("PRAGMA query_only").fetchone() == (0,)


def test_postgresql_and_the_setting_off_read_items_in_the_lane(backend: str, seeded_database_url: str,
                                                              tmp_path: Path) -> None:
    url = seeded_database_url
    if backend == "sqlite":  # the setting off
        shutil.copy(url.removeprefix("sqlite:///"), tmp_path / "off.db")
        url = f"sqlite:///{tmp_path / 'off.db'}"
    with _client(url, loop_point_reads=backend != "sqlite") as (client, lane):
        assert client.app.state.point_reads is None  # type: ignore[attr-defined]
        first = client.get("/statements?limit=1").json()["items"][0]
        assert client.get(f"/statements/{first['id']}").json() == first
        assert lane.reads == 2
