"""The HTTP protocol ``verbatim serve`` runs: uvicorn's, plus a deadline for request headers.

uvicorn closes a keep-alive connection that stays idle (``timeout_keep_alive``), but not
one that sends its headers slowly or never finishes them: any byte cancels the idle timer,
so 150 connections that each sent half a request line stayed open indefinitely, each holding
a socket and a file descriptor (the "slowloris" pattern). Here every connection must
complete a request's headers within ``VERBATIM_HEADER_TIMEOUT_SECONDS`` of opening, and
again within that time after each response; otherwise it is closed. A request whose
headers arrived is never cut by this deadline (the request timeout governs it).
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
        super().connection_made(transport)  # type: ignore[misc]
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)  # type: ignore[misc]


class HeaderTimeoutProtocol(HeaderDeadline, AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's default HTTP protocol with the header deadline."""


PROTOCOL = f"{__name__}:{HeaderTimeoutProtocol.__name__}"
