"""Pure ASGI middleware for limits and hygiene, installed by ``create_app``.

- :class:`BodyLimit`: 413 for bodies over ``max_body_bytes``, checked against
  ``Content-Length`` *and* while the body streams in (chunked uploads have no length).
- :class:`Timeout`: a 504 problem when no response has started within
  ``request_timeout_seconds``; streamed exports, once started, are not cut off.
- :class:`TrustedHosts`: a 400 problem for a ``Host`` header that is not allowed, since
  absolute URLs in answers may be built from it.
- :class:`SecurityHeaders`: ``nosniff`` everywhere; ``Referrer-Policy`` and a CSP on HTML.
  A response that sets its own CSP (the embeddable card) keeps it, and ``/embed/`` pages
  may be framed by anyone.
- :class:`AccessLog`: one JSON line per request (method, path, status, duration) on the
  ``verbatim.access`` logger. Headers are never logged, and query parameters that look
  like secrets or contain a configured API key are redacted.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import logging.handlers
import queue
import re
import time
from collections.abc import Iterable
from datetime import datetime, timezone
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


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with a 413 problem."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, scope: Scope, send: Send) -> None:
        for message in _problem_messages(413, "Content Too Large",
                                         f"The request body is larger than {self.limit} bytes.",
                                         scope.get("path", ""), BODY_TOO_LARGE,
                                         [(b"connection", b"close")]):
            await send(message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        framed = False  # a request without Content-Length or Transfer-Encoding has no body
        for name, value in scope.get("headers", ()):
            if name == b"transfer-encoding":
                framed = True
            elif name == b"content-length":
                framed = True
                if not value.isdigit():
                    break
                if int(value) > self.limit:
                    await self._refuse(scope, send)
                    return
        if not framed:
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send)


class Timeout:
    """Answer 504 when the application has not started a response within ``seconds``.

    The handler task is cancelled (an async handler stops at its next ``await``; a sync
    one finishes in its worker thread and its late response is dropped). A write still
    running is abandoned through the request's :class:`~app.write_gate.WriteGate`, so it
    never commits after the 504; one already committing is waited for instead."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.seconds or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        settled = loop.create_future()  # done when the response starts, the app ends or time is up
        started = timed_out = False
        gate = scope[SCOPE_KEY] = WriteGate()  # a write in progress is abandoned, not committed late

        def settle(_: object = None) -> None:
            if not settled.done():
                settled.set_result(None)

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return  # we already answered 504
            if message["type"] == "http.response.start":
                started = True
                settle()
            await send(message)

        # one task and a timer per request (an Event waiter task and asyncio.wait cost as much again)
        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        task.add_done_callback(settle)
        timer = loop.call_later(self.seconds, settle)
        try:
            await settled
        finally:
            timer.cancel()
        if task.done() or started or not gate.abandon():
            await task  # finished, streaming, or committing: let it complete (and re-raise its errors)
            return
        timed_out = True
        task.cancel()
        task.add_done_callback(_swallow)
        for message in _problem_messages(504, "Gateway Timeout",
                                         f"The request took longer than {self.seconds:g} s and was abandoned.",
                                         scope.get("path", ""), TIMEOUT):
            await send(message)


_HOST_HEADER = re.compile(r"(?:(?P<name>[a-z0-9_.-]+)|\[(?P<ipv6>[0-9a-f:.]+)\])(?::\d{1,5})?")


