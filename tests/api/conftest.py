"""API test fixtures: an app and client per seeded database (``seeded_database_url`` from
``tests/conftest.py``: migrated and ingested from ``seeds/`` on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


@pytest.fixture(scope="module")
def module_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    """An empty database of the current backend for one test module (its own data set)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('module') / 'module.db'}"
    return str(request.getfixturevalue("postgres").create())


@pytest.fixture(scope="session")
def client(seeded_database_url: str) -> Iterator[TestClient]:
    """A client of an app bound to the seeded database of the current backend."""
    app = create_app(Settings(database_url=seeded_database_url, cors_origins=["https://example.org"]))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def ids(client: TestClient) -> dict[str, int]:
    """Ids of the seed's rows (they depend on the backend's sequences), for URL templates."""
    speakers = {s["slug"]: s["id"] for s in client.get("/speakers").json()["items"]}
    statements = client.get("/statements?limit=1000").json()["items"]
    indirect = next(s["id"] for s in statements if s["kind"] == "indirect")
    direct = next(s["id"] for s in statements if s["kind"] == "direct")
    return {
        "doc": client.get("/documents").json()["items"][0]["id"],
        "aliyev": speakers["ilham-aliyev"],
        "putin": speakers["vladimir-putin"],
        "decl": client.get("/declarations").json()["items"][0]["id"],
        "clause": client.get("/clauses").json()["items"][0]["id"],
        "direct": direct,
        "indirect": indirect,
    }
