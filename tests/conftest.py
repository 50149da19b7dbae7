"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

- ``backend``: "sqlite" or "postgresql" (session-scoped parameter, so each backend's
  session fixtures are built once).
- ``database_url``: an empty, unmigrated database for one test (a SQLite file in
  ``tmp_path``; on PostgreSQL a fresh schema in this session's ``verbatim_test_<random>``
  database, selected by ``search_path`` in the URL).
- ``seeded_database_url``: one database per backend per session, migrated and ingested
  from ``seeds/`` with the real extractor. Shared: treat it as read-only.
- ``override_env``: set ``VERBATIM_*`` variables for one test, with the settings and
  engine caches cleared before and after.
- ``verbatim_server``: a context manager that runs a real ``verbatim serve`` process on a
  free port against a database and yields its base URL (end-to-end and browser tests).

PostgreSQL is ``VERBATIM_TEST_POSTGRES_URL`` (default: postgres@127.0.0.1:5432/test,
used only as the maintenance database). Without a server its tests are skipped with the
reason, unless ``CI`` is set: in CI an unreachable server is an error.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
VERBATIM = Path(sys.executable).with_name("verbatim")
SERVER_STARTUP_SECONDS = 60
BACKENDS = ["sqlite", "postgresql"]
# Starlette's TestClient sends "Host: testserver"; the app answers only hosts it is told to
# trust (VERBATIM_ALLOWED_HOSTS), so tests allow it with the loopback names a server uses.
os.environ.setdefault("VERBATIM_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,::1")
POSTGRES_URL = os.environ.get(
    "VERBATIM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


class PostgresDatabases:
    """One throw-away database per session; each test database is a fresh schema in it.

    Schemas are cheap to create, and dropping one database at the end avoids a
    checkpoint per test. The schema is selected by ``search_path`` in the URL, so the
    URL works unchanged in subprocesses (``verbatim serve``, ``alembic``).
    """

    def __init__(self, maintenance_url: str) -> None:
        self.url: URL = make_url(maintenance_url)
        self.name = f"verbatim_test_{secrets.token_hex(4)}"
        self.schemas = 0
        self._admin: Engine | None = None
        self._database: Engine | None = None

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(
                self.url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
            )
        return self._admin

    def problem(self) -> str | None:
        """Why the server cannot be used, or None."""
        try:
            with self.admin().connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to connect means "no usable server"
            return str(exc).strip().splitlines()[0]
        return None

    def create(self) -> str:
        """A URL whose default schema is new and empty."""
        if self._database is None:
            with self.admin().connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
            self._database = create_engine(self.url.set(database=self.name), isolation_level="AUTOCOMMIT")
        self.schemas += 1
        schema = f"t{self.schemas}"
        with self._database.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = self.url.set(database=self.name).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._database is not None:
            self._database.dispose()
            with self.admin().connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        if self._admin is not None:
            self._admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """The PostgreSQL server (skipped when unreachable outside CI)."""
    databases = PostgresDatabases(POSTGRES_URL)
    problem = databases.problem()
    where = databases.url.render_as_string(hide_password=True)
    if problem:
        if in_ci():
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {where}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {where} ({problem}); set VERBATIM_TEST_POSTGRES_URL")
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database of the current backend for this test only."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'verbatim.db'}"
    return request.getfixturevalue("postgres").create()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on ``database_url``, migrated to the newest schema; disposed after the test."""
    from app.db import make_engine
    from app.migrate import migrate

    migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeded_database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    """A database migrated and ingested from ``seeds/`` (shared by the session: read-only)."""
    from app.ingest import ingest_paths

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'seeded.db'}"
    else:
        url = request.getfixturevalue("postgres").create()
    summary = ingest_paths([SEEDS], database_url=url)
    assert not summary.failed, f"seed ingestion failed: {summary.failed}"
    return url


def clear_caches() -> None:
    """Forget the cached settings and engine so the next use reads the environment again."""
    from app.config import get_settings
    from app.db import get_engine

    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def override_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """``override_env(database_url=..., api_keys="k1,k2")`` sets ``VERBATIM_*`` for this test.

    Lower-case names get the ``VERBATIM_`` prefix; upper-case names are used as given;
    ``None`` unsets a variable.
    """

    def apply(**values: str | None) -> None:
        for key, value in values.items():
            name = key if key.isupper() else f"VERBATIM_{key.upper()}"
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        clear_caches()

    yield apply
    clear_caches()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(database_url: str, log: Path, *serve_args: str, ready: int = 200, **env: str) -> Iterator[str]:
    """Run ``verbatim serve`` (a real uvicorn process) until the block ends; yield its base URL.

    Waits for ``/healthz`` to answer ``ready`` (503 for a server whose database is down) so
    tests never race the start-up, fails with the server's log when it exits or does not
    answer, and stops it with Ctrl-C (graceful) then SIGKILL. ``serve_args`` are extra
    options (``--no-migrate``).
    """
    port = free_port()
    environment = {**os.environ, "VERBATIM_DATABASE_URL": database_url, **env}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(VERBATIM), "serve", "--host", "127.0.0.1", "--port", str(port), *serve_args],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"verbatim serve exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == ready:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"verbatim serve did not answer /healthz in {SERVER_STARTUP_SECONDS}s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def verbatim_server() -> Callable[..., contextlib.AbstractContextManager[str]]:
    """``with verbatim_server(url, log_path, VERBATIM_X="y") as base_url: ...``"""
    return running_server
