"""Read lanes: cheap reads share few threads, and a slow read does not hold the queue."""

from __future__ import annotations

import threading
import time

import anyio

from app.read_lanes import ReadLane


def _finish_order(lane: ReadLane) -> list[str]:
    """A slow read (0.4 s) started first, then a fast one: which finished first."""
    finished: list[str] = []

    def read(name: str, seconds: float) -> None:
        time.sleep(seconds)
        finished.append(name)

    async def main() -> None:
        async with anyio.create_task_group() as group:
            group.start_soon(lane.run, read, "slow", 0.4)
            await anyio.sleep(0.01)
            group.start_soon(lane.run, read, "fast", 0.0)

    anyio.run(main)
    return finished


def test_a_slow_read_stops_counting_against_its_lane() -> None:
    lane = ReadLane(1, spare=1)
    assert _finish_order(lane) == ["fast", "slow"]
    assert lane.limiter.total_tokens == 1 and lane.limiter.borrowed_tokens == 0 and lane.excused == 0


def test_without_spare_the_lane_is_strict() -> None:
    assert _finish_order(ReadLane(1)) == ["slow", "fast"]


def test_at_most_threads_plus_spare_reads_run_at_once() -> None:
    lane = ReadLane(1, spare=2)
    running = peak = 0
    lock = threading.Lock()

    def read() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.2)
        with lock:
            running -= 1

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(lane.run, read)

    anyio.run(main)
    assert peak == 3
    assert lane.limiter.total_tokens == 1 and lane.excused == 0
