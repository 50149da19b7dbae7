"""List and item routes are served by :class:`app.api.common.ReadRoute`'s own handler: it must
answer exactly as FastAPI's generic handler would, and must not skip a dependency."""

from __future__ import annotations

import pathlib
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI, Path, Request
from fastapi.testclient import TestClient
from opentelemetry import trace
from starlette.responses import JSONResponse, Response

from app import api, problems
from app.api.checks import check_parameters
from app.api.common import ReadRoute
from app.config import Settings
from app.main import create_app

ItemId = Annotated[int, Path(ge=1, le=1000, description="An id.")]


async def _echo(request: Request, item_id: ItemId) -> Response:
    return JSONResponse({"id": item_id})


def _twin_routes(**route: object) -> TestClient:
    """One endpoint served twice: by ReadRoute (``/lean``) and by FastAPI's handler (``/generic``)."""
    app = FastAPI(dependencies=[Depends(check_parameters)])
    problems.install(app)
    router = APIRouter()
    router.add_api_route("/lean/{item_id}", _echo, methods=["GET"], route_class_override=ReadRoute, **route)
    router.add_api_route("/generic/{item_id}", _echo, methods=["GET"], **route)
    app.include_router(router)
    return TestClient(app)


@pytest.mark.parametrize("tail", ["5", "abc", "0", "1001", "1.5", "99999999999999999999", "%00", "5?x=1",
                                  "5?x=%00", "-1", "%20"])
def test_a_read_route_answers_as_fastapi_does(tail: str) -> None:
    client = _twin_routes()
    lean, generic = client.get(f"/lean/{tail}"), client.get(f"/generic/{tail}")
    assert lean.status_code == generic.status_code
    assert lean.headers["content-type"] == generic.headers["content-type"]
    body, expected = lean.json(), generic.json()
    if isinstance(body, dict):
        body.pop("instance", None), expected.pop("instance", None)
    assert body == expected


def test_a_read_route_with_a_dependency_of_its_own_is_left_to_fastapi() -> None:
    def refuse() -> None:
        raise problems.not_found("thing", 5)

    client = _twin_routes(dependencies=[Depends(refuse)])
    assert client.get("/lean/5").status_code == client.get("/generic/5").status_code == 404


def test_every_list_and_item_route_takes_the_lean_handler(tmp_path: pathlib.Path) -> None:
    """An app-wide dependency other than the checks would be skipped by ReadRoute: adding one
    means serving those routes with FastAPI's handler again (drop route_class_override)."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'routes.db'}"))
    assert [dependency.dependency for dependency in app.router.dependencies] == [check_parameters]
    routes = [route for router in api.ROUTERS for route in router.routes]
    read_routes = [route for route in routes if isinstance(route, ReadRoute)]
    assert {route.path for route in read_routes} >= {
        "/statements", "/statements/{statement_id}", "/speakers/{id_or_slug}", "/speakers/{id_or_slug}/statements",
        "/documents/{document_id}", "/clauses", "/quotations/{quotation_id}"}
    assert all(not route.dependant.dependencies for route in read_routes)


class _ConfiguredTracerProvider(trace.TracerProvider):
    """Stands for an SDK's provider: anything but the API's deferred proxy."""

    def get_tracer(self, *args: object, **kwargs: object) -> trace.Tracer:
        return trace.NoOpTracer()


@pytest.mark.parametrize("telemetry", [False, True])
def test_fastapi_telemetry_only_when_asked(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                           telemetry: bool) -> None:
    """Off by default: no request asks OpenTelemetry whether a provider is configured."""
    monkeypatch.setattr(trace, "get_tracer_provider", _ConfiguredTracerProvider)
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'telemetry.db'}", telemetry=telemetry))
    assert app._native_telemetry.enabled() is telemetry