class TrustedHosts:
    """A 400 problem for a ``Host`` header the operator has not listed.

    The API writes absolute URLs (``next``, ``Link``, ``url``, oEmbed ``html``) into answers
    that caches may keep; built from an arbitrary ``Host`` they would point clients at any
    site. Patterns are exact names, ``*.example.org`` (any subdomain) or ``*`` (any host);
    ports are ignored. ``exempt`` paths (the health check, which load balancers and
    orchestrators call by IP address) are served whatever the host.
    """

    def __init__(self, app: ASGIApp, hosts: Iterable[str], exempt: Iterable[str] = ("/healthz",)) -> None:
        self.app = app
        patterns = [h.strip().lower().rstrip(".") for h in hosts if h.strip()]
        self.any = "*" in patterns
        self.exact = {p.strip("[]") for p in patterns if not p.startswith("*.")}
        self.suffixes = tuple(p[1:] for p in patterns if p.startswith("*."))
        self.exempt = frozenset(exempt)

    def allows(self, host_header: str) -> bool:
        """Whether ``host_header`` is well formed (a name or IP, an optional port: no user
        info, path or spaces that would change a URL built from it) and listed."""
        match = _HOST_HEADER.fullmatch(host_header.strip().lower())
        if match is None:
            return False
        host = (match["name"] or match["ipv6"]).rstrip(".")
        return bool(host) and (host in self.exact or host.endswith(self.suffixes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.any or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for n, v in scope.get("headers", ()) if n == b"host"), "")
        if self.allows(host):
            await self.app(scope, receive, send)
            return
        for message in _problem_messages(400, "Untrusted host",
                                         "This server does not answer for that Host header.",
                                         scope.get("path", ""), UNTRUSTED_HOST):
            await send(message)


def _swallow(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        access_log.debug("abandoned request failed: %r", task.exception())


_HTML_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
             "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'")
# Swagger UI and ReDoc load their bundles from jsdelivr and start with an inline script.
_DOCS_CSP = ("default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
             "font-src 'self' https://fonts.gstatic.com; "
             "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; worker-src 'self' blob:; "
             "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
_EMBED_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
              "base-uri 'none'; frame-ancestors *")


class SecurityHeaders:
    """Add browser-hardening headers without overriding what a route set itself."""

    def __init__(self, app: ASGIApp, docs_paths: Iterable[str] = ("/docs", "/redoc")) -> None:
        self.app = app
        self.docs_paths = tuple(docs_paths)

    def _csp(self, path: str) -> bytes:
        if path.startswith("/embed/") or path == "/embed":
            return _EMBED_CSP.encode()
        if path.startswith(self.docs_paths):
            return _DOCS_CSP.encode()
        return _HTML_CSP.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff")]
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if content_type.lower().startswith(b"text/html"):
                    path = scope.get("path", "")
                    extra += [(b"referrer-policy", b"strict-origin-when-cross-origin"),
                              (b"content-security-policy", self._csp(path))]
                    if not path.startswith("/embed"):
                        extra.append((b"x-frame-options", b"DENY"))
                headers += [(n, v) for n, v in extra if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


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


class AccessLog:
    """One JSON object per request on ``verbatim.access`` (INFO), written when it ends."""

    def __init__(self, app: ASGIApp, secrets: Iterable[str] = ()) -> None:
        self.app = app
        self.secrets = [s for s in secrets if s]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        begin = time.perf_counter()
        status = 500  # what the client sees if the app raises before answering
        size = 0

        async def observing_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observing_send)
        finally:
            self._write(scope, status, size, time.perf_counter() - begin)

    def _write(self, scope: Scope, status: int, size: int, seconds: float) -> None:
        path = scope.get("path", "")
        for secret in self.secrets:
            path = path.replace(secret, "***")
        query = redact_query(scope.get("query_string", b"").decode("latin-1"), self.secrets)
        client = scope.get("client")
        record = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "method": scope.get("method"),
            "path": path,
            "query": query or None,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "bytes": size,
            "client": client[0] if client else None,
        }
        # a record made directly: ``Logger.info`` would also walk the stack to find its caller
        access_log.handle(access_log.makeRecord(access_log.name, logging.INFO, __file__, 0,
                                                orjson.dumps(record).decode(), None, None))


def configure_access_log() -> None:
    """Send access lines to stderr as bare JSON unless logging was configured elsewhere.

    The event loop only queues each line; a thread of its own writes it, so a slow or full
    stderr (a pipe nobody drains fast enough) never stalls the requests being served."""
    if access_log.level == logging.NOTSET:
        access_log.setLevel(logging.INFO)
    if not access_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        writer = logging.handlers.QueueListener(lines, handler)
        writer.start()
        atexit.register(writer.stop)  # write what is queued before the process ends
        access_log.addHandler(logging.handlers.QueueHandler(lines))
        access_log.propagate = False
