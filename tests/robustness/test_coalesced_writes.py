"""The served protocol sends what one event-loop turn writes (a response's head and body)
as one write, and never loses or reorders bytes on close."""

from __future__ import annotations

import asyncio
from typing import Any

from app.serving import CoalescedWrites


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8000) if name == "sockname" else default


def run(scenario: Any) -> RecordingTransport:
    async def main() -> RecordingTransport:
        real = RecordingTransport()
        await scenario(CoalescedWrites(real, asyncio.get_running_loop()), real)
        return real

    return asyncio.run(main())


def test_writes_of_one_turn_leave_as_one_in_order() -> None:
    async def scenario(wrapped: CoalescedWrites, real: RecordingTransport) -> None:
        wrapped.write(b"HTTP/1.1 200 OK\r\n\r\n")
        wrapped.write(b"body")
        assert real.writes == [] and wrapped.get_write_buffer_size() == 23
        await asyncio.sleep(0)
        wrapped.write(b"next")
        await asyncio.sleep(0)

    assert run(scenario).writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"next"]


def test_close_sends_what_is_held_and_abort_drops_it() -> None:
    async def closing(wrapped: CoalescedWrites, real: RecordingTransport) -> None:
        wrapped.write(b"last words")
        wrapped.close()
        await asyncio.sleep(0)

    closed = run(closing)
    assert closed.writes == [b"last words"] and closed.closed

    async def aborting(wrapped: CoalescedWrites, real: RecordingTransport) -> None:
        wrapped.write(b"dropped")
        wrapped.abort()
        await asyncio.sleep(0)

    aborted = run(aborting)
    assert aborted.writes == [] and aborted.aborted


def test_a_large_write_goes_out_at_once_and_other_calls_reach_the_transport() -> None:
    async def scenario(wrapped: CoalescedWrites, real: RecordingTransport) -> None:
        wrapped.write(b"h")
        wrapped.write(b"x" * CoalescedWrites.FLUSH_BYTES)
        assert real.writes == [b"h" + b"x" * CoalescedWrites.FLUSH_BYTES]
        assert wrapped.get_extra_info("sockname") == ("127.0.0.1", 8000)
        await asyncio.sleep(0)

    assert len(run(scenario).writes) == 1
