"""Connections that never finish their headers are closed (a real ``verbatim serve``).

A probe left 150 connections that had sent half a request line; 40 s later all were still
open. Now every connection must complete a request's headers within
``VERBATIM_HEADER_TIMEOUT_SECONDS`` of opening, and again after each response.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from app.migrate import migrate

HEADER_TIMEOUT = 1.0
SLOW = 60


def _open(port: int, first_bytes: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(first_bytes)
    return sock


def _closed(sock: socket.socket, within: float) -> bool:
    """True once the server closed ``sock`` (EOF or reset) within ``within`` seconds."""
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_slow_headers_are_cut_and_normal_requests_are_not(database_url: str, tmp_path: Path,
                                                          verbatim_server: Callable) -> None:
    migrate(database_url)
    with verbatim_server(database_url, tmp_path / "serve.log", VERBATIM_ACCESS_LOG="false",
                         VERBATIM_HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT)) as base:
        port = int(base.rsplit(":", 1)[1])
        stalled = [_open(port, b"GET /statements HTTP/1.1\r\nHost: 127.0.0.1\r\n") for _ in range(SLOW)]
        trickle = _open(port, b"G")
        # keep-alive: one full request, then the next one's headers never finish
        reused = _open(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reused.settimeout(10)
        assert reused.recv(4096).startswith(b"HTTP/1.1 200")
        reused.sendall(b"GET /statements HTTP/1.1\r\n")
        started = time.monotonic()
        for byte in b"ET / HTTP/1.1\r\n":  # one byte at a time, never the blank line
            if time.monotonic() - started > HEADER_TIMEOUT * 3:
                break
            try:
                trickle.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(HEADER_TIMEOUT / 4)
        assert all(_closed(sock, HEADER_TIMEOUT * 4) for sock in stalled)
        assert _closed(trickle, HEADER_TIMEOUT * 4) and _closed(reused, HEADER_TIMEOUT * 4)
        # the server still answers, and a request slower than the header deadline to *answer*
        # (but whose headers came at once) is not cut
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(3):  # keep-alive reuse across the deadline is fine while requests come
                assert client.get("/statements").status_code == 200
                time.sleep(HEADER_TIMEOUT / 2)
        for sock in [*stalled, trickle, reused]:
            sock.close()
