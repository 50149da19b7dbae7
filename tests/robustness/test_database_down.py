"""A database that is down, unreachable or unreadable is a 503 problem on every route (as
``/healthz`` always was), never a 500: the client learns to retry, the operator to look.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.migrate import migrate
from robust_db import AUTH, KEY

READS = ["/documents", "/documents/1", "/documents/1/statements", "/statements", "/statements/1",
         "/statements?format=csv", "/statements?format=ndjson", "/quotes", "/quotes/1", "/speakers",
         "/speakers/1", "/speakers/some-slug", "/speakers/1/statements", "/speakers/1/quotes",
         "/declarations", "/declarations/1", "/declarations/1/clauses", "/clauses", "/clauses/1",
         "/search?q=bridge", "/search?q=bridge&format=csv", "/statements?facet=speaker", "/healthz",
         "/embed/statements/1", "/oembed?url={base}/statements/1", "/", "/browse/speakers/1"]
WRITES = [("DELETE", "/documents/1"), ("POST", "/documents/1/reextract")]


def assert_unavailable(response: httpx.Response, what: str) -> None:
    assert response.status_code == 503, (what, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/problem+json"), what
    body = response.json()
    assert body["type"] == "/problems/unavailable" and body["status"] == 503, (what, body)
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower(), what


def test_sqlite_made_unreadable_mid_run(tmp_path: Path) -> None:
    """The database's folder disappears under a running app (a lost volume): new connections
    cannot open the file."""
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'verbatim.db'}"
    migrate(url)
    app = create_app(Settings(database_url=url, api_keys=[KEY], access_log=False, cors_origins=["*"],
                              allowed_hosts=["testserver", "127.0.0.1"]))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/statements").status_code == 200
        shutil.move(str(folder), str(tmp_path / "moved"))
        app.state.engine.dispose()  # pooled connections would keep the unlinked file open,
        app.state.point_reads.close()  # and so would the loop's own (app.point_reads)
        for path in READS:
            assert_unavailable(client.get(path.format(base="http://testserver")), path)
        for method, path in WRITES:
            assert_unavailable(client.request(method, path, headers=AUTH), f"{method} {path}")
        response = client.get("/statements")
        assert response.headers.get("retry-after", "").isdigit()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable_server(request: pytest.FixtureRequest, tmp_path: Path, verbatim_server: Callable) -> Iterator[str]:
    """A real ``verbatim serve`` whose database cannot be reached: PostgreSQL on a port where
    nothing listens, or a SQLite file in a folder that does not exist."""
    if request.param == "postgresql":
        url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/verbatim?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path / 'missing' / 'verbatim.db'}"
    with verbatim_server(url, tmp_path / "serve.log", "--no-migrate", ready=503,
                         VERBATIM_API_KEYS=KEY, VERBATIM_ACCESS_LOG="false") as base:
        yield base


def test_every_route_is_a_503_when_the_database_is_unreachable(unreachable_server: str) -> None:
    with httpx.Client(base_url=unreachable_server, timeout=30) as client:
        for path in READS:
            assert_unavailable(client.get(path.format(base=unreachable_server)), path)
        for method, path in WRITES:
            assert_unavailable(client.request(method, path, headers=AUTH), f"{method} {path}")
        posted = client.post("/documents", headers=AUTH, json={"text": "The mayor said that the bridge will open."})
        assert posted.status_code == 503, posted.text  # the model may be missing too: 503 either way
