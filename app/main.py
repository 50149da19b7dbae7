"""The FastAPI application: ``create_app()`` wires settings, database, routes, errors, CORS.

Each call builds an independent app bound to its own engine (``app.state.engine``), so tests
can serve several databases side by side and ``verbatim serve`` can pass its settings.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from typing import Any
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from app import formats, problems
from app import api, web
from app.api.checks import check_parameters
from app.config import Settings, get_settings
from app.db import make_engine
from app.middleware import AccessLogWriter, Guard, configure_access_log
from app.point_reads import PointReads
from app.read_lanes import BULK_READS_EXCUSED, PAGE_READS_EXCUSED, ReadLane

DESCRIPTION = """
**Who said what**, extracted from news text: direct quotes and reported speech attributed to
resolved speakers, and the clauses of the declarations the articles describe. Every item
points back to the exact characters of its source document (`text[start_char:end_char]`).

* **Lists** return `{"items", "total", "limit", "next"}` and an RFC 8288 `Link: <…>; rel="next"`
  header. Paging is keyset: follow `next` (it carries an opaque `cursor`). `limit` is 1–1000
  (default 50). `sort=field` or `sort=-field`; ties break by id.
* **Formats**: JSON by default; `?format=csv` (or `Accept: text/csv`) and `?format=ndjson`
  stream *every* matching row (all pages) unless `limit` is given.
* **Errors** are RFC 9457 `application/problem+json`.
* **Caching**: every GET has an `ETag`; send it back in `If-None-Match` to get `304`.
"""

TAGS = [
    {"name": "statements", "description": "Direct quotes and reported speech, with speakers."},
    {"name": "speakers", "description": "People and organisations, with aliases and counts."},
    {"name": "documents", "description": "Source articles; every span indexes their text."},
    {"name": "quotations", "description": "A speaker's words grouped across articles, first appearance, "
                                          "and claimed quotes matched to their sources."},
    {"name": "declarations", "description": "Declarations, treaties and agreements described."},
    {"name": "clauses", "description": "Provisions of declarations, with their principles."},
    {"name": "extraction", "description": "Run the extractor on any text; nothing is stored."},
    {"name": "health", "description": "Liveness and database checks."},
]


# FastAPI's OpenTelemetry bridge, off unless VERBATIM_TELEMETRY is set: left on, it asks the
# global providers whether they are configured on every request (8% of an item's CPU)
_NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's schema, plus a parameter-level ``example`` (what /docs pre-fills) taken
    from each parameter's schema, and an example page for every list schema."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                             description=app.description, routes=app.routes, tags=app.openapi_tags)
        for path in schema["paths"].values():
            for operation in path.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if code[0] in "45" and "application/problem+json" in content:
                        content.pop("application/json", None)  # errors are problem+json only
                for param in operation.get("parameters", []):
                    examples = param.get("schema", {}).get("examples")
                    if examples and "example" not in param:
                        param["example"] = examples[0]
        components = schema.get("components", {}).get("schemas", {})
        for name, component in components.items():
            if name.startswith("Page_") and "examples" not in component:
                item = components.get(name[5:].rstrip("_"), {}).get("examples", [None])[0]
                component["examples"] = [{"items": [item], "total": 1, "limit": 50, "next": None}]
        app.openapi_schema = schema
        return schema

    return build


def _openapi_with_etag(app: FastAPI) -> None:
    """Serve ``/openapi.json`` with an ETag and 304 like every other GET (FastAPI's own has none)."""
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != app.openapi_url]

    @app.get(app.openapi_url or "/openapi.json", include_in_schema=False)
    def openapi_json(request: Request) -> Response:
        return formats.json_response(request, app.openapi())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Everything built so far (modules, routes, schemas, the engine) lives as long as the
    # process: moved out of the collector's generations, a full collection no longer walks
    # it, and the pauses it caused set the tail latency (item p99 77 ms -> 17 ms at 2,300 req/s).
    gc.collect()
    gc.freeze()
    # the read lanes (app.read_lanes), made here, inside the serving event loop they belong to
    settings = app.state.settings
    app.state.read_lane = ReadLane(settings.read_threads, spare=PAGE_READS_EXCUSED)
    app.state.bulk_lane = ReadLane(settings.bulk_read_threads, spare=BULK_READS_EXCUSED)
    app.state.point_reads = await _open_point_reads(app) if settings.loop_point_reads else None
    yield
    if app.state.point_reads is not None:
        app.state.point_reads.close()
    app.state.engine.dispose()  # close pooled connections when the server stops
    if app.state.access_log is not None:
        app.state.access_log.flush()  # every answered request has its line


async def _open_point_reads(app: FastAPI) -> PointReads | None:
    """The loop's SQLite connection for item reads (app.point_reads), opened in a worker
    thread; None on PostgreSQL, or when the database cannot be opened now (items then read
    in the lane, whose errors answer the request)."""
    try:
        return await anyio.to_thread.run_sync(PointReads.open, app.state.engine)
    except SQLAlchemyError:
        return None


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for ``settings`` (default: the ``VERBATIM_*`` environment)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Verbatim",
        version="0.1.0",
        summary="Who said what in the news, as a JSON API.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=_lifespan,
        dependencies=[Depends(check_parameters)],
        telemetry=None if settings.telemetry else _NO_TELEMETRY,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    problems.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Link", "ETag"],
        max_age=600,
    )
    app.state.access_log = None
    app.state.point_reads = None  # opened by the lifespan
    if settings.access_log:
        configure_access_log()
        app.state.access_log = AccessLogWriter(secrets=settings.api_keys)
    # outermost: the access log sees the final status (400, 413 and 504 included)
    app.add_middleware(Guard, hosts=settings.trusted_hosts, max_body_bytes=settings.max_body_bytes,
                       timeout_seconds=settings.request_timeout_seconds, access_log=app.state.access_log)
    for router in api.ROUTERS + web.ROUTERS:
        app.include_router(router)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    _openapi_with_etag(app)
    return app
