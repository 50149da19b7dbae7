"""Extraction for the API: in worker processes, bounded in number and in time.

spaCy holds the interpreter lock, so extraction inside the serving process would stop
the event loop (even ``/healthz``) until it ended. It runs in the app's
:class:`~app.extraction_pool.ExtractionPool` instead: ``max_concurrent_extractions``
workers; a request that finds none free within ``extraction_wait_seconds`` gets a 503
with ``Retry-After``; a document still being extracted after
``extraction_timeout_seconds`` has its worker killed and replaced, and its request gets a
422 ``extraction-timeout`` problem. A request that times out (504) stops its extraction
too, through its :class:`~app.write_gate.WriteGate`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from app.extraction_pool import (
    ExtractionPool,
    ExtractionTimeout,
    ExtractionUnavailable,
    PoolBusy,
    WorkerFailed,
    shared_pool,
)
from app.problems import EXTRACTION_TIMEOUT, UNAVAILABLE, Problem
from app.write_gate import gate_of

T = TypeVar("T")


def pool_of(app: FastAPI) -> ExtractionPool:
    """The app's pool: ``app.state.extraction_pool`` when set (tests), else the process's
    shared pool of ``max_concurrent_extractions`` workers."""
    pool = getattr(app.state, "extraction_pool", None)
    if pool is None:
        pool = app.state.extraction_pool = shared_pool(app.state.settings.max_concurrent_extractions)
    return pool


def _unavailable(detail: str, **headers: str) -> Problem:
    return Problem.of(UNAVAILABLE, detail, headers=headers or None)


def extract_in_worker(request: Request, job: Callable[[Any], T], arg: Any) -> T:
    """``job(arg)`` in a worker process, with the app's wait and budget; the problems a
    client should see instead of a result. Blocks: call it from a worker thread."""
    settings = request.app.state.settings
    wait = settings.extraction_wait_seconds
    try:
        return pool_of(request.app).run(
            job, arg, budget=settings.extraction_timeout_seconds or None, wait=wait,
            abandoned=gate_of(request.scope).abandoned,
        )
    except PoolBusy:
        raise _unavailable("Every extraction slot is busy; retry shortly.",
                           **{"Retry-After": str(max(1, math.ceil(wait)))}) from None
    except ExtractionTimeout as exc:
        raise Problem.of(EXTRACTION_TIMEOUT, f"Extraction took longer than {exc.budget:g} s and was stopped; nothing was stored. "
                      "Post a shorter text.") from None
    except WorkerFailed as exc:
        raise _unavailable(f"Extraction failed: {exc}; retry shortly.") from None
    except ExtractionUnavailable as exc:
        raise _unavailable(str(exc)) from None


async def extract_in_worker_async(request: Request, job: Callable[[Any], T], arg: Any) -> T:
    """:func:`extract_in_worker` awaited from the event loop (which stays free meanwhile)."""
    return await run_in_threadpool(extract_in_worker, request, job, arg)
