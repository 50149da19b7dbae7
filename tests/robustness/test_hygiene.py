"""Limits and hygiene: timeouts, no internals in errors, HTML security headers, access logs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from starlette.responses import HTMLResponse, StreamingResponse

import app.api.common as common
from app.config import Settings
from app.main import create_app
from app.middleware import AccessLogWriter, redact_query
from robust_db import AUTH, KEY


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    from app.migrate import migrate

    url = f"sqlite:///{tmp_path / 'h.db'}"
    migrate(url)
    return url


def test_slow_request_is_a_504_problem_and_streams_are_not_cut(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, request_timeout_seconds=0.3, access_log=False))

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(5)
        return {"late": "yes"}

    @app.get("/slow-stream")
    async def slow_stream() -> StreamingResponse:
        async def body() -> Iterator[bytes]:  # type: ignore[misc]
            for _ in range(3):
                await asyncio.sleep(0.2)
                yield b"row\n"
        return StreamingResponse(body(), media_type="text/plain")  # type: ignore[arg-type]

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/slow")
        assert response.status_code == 504
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/timeout"
        streamed = client.get("/slow-stream")  # 0.6 s in all, but it started in time
        assert streamed.status_code == 200 and streamed.text == "row\n" * 3
        assert client.get("/healthz").status_code == 200


def test_timeout_is_configurable_and_off_with_zero() -> None:
    assert Settings().request_timeout_seconds == 30
    assert Settings(request_timeout_seconds=0).request_timeout_seconds == 0


@pytest.mark.parametrize(("error", "status"), [(OperationalError, 503), (ProgrammingError, 500)])
def test_database_error_reveals_no_sql_and_no_trace(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                                    error: type[DBAPIError], status: int) -> None:
    """A database that fails (503) or a bad statement (500): neither shows SQL, values or code."""
    def broken(*args: object, **kwargs: object) -> None:
        raise error("SELECT secret_column FROM statement WHERE password = ?", {"p": KEY},
                    Exception("database disk image is malformed"))

    monkeypatch.setattr(common, "fetch_page", broken)
    app = create_app(Settings(database_url=sqlite_url, access_log=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        for url in ["/statements", "/documents?q=x", "/speakers?sort=-name"]:
            response = client.get(url)
            assert response.status_code == status
            assert response.headers["content-type"] == "application/problem+json"
            text = response.text
            for leak in ["SELECT", "secret_column", "malformed", KEY, "Traceback", "sqlalchemy", ".py"]:
                assert leak not in text, (url, leak)


def test_html_responses_carry_security_headers(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, access_log=False))

    @app.get("/embed/card")
    def card() -> HTMLResponse:
        return HTMLResponse("<p>card</p>")

    @app.get("/page-with-own-policy")
    def own() -> HTMLResponse:
        return HTMLResponse("<p>x</p>", headers={"Content-Security-Policy": "default-src 'none'"})

    with TestClient(app) as client:
        docs = client.get("/docs")
        assert docs.headers["x-content-type-options"] == "nosniff"
        assert docs.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
        assert docs.headers["x-frame-options"] == "DENY"

        embed = client.get("/embed/card")
        assert "frame-ancestors *" in embed.headers["content-security-policy"]
        assert "x-frame-options" not in embed.headers  # the card is meant to be framed
        assert embed.headers["x-content-type-options"] == "nosniff"

        assert client.get("/page-with-own-policy").headers["content-security-policy"] == "default-src 'none'"

        api = client.get("/healthz")
        assert api.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in api.headers


def test_every_html_route_has_the_headers(sqlite_url: str) -> None:
    """Whatever HTML pages exist now (/, /docs, embeds, ...) are covered by the middleware."""
    app = create_app(Settings(database_url=sqlite_url, access_log=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        for route in app.routes:
            path = getattr(route, "path", "")
            if "{" in path or "GET" not in getattr(route, "methods", set()):
                continue
            response = client.get(path)
            if response.headers.get("content-type", "").startswith("text/html"):
                assert response.headers.get("content-security-policy"), path
                assert response.headers.get("referrer-policy"), path
                assert response.headers["x-content-type-options"] == "nosniff", path


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _settle_access_logs() -> None:
    """Let writers of apps built by earlier tests (served without their lifespan, so never
    flushed) write their last batch before this test listens to the shared logger."""
    time.sleep(3 * AccessLogWriter.BATCH_SECONDS)


def test_access_log_is_json_without_keys(sqlite_url: str) -> None:
    _settle_access_logs()
    handler = ListHandler()
    logger = logging.getLogger("verbatim.access")
    logger.addHandler(handler)
    try:
        app = create_app(Settings(database_url=sqlite_url, api_keys=[KEY]))
        with TestClient(app, raise_server_exceptions=False) as client:
            client.get("/healthz", headers=AUTH)
            client.get(f"/statements?q={KEY}&api_key={KEY}&token=abc&limit=2", headers=AUTH)
            client.post("/documents", json={"text": "x y"}, headers={"Authorization": "Bearer wrong-key-123"})
            client.delete(f"/documents/{KEY}", headers=AUTH)
    finally:
        logger.removeHandler(handler)
    records = [json.loads(line) for line in handler.lines]
    assert [(r["method"], r["status"]) for r in records] == [
        ("GET", 200), ("GET", 422), ("POST", 401), ("DELETE", 422)]
    for record in records:
        assert {"ts", "method", "path", "status", "duration_ms"} <= set(record)
        assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0
    everything = "\n".join(handler.lines)
    for secret in [KEY, "wrong-key-123", "Bearer", "uthorization", "abc"]:
        assert secret not in everything, secret
    assert records[1]["path"] == "/statements" and "limit=2" in records[1]["query"]


def test_redact_query() -> None:
    assert redact_query("q=a&api_key=s3&limit=5") == "q=a&api_key=%2A%2A%2A&limit=5"
    assert "s3cr3t" not in redact_query("q=s3cr3t", ["s3cr3t"])
    assert redact_query("") == ""


def test_access_log_writer_writes_in_order_without_a_flush_and_everything_on_flush() -> None:
    """Lines are written by the writer thread on its own (in batches), in the order they
    were recorded; ``flush`` writes what is still queued and stops the writer, and the next
    line starts a new one."""
    _settle_access_logs()
    handler = ListHandler()
    logger = logging.getLogger("verbatim.access")
    logger.addHandler(handler)
    writer = AccessLogWriter()
    scope = {"method": "GET", "path": "/x", "query_string": b"", "client": ("127.0.0.1", 1)}
    try:
        for status in range(200, 300):
            writer.record(scope, status, 10, 0.001)
        deadline = time.monotonic() + 5
        while len(handler.lines) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [json.loads(line)["status"] for line in handler.lines] == list(range(200, 300))
        for status in range(300, 350):
            writer.record(scope, status, 10, 0.001)
        writer.flush()
        assert len(handler.lines) == 150 and writer._thread is None
        writer.record(scope, 418, 10, 0.001)
        writer.flush()
        assert json.loads(handler.lines[-1])["status"] == 418
    finally:
        writer.flush()
        logger.removeHandler(handler)
