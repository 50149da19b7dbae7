"""Cursors are signed with a per-deployment secret: a client, or another deployment, cannot
mint one; every worker and replica of one database accepts the others' cursors.

(Hostile cursor *contents* are in test_hostile_params.py::test_invalid_cursors.)
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.cursors import SECRET_NAME, CursorCodec, codec_for
from app.main import create_app


def _client(url: str, **settings: object) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, access_log=False, **settings)),  # type: ignore[arg-type]
                      raise_server_exceptions=False)


def _cursor(page: dict) -> str:  # type: ignore[type-arg]
    return dict(parse_qsl(urlsplit(page["next"]).query))["cursor"]


@pytest.fixture
def apps(seeded_database_url: str) -> Iterator[list[TestClient]]:
    """Two independent apps on the same database: two workers, or two replicas."""
    clients = [_client(seeded_database_url), _client(seeded_database_url)]
    yield clients
    for client in clients:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_the_secret_is_generated_once_per_database(seeded_database_url: str) -> None:
    engine = create_engine(seeded_database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT value FROM setting WHERE name = :n"), {"n": SECRET_NAME}).all()
    finally:
        engine.dispose()
    assert len(rows) == 1 and len(rows[0][0]) >= 32


def test_workers_of_one_database_accept_each_others_cursors(apps: list[TestClient]) -> None:
    first, second = apps
    page = first.get("/statements", params={"limit": 2, "sort": "-confidence"}).json()
    following = second.get(page["next"])
    assert following.status_code == 200
    assert following.json()["items"][0]["id"] not in {s["id"] for s in page["items"]}
    search = first.get("/search", params={"q": "cooperation", "limit": 1}).json()
    assert search["next"] and second.get(search["next"]).status_code == 200


@pytest.mark.parametrize("path", ["/statements?limit=1", "/statements?limit=1&sort=-published_at",
                                  "/speakers?limit=1&sort=name", "/clauses?limit=1&sort=ordinal",
                                  "/search?q=cooperation&limit=1"])
def test_another_deployment_cannot_page_this_one(seeded_database_url: str, apps: list[TestClient],
                                                 path: str) -> None:
    """A configured VERBATIM_SECRET_KEY replaces the stored one: cursors of the other are
    forgeries to it, and a codec with any other secret mints only forgeries."""
    stored = apps[0].get(path).json()
    configured = _client(seeded_database_url, secret_key="a-configured-secret-of-32-chars!!")
    try:
        mine = configured.get(path).json()
        assert _cursor(mine) != _cursor(stored)
        assert configured.get(mine["next"]).status_code == 200
        values = codec_for(configured.app.state).decode(_cursor(mine))  # type: ignore[attr-defined]
        for forged in (_cursor(stored), CursorCodec("a guess at the secret").encode(*values)):
            response = configured.get(f"{path}&cursor={forged}")  # base64url and "." need no quoting
            assert response.status_code == 400 and response.json()["type"] == "/problems/invalid-cursor"
    finally:
        configured.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_a_short_configured_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        Settings(secret_key="short")


def test_a_deleted_secret_row_is_recreated(database_url: str) -> None:
    """The app recreates the row (an operator cleared the table, a restore without it)."""
    from app.migrate import migrate

    migrate(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM setting"))
    client = _client(database_url)
    try:
        for _ in range(3):  # three workers starting on the emptied table
            if hasattr(client.app.state, "cursor_codec"):  # type: ignore[attr-defined]
                del client.app.state.cursor_codec  # type: ignore[attr-defined]
            assert client.get("/statements").status_code == 200
        with engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM setting")).scalar_one() == 1
    finally:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        engine.dispose()
