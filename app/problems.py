"""RFC 9457 problem details: the one shape every 4xx/5xx response takes.

Route code raises :class:`Problem` (or FastAPI/Starlette raise their own exceptions); the
handlers registered by :func:`install` turn all of them into ``application/problem+json``
so clients parse a single error format and never see a stack trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger("verbatim.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Problem types (RFC 9457 §3.1.1). Generic HTTP errors use "about:blank" so their title is
# the status phrase; our own types are stable relative URIs documented in the README.
ABOUT_BLANK = "about:blank"
INVALID_PARAMETER = "/problems/invalid-parameter"
INVALID_CURSOR = "/problems/invalid-cursor"
VALIDATION_ERROR = "/problems/validation-error"
NOT_FOUND = "/problems/not-found"
UNAVAILABLE = "/problems/unavailable"
MALFORMED_BODY = "/problems/malformed-body"


class Problem(Exception):
    """An error the API reports on purpose, with a type a client can branch on."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type: str = ABOUT_BLANK,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = headers
        self.extensions = extensions

    def body(self, instance: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            data["instance"] = instance
        if self.errors is not None:
            data["errors"] = self.errors
        data.update(self.extensions)
        return data


def not_found(what: str, key: object, hint: str = "") -> Problem:
    """404 for an unknown id (or speaker id or slug), naming what was looked up."""
    looked_up = f"id {key}" if isinstance(key, int) else f"id or slug {key!r}"
    detail = f"No {what} with {looked_up}." + (f" {hint}" if hint else "")
    return Problem(404, detail, type=NOT_FOUND, title="Not Found")


def invalid_parameter(name: str, detail: str, **extensions: Any) -> Problem:
    """400 for a parameter that parsed but makes no sense (unknown sort field, ...)."""
    return Problem(
        400,
        detail,
        type=INVALID_PARAMETER,
        title="Invalid parameter",
        errors=[{"in": "query", "name": name, "detail": detail}],
        **extensions,
    )


def problem_response(problem: Problem, request: Request | None = None) -> Response:
    instance = request.url.path if request is not None else None
    return Response(
        orjson.dumps(problem.body(instance)),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as ``{in, name, detail, type}``; input values are not echoed back."""
    out = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        where = loc[0] if loc else "request"
        # query models nest their fields one level deeper: ("query", "limit")
        name = ".".join(loc[1:]) or where
        detail = str(err.get("msg", "invalid value"))
        if err.get("type") == "extra_forbidden":
            detail = f"Unknown {where} parameter {name!r}."
        out.append({"in": where, "name": name, "detail": detail, "type": err.get("type")})
    return out


async def _handle_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc, request)


async def _handle_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    if exc.status_code == 404 and detail is None:
        detail = f"Nothing is served at {request.url.path!r}."
    elif exc.status_code == 405 and detail is None:
        allowed = (exc.headers or {}).get("Allow") or (exc.headers or {}).get("allow")
        detail = f"{request.method} is not allowed here" + (f"; use {allowed}." if allowed else ".")
    problem = Problem(exc.status_code, detail or phrase, headers=exc.headers)
    return problem_response(problem, request)


async def _handle_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    names = ", ".join(sorted({e["name"] for e in errors}))
    problem = Problem(
        422,
        f"Invalid request parameter(s): {names}.",
        type=VALIDATION_ERROR,
        title="Validation error",
        errors=errors,
    )
    return problem_response(problem, request)


async def _handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        Problem(500, "The server failed to answer this request; the error has been logged."),
        request,
    )


def install(app: FastAPI) -> None:
    """Register the handlers; one place decides what every error looks like."""
    app.add_exception_handler(Problem, _handle_problem)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(Exception, _handle_unexpected)
