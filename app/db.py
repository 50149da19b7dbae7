"""Database engine and sessions.

SQLite gets WAL (readers never block the single writer), foreign keys (so deletes
cascade) and a busy timeout (writers wait instead of failing) on every connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated

import orjson
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from app.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_POOL_SIZE = 40
# JSON columns (a quote's ``fragments``) are read on every page: orjson parses them several
# times faster than the standard library, which was a third of a page's row decoding
READ_JSON = {"json_deserializer": orjson.loads}


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Build an engine for ``url``, with the SQLite pragmas applied where relevant."""
    if url.startswith("sqlite"):
        # one connection per threadpool thread (anyio's default limit is 40): a request or an
        # export stream never waits for a connection another thread cannot give back
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=0,
            **READ_JSON,
        )
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **READ_JSON)


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one session per request, on the app's own engine when it has one
    (``create_app`` sets ``app.state.engine``, so each app can serve its own database)."""
    engine = getattr(request.app.state, "engine", None) or get_engine()
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
