"""Python calls and CPU per request through the ASGI app alone: no server, no network, no wrk.

    python bench/asgi_calls.py --database-url sqlite:////tmp/b100k.db --path '/statements/{id}' --max-id 100000

On a shared machine requests/s swing by a third from one minute to the next; the number of
Python function calls the event loop's thread makes per request (counted by cProfile) does
not, so it tells whether a change to the request path removed work. The app is driven in
process, one request at a time, with uvloop, as uvicorn would call it; ``{id}`` in the path
becomes a random id up to ``--max-id``. CPU per request is the least of eight slices.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import time
from typing import Any


def _scope(path: str, query: bytes) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
            "root_path": "", "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}


async def _request(app: Any, target: str, max_id: int) -> int:
    """One GET through the app; the response status."""
    path, _, query = target.replace("{id}", str(random.randint(1, max_id or 1))).partition("?")
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(_scope(path, query.encode()), receive, send)
    return status


async def _measure(args: argparse.Namespace) -> None:
    from app.main import create_app  # after the environment names the database

    app = create_app()
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    try:
        for _ in range(200):  # warm: caches, compiled statements, the page cache
            status = await _request(app, args.path, args.max_id)
        print(f"{args.path}: HTTP {status}")
        slices = []
        for _ in range(8):
            started = time.process_time()
            for _ in range(args.requests // 8):
                await _request(app, args.path, args.max_id)
            slices.append((time.process_time() - started) / (args.requests // 8) * 1e6)
        print(f"CPU per request (both threads, least of 8 slices): {min(slices):.0f} µs")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            await _request(app, args.path, args.max_id)
        profile.disable()
        stats = pstats.Stats(profile, stream=(out := io.StringIO()))
        print(f"Python calls per request on the event loop's thread: {stats.total_calls / args.requests:.0f}")
        if args.top:
            stats.sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
    finally:
        await lifespan.__aexit__(None, None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/statements/{id}", help="the request; {id}: a random id")
    parser.add_argument("--max-id", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    args = parser.parse_args()
    os.environ["VERBATIM_DATABASE_URL"] = args.database_url
    os.environ["VERBATIM_ACCESS_LOG"] = "false"  # its lines would go to this terminal
    import uvloop

    uvloop.run(_measure(args))


if __name__ == "__main__":
    main()
