"""Run the Alembic migrations from code: the application never calls ``create_all``.

The migration scripts live in ``migrations/`` next to the package in a checkout (an
editable install), or in the working directory (the Docker image copies them to /app);
``VERBATIM_MIGRATIONS_DIR`` overrides both.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app.config import get_settings


# Full-text search objects (app.search) are raw SQL in their own migrations, not models:
# FTS5 tables with their shadow tables on SQLite; on PostgreSQL the generated ``text_fts``
# tsvector columns and the GIN indexes (migrations 0002, 0004).
SEARCH_OBJECT = re.compile(r"^(ix_)?[a-z0-9_]+_fts(_(data|idx|docsize|config|content))?$")
# PostgreSQL-only indexes of raw-SQL migrations that a model cannot declare for one backend
# (SQLite has no NULLS LAST in an index). Migration 0004.
POSTGRES_ONLY_INDEXES = frozenset({"ix_statement_published_at_desc"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate hook: compare everything the models own, ignore the search index."""
    if not (reflected and compare_to is None and name):
        return True
    return not (SEARCH_OBJECT.match(name) or (type_ == "index" and name in POSTGRES_ONLY_INDEXES))


class MigrationsNotFoundError(RuntimeError):
    """The ``migrations/`` folder could not be located."""


def migrations_dir() -> Path:
    """Where the Alembic scripts are, trying the override, the checkout, then the cwd."""
    candidates = []
    if override := os.environ.get("VERBATIM_MIGRATIONS_DIR"):
        candidates.append(Path(override))
    candidates.append(Path(__file__).resolve().parent.parent / "migrations")
    candidates.append(Path.cwd() / "migrations")
    for path in candidates:
        if (path / "env.py").is_file():
            return path
    searched = ", ".join(str(p) for p in candidates)
    raise MigrationsNotFoundError(
        f"Alembic migrations not found (looked in {searched}); "
        "run from the repository root or set VERBATIM_MIGRATIONS_DIR"
    )


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our scripts and at ``url`` (default: the settings)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser treats % as interpolation; URLs may contain %-escapes (passwords).
    config.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return config


MIGRATION_LOCK_KEY = 0x76626D67  # "vbmg"


@contextlib.contextmanager
def _postgres_lock(database_url: str) -> Iterator[None]:
    """A session-level advisory lock held for the whole upgrade."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()


@contextlib.contextmanager
def _sqlite_lock(database: str | None) -> Iterator[None]:
    """An exclusive lock on ``<database file>.migrate.lock`` held for the whole upgrade.

    SQLite's own write lock is not enough: Python's sqlite3 commits each DDL statement on
    its own, so two processes creating a fresh file would both try to create the tables.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate.lock")
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (idempotent).

    Concurrent callers (N processes or machines starting ``verbatim ingest`` on a fresh
    database) migrate one after the other: the first upgrades, the others then find the
    schema at head. PostgreSQL uses an advisory lock, SQLite a lock file beside the database.
    """
    config = alembic_config(url)
    database_url = config.get_main_option("sqlalchemy.url", "").replace("%%", "%")
    if database_url.startswith("postgresql"):
        lock = _postgres_lock(database_url)
    else:
        lock = _sqlite_lock(make_url(database_url).database)
    with lock:
        command.upgrade(config, revision)
