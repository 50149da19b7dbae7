"""Bounded extraction concurrency for the API.

Extraction (spaCy) is CPU-bound and runs in the request's worker thread, which keeps
running after the client's 504: without a bound, a few large posts can hold every core
long after their clients gave up. Each app has ``max_concurrent_extractions`` slots; a
request that finds none free within ``extraction_wait_seconds`` gets a 503 with
``Retry-After`` instead of queueing more work behind the busy cores.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.problems import UNAVAILABLE, Problem

T = TypeVar("T")


def _slots(app: FastAPI) -> threading.BoundedSemaphore:
    """The app's semaphore, made on first use (on the event loop thread: no race)."""
    slots = getattr(app.state, "extraction_slots", None)
    if slots is None:
        slots = app.state.extraction_slots = threading.BoundedSemaphore(app.state.settings.max_concurrent_extractions)
    return slots


async def run_extraction(app: FastAPI, work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``work(*args, **kwargs)`` in the thread pool once an extraction slot is free.

    The slot is taken and released inside the worker thread, so a request cancelled while
    waiting or working (client gone, 504) can never leak it.
    """
    slots, wait = _slots(app), app.state.settings.extraction_wait_seconds

    def limited() -> T:
        if not slots.acquire(timeout=wait):
            raise Problem(
                503,
                "Every extraction slot is busy; retry shortly.",
                type=UNAVAILABLE,
                title="Service unavailable",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        try:
            return work(*args, **kwargs)
        finally:
            slots.release()

    return await run_in_threadpool(limited)
