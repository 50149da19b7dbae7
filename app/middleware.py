"""Verbatim's HTTP hygiene as one pure ASGI layer, installed by ``create_app``.

One layer rather than six: each ASGI middleware wraps ``send`` and adds a coroutine call to
every message of every response, and with six of them the stack cost more CPU than reading
a page of rows. :class:`Guard` does, in this order:

- **Host** (:class:`HostPolicy`): a 400 problem for a ``Host`` header that is not allowed,
  since absolute URLs in answers may be built from it.
- **Body limit**: 413 for bodies over ``max_body_bytes``, checked against
  ``Content-Length`` *and* while the body streams in (chunked uploads have no length).
- **Timeout**: a 504 problem when no response has started within
  ``request_timeout_seconds``; streamed exports, once started, are not cut off.
- **HEAD** is answered like GET without the body (``curl -I``, link checkers, caches).
- **Security headers**: ``nosniff`` everywhere; ``Referrer-Policy`` and a CSP on HTML. A
  response that sets its own CSP (the embeddable card) keeps it, and ``/embed/`` pages may be
  framed by anyone.
- **Access log** (:class:`AccessLogWriter`): one JSON line per request (method, path,
  status, duration) on the ``verbatim.access`` logger, formatted and written by a thread of
  its own. Headers are never logged, and query parameters that look like secrets or contain
  a configured API key are redacted.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.problems import BODY_TOO_LARGE, PROBLEM_MEDIA_TYPE, TIMEOUT, UNTRUSTED_HOST
from app.write_gate import SCOPE_KEY, WriteGate

access_log = logging.getLogger("verbatim.access")


def _problem_messages(status: int, title: str, detail: str, path: str, type_: str,
                      headers: Iterable[tuple[bytes, bytes]] = ()) -> tuple[Message, Message]:
    body = orjson.dumps({"type": type_, "title": title, "status": status, "detail": detail, "instance": path})
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()), *headers],
    }
    return start, {"type": "http.response.body", "body": body, "more_body": False}


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit."""


_HOST_HEADER = re.compile(r"(?:(?P<name>[a-z0-9_.-]+)|\[(?P<ipv6>[0-9a-f:.]+)\])(?::\d{1,5})?")


# Host values whose verdict a HostPolicy remembers; emptied when full, so a flood of
# made-up hosts costs a regular expression each and cannot grow the memory
VERDICTS_KEPT = 64


class HostPolicy:
    """Which ``Host`` headers this server answers for.

    The API writes absolute URLs (``next``, ``Link``, ``url``, oEmbed ``html``) into answers
    that caches may keep; built from an arbitrary ``Host`` they would point clients at any
    site. Patterns are exact names, ``*.example.org`` (any subdomain) or ``*`` (any host);
    ports are ignored. ``exempt`` paths (the health check, which load balancers and
    orchestrators call by IP address) are served whatever the host.
    """

    def __init__(self, hosts: Iterable[str], exempt: Iterable[str] = ("/healthz",)) -> None:
        patterns = [h.strip().lower().rstrip(".") for h in hosts if h.strip()]
        self.any = "*" in patterns
        self.exact = {p.strip("[]") for p in patterns if not p.startswith("*.")}
        self.suffixes = tuple(p[1:] for p in patterns if p.startswith("*."))
        self.exempt = frozenset(exempt)
        self._verdicts: dict[bytes, bool] = {}

    def allows(self, host_header: str) -> bool:
        """Whether ``host_header`` is well formed (a name or IP, an optional port: no user
        info, path or spaces that would change a URL built from it) and listed."""
        match = _HOST_HEADER.fullmatch(host_header.strip().lower())
        if match is None:
            return False
        host = (match["name"] or match["ipv6"]).rstrip(".")
        return bool(host) and (host in self.exact or host.endswith(self.suffixes))

    def admits(self, scope: Scope) -> bool:
        """Whether the request in ``scope`` may be served; the verdict on each ``Host`` value
        is kept (a few dozen at most: the cache is emptied when full), as nearly every
        request repeats one of a handful."""
        if self.any or scope.get("path") in self.exempt:
            return True
        host = next((value for name, value in scope.get("headers", ()) if name == b"host"), b"")
        verdict = self._verdicts.get(host)
        if verdict is None:
            if len(self._verdicts) >= VERDICTS_KEPT:
                self._verdicts.clear()
            verdict = self._verdicts[host] = self.allows(host.decode("latin-1"))
        return verdict


_HTML_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'").encode()
# Swagger UI and ReDoc load their bundles from jsdelivr and start with an inline script.
_DOCS_CSP = ("default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
             "font-src 'self' https://fonts.gstatic.com; "
             "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; worker-src 'self' blob:; "
             "object-src 'none'; base-uri 'none'; frame-ancestors 'none'").encode()
_DOCS_PATHS = ("/docs", "/redoc")
_EMBED_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
              "base-uri 'none'; frame-ancestors *").encode()


