"""The HTTP protocol ``verbatim serve`` runs: uvicorn's, plus a deadline for request headers
and one system call per response.

uvicorn closes a keep-alive connection that stays idle (``timeout_keep_alive``), but not
one that sends its headers slowly or never finishes them: any byte cancels the idle timer,
so 150 connections that each sent half a request line stayed open indefinitely, each holding
a socket and a file descriptor (the "slowloris" pattern). Here every connection must
complete a request's headers within ``VERBATIM_HEADER_TIMEOUT_SECONDS`` of opening, and
again within that time after each response; otherwise it is closed. A request whose
headers arrived is never cut by this deadline (the request timeout governs it).

uvicorn writes a response's head and its body with two ``transport.write`` calls, and on
uvloop each is a ``send`` made while holding the GIL: under load the two sends were a
quarter of the GIL time of an item request. :class:`CoalescedWrites` sends what one turn of
the event loop writes as one buffer.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from app.config import get_settings


class HeaderDeadline:
    """Mixin for a uvicorn HTTP protocol: close connections that do not finish headers.

    Both uvicorn implementations (httptools, h11) start a new ``cycle`` when a request's
    headers are complete, so "no new cycle since the deadline was armed" means "no request".
    """

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = get_settings().header_timeout_seconds
        self._header_deadline: asyncio.TimerHandle | None = None
        self._cycle_when_armed: Any = None

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._cycle_when_armed = self.cycle
        self._header_deadline = self.loop.call_later(self.header_timeout, self._header_deadline_passed)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _header_deadline_passed(self) -> None:
        self._header_deadline = None
        if self.cycle is self._cycle_when_armed and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(CoalescedWrites(transport, self.loop))  # type: ignore[misc]
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)  # type: ignore[misc]


class CoalescedWrites:
    """A transport whose writes within one turn of the event loop leave as one write.

    Data is held until the end of the turn (or sent at once past ``FLUSH_BYTES``, so a
    stream that writes without yielding keeps the real transport's flow control);
    ``close`` sends what is held first, ``abort`` drops it. Everything else is the wrapped
    transport's.
    """

    FLUSH_BYTES = 64 * 1024

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._held_bytes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self._send)
        self._held.append(bytes(data))
        self._held_bytes += len(data)
        if self._held_bytes >= self.FLUSH_BYTES:
            self._send()

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _send(self) -> None:
        if self._held:
            data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
            self._held, self._held_bytes = [], 0
            if not self._transport.is_closing():
                self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._held_bytes

    def close(self) -> None:
        self._send()
        self._transport.close()

    def write_eof(self) -> None:
        self._send()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held, self._held_bytes = [], 0
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class HeaderTimeoutProtocol(HeaderDeadline, AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's default HTTP protocol with the header deadline."""


PROTOCOL = f"{__name__}:{HeaderTimeoutProtocol.__name__}"
