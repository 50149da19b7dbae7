"""A local HTTP server for the URL-fetching tests: pages, redirects and refusals on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = (Path(__file__).parent / "data" / "inputs" / "harbour.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    """``/page``, ``/moved`` (→ /page), ``/to-private`` (→ 10.255.255.1), ``/to-file``, ``/loop/N`` (→ /loop/N+1 forever), ``/pdf``, ``/big``,
    ``/chunked-big`` (no Content-Length), ``/empty`` (HTML without text), ``/missing`` (404)."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path
        if path == "/page":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif path == "/moved":
            self._redirect("/page")
        elif path == "/to-private":
            self._redirect("http://10.255.255.1/admin")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path.startswith("/loop/"):
            self._redirect(f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path == "/pdf":
            self._send(200, "application/pdf", b"%PDF-1.4 not a page")
        elif path == "/big":
            self._send(200, "text/html", b"<p>" + b"word " * 400_000 + b"</p>")
        elif path == "/chunked-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(64):
                self.wfile.write(b"<p>" + b"word " * 20_000 + b"</p>")
        elif path == "/empty":
            self._send(200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that stops reading a too-large page is expected here


@contextmanager
def page_server() -> Iterator[str]:
    """The server's base URL (``http://127.0.0.1:PORT``) while the block runs."""
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
