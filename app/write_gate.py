"""A request's write either commits or is abandoned, never both.

A request that times out gets a 504 while its work may still be running in a thread
(threads cannot be stopped); without a decision point, the write could commit after the
client was told it failed. The timeout middleware puts a :class:`WriteGate` in every
request's scope. Before it answers 504 it calls :meth:`WriteGate.abandon`; a write calls
:meth:`WriteGate.begin_commit` just before committing. Whichever comes first wins: an
abandoned write rolls back, and a timeout that finds a commit under way waits for the
real answer instead of answering 504.
"""

from __future__ import annotations

import threading

from starlette.types import Scope

SCOPE_KEY = "verbatim.write_gate"


class WriteGate:
    """Open until either a commit begins or the request is abandoned."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "open"

    def abandon(self) -> bool:
        """Give the request up; False when a commit has already begun (wait for it)."""
        with self._lock:
            if self._state == "open":
                self._state = "abandoned"
            return self._state == "abandoned"

    def begin_commit(self) -> bool:
        """May the write commit? False once the request has been abandoned."""
        with self._lock:
            if self._state == "open":
                self._state = "committing"
            return self._state == "committing"

    def abandoned(self) -> bool:
        with self._lock:
            return self._state == "abandoned"


def gate_of(scope: Scope) -> WriteGate:
    """The request's gate (a fresh one, never abandoned, when no middleware set one)."""
    gate = scope.get(SCOPE_KEY)
    if gate is None:
        gate = scope[SCOPE_KEY] = WriteGate()
    return gate  # type: ignore[no-any-return]
