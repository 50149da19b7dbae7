"""Extraction in worker processes, with a hard time budget per document.

spaCy holds the interpreter lock while it works, so extraction inside the serving process
stops the event loop from answering anything (even ``/healthz``) until it ends, and a
thread cannot be stopped once it has started. Worker processes can: each job runs in one,
and a worker still busy when the job's budget runs out, or when its caller gives up, is
killed (SIGKILL) and replaced by a fresh one. The caller gets :class:`ExtractionTimeout`
or :class:`ExtractionAbandoned` instead of a result.

Jobs are module-level functions (pickled by reference) taking one argument. Workers are
started on first use, load the language model before they take work (start-up is not
counted against a budget) and then serve jobs one at a time.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from app.extract.types import Extraction

T = TypeVar("T")

STARTUP_SECONDS = 120.0  # a worker that cannot load the model in this long is broken
POLL_SECONDS = 0.1  # how often a waiting caller checks whether it was abandoned


class ExtractionTimeout(Exception):
    """The job ran longer than its budget; its worker was killed."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"extraction took longer than {budget:g} s (VERBATIM_EXTRACTION_TIMEOUT_SECONDS) and was stopped")
        self.budget = budget


class ExtractionAbandoned(Exception):
    """The caller gave up (its request timed out); the worker was killed."""


class PoolBusy(Exception):
    """No worker became free within the wait."""


class WorkerFailed(RuntimeError):
    """The worker died without an answer (killed from outside, out of memory)."""


class ExtractionUnavailable(RuntimeError):
    """spaCy or the configured model is not installed (the worker's own message)."""


def _portable(exc: BaseException) -> BaseException:
    """What the caller receives for a job's exception: a missing spaCy or model becomes
    :class:`ExtractionUnavailable`, which the parent knows without importing spaCy."""
    if isinstance(exc, ImportError):
        return ExtractionUnavailable(f"Extraction is not available: {exc}")
    try:
        from app.extract.nlp import ModelNotInstalledError
    except ImportError:
        return exc
    return ExtractionUnavailable(str(exc)) if isinstance(exc, ModelNotInstalledError) else exc


def load_model() -> None:
    """Default warm-up: load the spaCy model once, so a job's budget is spent on the job.
    A missing model is not fatal here: the job reports it (a 503 in the API)."""
    try:
        from app.extract.nlp import load_nlp

        load_nlp()
    except Exception:  # noqa: BLE001 - reported by the first job that needs the model
        pass


