"""How many database reads run in worker threads at once, and which wait.

SQLite's driver releases Python's GIL for every row it steps, so each reader thread beyond
the first mostly adds GIL hand-offs (futex calls, twice a row) rather than work: on a list
page, one reader served 55% more pages a second than four (bench/README.md). But one
reader alone would make every page and item wait behind one slow read (a selective filter
sorted on another column reads 0.1-0.6 s at a million statements). A :class:`ReadLane`
therefore admits ``threads`` reads at once, and a read still running after
``SLOW_SECONDS`` stops counting against the lane (up to ``spare`` of them at a time): cheap
reads keep the one thread to themselves, and a slow one does not hold the queue.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")

# slow reads that may run beside a lane's own threads: at most four page and item reads at
# once with the default one thread, and two bulk reads (a facet over a whole table next to
# an export)
PAGE_READS_EXCUSED = 3
BULK_READS_EXCUSED = 1


class _Read:
    """A read the lane admitted: when it started (monotonic seconds), whether it was excused."""

    __slots__ = ("started", "excused")

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.excused = False


class ReadLane:
    """Worker-thread admission for one kind of read (pages and items, or bulk reads).

    A read that finds a free thread only notes when it started; the timer that excuses slow
    reads is armed only while reads wait, one for the lane, at the moment the oldest running
    read turns slow.
    """

    SLOW_SECONDS = 0.05

    def __init__(self, threads: int, spare: int = 0) -> None:
        self.limiter = anyio.CapacityLimiter(threads)
        self.spare = spare
        self.excused = 0  # slow reads running now that no longer count against the lane
        self._running: list[_Read] = []
        self._timer: asyncio.TimerHandle | None = None
        self._waiting = 0  # reads waiting for the lane

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker thread once the lane admits it."""
        try:
            self.limiter.acquire_nowait()  # no extra turn of the event loop when a thread is free
        except anyio.WouldBlock:
            self._waiting += 1
            try:
                self._watch()
                await self.limiter.acquire()
            finally:
                self._waiting -= 1
        read = _Read()
        self._running.append(read)
        if self._waiting:
            self._watch()  # reads still wait: this one may turn slow too
        try:
            # anyio's own thread limit (40) still bounds the threads; the lane decides who runs
            return await anyio.to_thread.run_sync(func, *args)
        finally:
            self._running.remove(read)
            if read.excused:
                self.excused -= 1
                self.limiter.total_tokens -= 1
            self.limiter.release()

    def _watch(self) -> None:
        """Arm the lane's timer for when its oldest running read (not yet excused) turns slow."""
        if self._timer is not None or self.excused >= self.spare:
            return
        started = [read.started for read in self._running if not read.excused]
        if started:
            delay = max(0.0, min(started) + self.SLOW_SECONDS - time.monotonic())
            self._timer = asyncio.get_running_loop().call_later(delay, self._excuse_slow_reads)

    def _excuse_slow_reads(self) -> None:
        self._timer = None
        now = time.monotonic()
        for read in self._running:
            if self.excused < self.spare and not read.excused and now - read.started >= self.SLOW_SECONDS:
                read.excused = True
                self.excused += 1
                self.limiter.total_tokens += 1  # admits the next read in line
        if self._waiting:
            self._watch()


async def run_read(lane: ReadLane | None, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` in ``lane``, or in anyio's default threads when the app has no lanes
    (before its lifespan has run: a test client used without ``with``)."""
    if lane is None:
        return await anyio.to_thread.run_sync(func, *args)
    return await lane.run(func, *args)
