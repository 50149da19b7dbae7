"""Point reads (one item by its id or slug) answered on the event loop, on SQLite.

Handing a read to a worker thread and back costs more than an item lookup itself: the hop,
and the GIL handed between the loop and the reader at every row SQLite steps, held an item
to about a fifth of a bare FastAPI endpoint's requests a second. A lookup by primary key or
unique slug in an embedded database is a few page reads, so item routes run it on the loop,
on a connection of the process's own (outside the pool) that never waits: with
``busy_timeout=0`` a lock (a migration, WAL recovery) makes it give up at once and the read
goes to its lane (:mod:`app.read_lanes`) like every other; with ``query_only`` it cannot
write. PostgreSQL reads cross a socket and always go to a lane; ``VERBATIM_LOOP_POINT_READS``
turns this off (a database on a network file system, where a page read may take long).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

T = TypeVar("T")

# SQLite's primary result codes for "another connection holds a lock" (the driver reports
# the extended code, whose low byte is the primary one)
_BUSY, _LOCKED = 5, 6


class PointReadBusy(Exception):
    """The loop's connection met a lock and did not wait: read in a lane instead."""


class PointReads:
    """The event loop's own read-only SQLite connection, and reads run on it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @classmethod
    def open(cls, engine: Engine) -> PointReads | None:
        """The loop's connection to ``engine``'s SQLite database, or None on another database.

        Call it in a worker thread: connecting sets the journal mode, which may wait for a lock.
        """
        if engine.dialect.name != "sqlite":
            return None
        connection = engine.connect()
        connection.detach()  # closed, not pooled, when done: its settings never reach another reader
        try:
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
            connection.exec_driver_sql("PRAGMA query_only=1")
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return cls(connection)

    @property
    def usable(self) -> bool:
        """False once the connection is closed or was invalidated by an error (reconnecting
        would lose its settings, so from then on every read goes to a lane)."""
        return not (self._connection.closed or self._connection.invalidated)

    def run(self, read: Callable[[Session], T]) -> T:
        """``read(session)`` on the loop's connection; :class:`PointReadBusy` when a lock
        stood in its way (a read has no side effects: it is simply run again elsewhere)."""
        with Session(bind=self._connection) as session:
            try:
                return read(session)
            except OperationalError as exc:
                code = getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF
                if code in (_BUSY, _LOCKED):
                    raise PointReadBusy from exc
                raise

    def close(self) -> None:
        self._connection.close()
