"""Fixtures for the robustness tests: writable apps on throw-away databases (both backends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.migrate import migrate

from robust_db import KEY


@pytest.fixture
def writable(database_url: str) -> Iterator[TestClient]:
    """A client of an app with one API key, on an empty migrated database of this test."""
    migrate(database_url)
    app = create_app(Settings(database_url=database_url, api_keys=["another-key", KEY], access_log=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def seeded_client(seeded_database_url: str) -> Iterator[TestClient]:
    """A read-only client of the shared seeded database of the current backend."""
    app = create_app(Settings(database_url=seeded_database_url, access_log=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