def _exit_with_parent(parent: int) -> None:
    """Watchdog thread: a worker whose parent died (say ``kill -9`` of ``verbatim ingest``)
    exits instead of lingering; its pipe alone would not tell it, since forked siblings
    hold copies of the parent's end."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _serve(conn: Connection, warm: Callable[[], None]) -> None:
    """Worker main loop: warm up, say ready, then answer ``(job, arg)`` messages."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    warm()
    conn.send(("ready", None))
    while True:
        try:
            job, arg = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        try:
            answer: tuple[str, Any] = ("ok", job(arg))
        except BaseException as exc:  # noqa: BLE001 - sent back and raised in the caller
            answer = ("error", _portable(exc))
        try:
            conn.send(answer)
        except Exception as exc:  # an unpicklable result or exception
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: BaseContext, warm: Callable[[], None]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, warm), daemon=True, name="verbatim-extraction")  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        try:
            if not self.conn.poll(STARTUP_SECONDS):
                raise WorkerFailed(f"an extraction worker did not start within {STARTUP_SECONDS:g} s")
            self.conn.recv()
        except (EOFError, OSError):
            raise WorkerFailed("an extraction worker exited while starting") from None
        self.ready = True

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class ExtractionPool:
    """``size`` worker processes; :meth:`run` sends one job to a free one and waits for it.

    ``start_method`` is ``forkserver`` by default (where it exists, else ``spawn``): a
    server has threads, and forking a threaded process is unsafe. ``verbatim ingest``
    passes ``fork``: it has no threads when it starts its workers, and its tests'
    stand-in extractors reach the workers that way.
    """

    def __init__(self, size: int, *, warm: Callable[[], None] = load_model, start_method: str | None = None) -> None:
        if start_method is None:
            methods = multiprocessing.get_all_start_methods()
            start_method = "forkserver" if "forkserver" in methods else "spawn"
        self.size = size
        self._context = multiprocessing.get_context(start_method)
        self._warm = warm
        self._free: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(size):
            self._free.put(None)  # a worker is started when its slot is first used
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._submitter: ThreadPoolExecutor | None = None

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self._warm)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def start(self, count: int | None = None) -> None:
        """Start ``count`` workers (default all) now rather than on first use."""
        slots = [self._free.get() for _ in range(min(count or self.size, self.size))]
        for worker in slots:
            self._free.put(worker or self._start())

    def run(
        self,
        job: Callable[[Any], T],
        arg: Any,
        *,
        budget: float | None = None,
        wait: float | None = None,
        abandoned: Callable[[], bool] = lambda: False,
    ) -> T:
        """``job(arg)`` in a worker; blocks the calling thread (never the event loop).

        ``wait``: how long to wait for a free worker (None: as long as it takes), then
        :class:`PoolBusy`. ``budget``: seconds the job may run (None or 0: no limit).
        ``abandoned``: polled while waiting; once true the job is stopped.
        """
        try:
            worker = self._free.get(timeout=wait)
        except queue.Empty:
            raise PoolBusy from None
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._retire(worker)
                worker = self._start()
            worker.wait_ready()
        except BaseException:
            if worker is not None:
                self._retire(worker)
            self._free.put(None)  # started afresh on the slot's next use
            raise
        if abandoned():  # the caller gave up while the worker warmed up: keep the warm worker
            self._free.put(worker)
            raise ExtractionAbandoned
        try:
            worker.conn.send((job, arg))
            status, payload = self._answer(worker, budget, abandoned)
        except BaseException:
            if worker is not None:
                self._retire(worker)
                worker = None if self._closed else self._start()  # the replacement warms up now
            raise
        finally:
            self._free.put(worker)
        if status == "error":
            raise payload
        return payload  # type: ignore[no-any-return]

    @staticmethod
    def _answer(worker: _Worker, budget: float | None, abandoned: Callable[[], bool]) -> tuple[str, Any]:
        deadline = time.monotonic() + budget if budget else None
        while True:
            step = POLL_SECONDS if deadline is None else max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))
            try:
                if worker.conn.poll(step):
                    return worker.conn.recv()  # type: ignore[no-any-return]
            except (EOFError, OSError):
                raise WorkerFailed("the extraction worker stopped without an answer") from None
            if not worker.alive():
                raise WorkerFailed("the extraction worker stopped without an answer")
            if abandoned():
                raise ExtractionAbandoned
            if deadline is not None and time.monotonic() >= deadline:
                raise ExtractionTimeout(budget or 0)

    def submit(self, job: Callable[[Any], T], arg: Any, *, budget: float | None = None) -> Future[T]:
        """:meth:`run` in the background (one waiting thread per worker), as a future."""
        with self._lock:
            if self._submitter is None:
                self._submitter = ThreadPoolExecutor(self.size, thread_name_prefix="verbatim-extraction")
        return self._submitter.submit(self.run, job, arg, budget=budget)

    def close(self) -> None:
        """Stop every worker (jobs in progress fail with WorkerFailed)."""
        self._closed = True
        if self._submitter is not None:
            self._submitter.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


_shared: dict[tuple[int, str], ExtractionPool] = {}
_shared_lock = threading.Lock()


def shared_pool(size: int) -> ExtractionPool:
    """The process-wide pool of ``size`` workers: every app in a process (tests build
    many) shares one set of model-loaded workers instead of starting its own."""
    with _shared_lock:
        pool = _shared.get((size, "default"))
        if pool is None:
            pool = _shared[(size, "default")] = ExtractionPool(size)
        return pool


# -- the jobs (module level, so that they pickle by reference) --------------------------


def extract_json(text: str) -> dict[str, Any]:
    """``POST /extract``: the ``extract --jsonl`` objects of ``text`` (without its id)."""
    from app.extract import extract

    result = extract(text).to_json()
    return {key: result.get(key, default) for key, default in
            (("document", {}), ("statements", []), ("speakers", []), ("declarations", []))}


def extract_document(text: str) -> Extraction:
    """A document to store: ``text`` extracted exactly as ``app.store.ingest_text`` would."""
    from app import documents

    return documents.run_extractor(documents.normalise_text(text))