def _csp(path: str) -> bytes:
    if path.startswith("/embed/") or path == "/embed":
        return _EMBED_CSP
    if path.startswith(_DOCS_PATHS):
        return _DOCS_CSP
    return _HTML_CSP


def with_security_headers(headers: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    """``headers`` plus the hardening headers the response did not set itself."""
    extra = [(b"x-content-type-options", b"nosniff")]
    content_type = b""
    for name, value in headers:
        if name.lower() == b"content-type":
            content_type = value
            break
    if content_type[:9].lower() == b"text/html":
        extra += [(b"referrer-policy", b"strict-origin-when-cross-origin"), (b"content-security-policy", _csp(path))]
        if not path.startswith("/embed"):
            extra.append((b"x-frame-options", b"DENY"))
    present = {name.lower() for name, _ in headers}
    return [*headers, *((n, v) for n, v in extra if n not in present)]


_SECRET_PARAM = re.compile(r"key|token|secret|passw|auth|session|signature", re.IGNORECASE)


def redact_query(query: str, secrets: Iterable[str] = ()) -> str:
    """The query string with secret-looking parameters and any known secret masked."""
    if not query:
        return ""
    pairs = [(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in parse_qsl(query, keep_blank_values=True)]
    out = urlencode(pairs)
    for secret in secrets:
        if secret:
            out = out.replace(secret, "***").replace(urlencode({"": secret})[1:], "***")
    return out


class AccessLogWriter:
    """Formats and writes access lines on a thread of its own, in batches.

    The event loop only appends a tuple to a deque: building a ``LogRecord``, redacting the
    query and encoding JSON cost more than the rest of a small request's middleware, and a
    slow or full stderr (a pipe nobody drains fast enough) must never stall the requests
    being served. The writer wakes when the first line of a batch arrives and writes what
    has gathered ``BATCH_SECONDS`` later: waking a thread for every line (a futex call, then
    the GIL handed to it and back) cost a sixth of a small request's throughput.
    :meth:`flush` (called when the app stops, and at exit) writes what is queued.
    """

    BATCH_SECONDS = 0.05

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = [s for s in secrets if s]
        self._lines: deque[tuple[Any, ...]] = deque()
        self._wake = threading.Event()  # set: lines are waiting, or the writer must stop
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()  # the running writer's own stop signal
        self._lock = threading.Lock()  # starting and stopping the writer never overlap
        self._flush_at_exit = False

    def record(self, scope: Scope, status: int, size: int, seconds: float) -> None:
        """Queue one request's line (called on the event loop; no formatting here)."""
        if self._thread is None:
            self._start()
        self._lines.append((time.time(), scope.get("method"), scope.get("path", ""), scope.get("query_string", b""),
                            status, size, seconds, scope.get("client")))
        if not self._wake.is_set():  # once a batch: the writer is asleep or gathering
            self._wake.set()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._run, args=(self._stop,), name="verbatim-access-log",
                                                daemon=True)
                self._thread.start()
                if not self._flush_at_exit:
                    atexit.register(self.flush)
                    self._flush_at_exit = True

    def _run(self, stop: threading.Event) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()  # before draining: a line queued from now on sets it again
            if not stop.is_set():
                stop.wait(self.BATCH_SECONDS)  # let the batch gather (a flush cuts it short)
            self._drain()
            if stop.is_set():
                return

    def _drain(self) -> None:
        while True:
            try:
                line = self._lines.popleft()
            except IndexError:  # empty (a flush that gave up waiting may drain beside the writer)
                return
            try:
                self._write(*line)
            except Exception:  # a broken handler must not end the writer (logging's own rule)
                pass

    def flush(self) -> None:
        """Write every queued line and stop the writer; the next :meth:`record` starts a new
        one, only once this one has ended (so the new one never sees this one's stop)."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._stop.set()
                self._wake.set()
                thread.join(timeout=5)
            self._drain()  # lines queued while no writer ran, or after it stopped

    def _write(self, when: float, method: str | None, path: str, query_string: bytes, status: int,
               size: int, seconds: float, client: tuple[str, int] | None) -> None:
        for secret in self.secrets:
            path = path.replace(secret, "***")
        query = redact_query(query_string.decode("latin-1"), self.secrets)
        line = {
            "ts": datetime.fromtimestamp(when, timezone.utc).isoformat(timespec="milliseconds"),
            "method": method,
            "path": path,
            "query": query or None,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "bytes": size,
            "client": client[0] if client else None,
        }
        # a record made directly: ``Logger.info`` would also walk the stack to find its caller
        access_log.handle(access_log.makeRecord(access_log.name, logging.INFO, __file__, 0,
                                                orjson.dumps(line).decode(), None, None))


def configure_access_log() -> None:
    """Send access lines to stderr as bare JSON unless logging was configured elsewhere."""
    if access_log.level == logging.NOTSET:
        access_log.setLevel(logging.INFO)
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.propagate = False


def _swallow(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        access_log.debug("abandoned request failed: %r", task.exception())


class _Exchange:
    """One request's answer as it leaves the server: what was sent, and the rules on it."""

    __slots__ = ("send", "path", "head", "status", "size", "started", "timed_out", "settle")

    def __init__(self, send: Send, path: str, head: bool) -> None:
        self.send = send
        self.path = path
        self.head = head
        self.status = 500  # what the client sees if the app raises before answering
        self.size = 0
        self.started = False
        self.timed_out = False
        self.settle: Any = None  # the timeout's "a response has started" callback

    async def emit(self, message: Message) -> None:
        """Send ``message`` with the security headers, noting status and size for the log."""
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            if self.settle is not None:
                self.settle()
            message = {**message, "headers": with_security_headers(list(message.get("headers", ())), self.path)}
        elif message["type"] == "http.response.body":
            self.size += len(message.get("body", b""))
        await self.send(message)

    async def from_app(self, message: Message) -> None:
        """The application's messages: dropped after a 504; bodiless for HEAD."""
        if self.timed_out:
            return
        if self.head and message["type"] == "http.response.body":
            if message.get("more_body"):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await self.emit(message)

    async def problem(self, status: int, title: str, detail: str, type_: str,
                      headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
        for message in _problem_messages(status, title, detail, self.path, type_, headers):
            await self.emit(message)


class Guard:
    """Host check, body limit, timeout, HEAD, security headers and access log in one layer.

    The timeout cancels the handler task (an async handler stops at its next ``await``; a
    sync one finishes in its worker thread and its late response is dropped). A write still
    running is abandoned through the request's :class:`~app.write_gate.WriteGate`, so it
    never commits after the 504; one already committing is waited for instead.
    """

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str], max_body_bytes: int, timeout_seconds: float,
                 access_log: AccessLogWriter | None) -> None:
        self.app = app
        self.hosts = HostPolicy(hosts)
        self.limit = max_body_bytes
        self.seconds = timeout_seconds if timeout_seconds and timeout_seconds > 0 else 0
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        begin = time.perf_counter()
        head = scope["method"] == "HEAD"
        exchange = _Exchange(send, scope.get("path", ""), head)
        try:
            if not self.hosts.admits(scope):
                await exchange.problem(400, "Untrusted host", "This server does not answer for that Host header.",
                                       UNTRUSTED_HOST)
            elif self._declared_too_large(scope):
                await self._refuse_body(exchange)
            else:
                scope[SCOPE_KEY] = WriteGate()  # a write in progress is abandoned, not committed late
                inner = {**scope, "method": "GET"} if head else scope
                if self.seconds:
                    await self._within_deadline(inner, receive, exchange)
                else:
                    await self._limited(inner, receive, exchange)
        finally:
            if self.access_log is not None:
                self.access_log.record(scope, exchange.status, exchange.size, time.perf_counter() - begin)

    def _declared_too_large(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                return value.isdigit() and int(value) > self.limit
        return False

    async def _refuse_body(self, exchange: _Exchange) -> None:
        await exchange.problem(413, "Content Too Large", f"The request body is larger than {self.limit} bytes.",
                               BODY_TOO_LARGE, [(b"connection", b"close")])

    async def _limited(self, scope: Scope, receive: Receive, exchange: _Exchange) -> None:
        """Run the app, counting a body that streams in (no ``Content-Length`` to trust)."""
        if not any(name in (b"content-length", b"transfer-encoding") for name, _ in scope.get("headers", ())):
            await self.app(scope, receive, exchange.from_app)  # no framing: no body
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, exchange.from_app)
        except BodyTooLarge:
            if exchange.started:
                raise
            await self._refuse_body(exchange)

    async def _within_deadline(self, scope: Scope, receive: Receive, exchange: _Exchange) -> None:
        """Answer 504 when no response has started within ``seconds``."""
        loop = asyncio.get_running_loop()
        settled = loop.create_future()  # done when the response starts, the app ends or time is up

        def settle(_: object = None) -> None:
            if not settled.done():
                settled.set_result(None)

        exchange.settle = settle
        # one task and a timer per request (an Event waiter task and asyncio.wait cost as much again)
        task = loop.create_task(self._limited(scope, receive, exchange))
        task.add_done_callback(settle)
        timer = loop.call_later(self.seconds, settle)
        try:
            await settled
        finally:
            timer.cancel()
        if task.done() or exchange.started or not scope[SCOPE_KEY].abandon():
            await task  # finished, streaming, or committing: let it complete (and re-raise its errors)
            return
        exchange.timed_out = True
        task.cancel()
        task.add_done_callback(_swallow)
        await exchange.problem(504, "Gateway Timeout",
                               f"The request took longer than {self.seconds:g} s and was abandoned.", TIMEOUT)
