"""RFC 9457 problem details: the one shape every 4xx/5xx response takes.

Route code raises :class:`Problem` (or FastAPI/Starlette raise their own exceptions); the
handlers registered by :func:`install` turn all of them into ``application/problem+json``
so clients parse a single error format and never see a stack trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import exc as db_errors
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

log = logging.getLogger("verbatim.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Problem types (RFC 9457 §3.1.1). Generic HTTP errors use "about:blank" so their title is
# the status phrase; our own types are stable relative URIs, and each one resolves: the
# registry below is what ``GET /problems/{name}`` serves, for people who follow the link.
ABOUT_BLANK = "about:blank"


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One problem type, described for the people who meet it."""

    name: str
    status: int
    title: str
    cause: str
    fix: str

    @property
    def uri(self) -> str:
        return f"/problems/{self.name}"


PROBLEM_TYPES: dict[str, ProblemType] = {}


def _problem_type(name: str, status: int, title: str, *, cause: str, fix: str) -> str:
    """Register a problem type; returns its URI (the ``type`` member of its problems)."""
    PROBLEM_TYPES[name] = ProblemType(name, status, title, cause, fix)
    return PROBLEM_TYPES[name].uri


VALIDATION_ERROR = _problem_type(
    "validation-error", 422, "Validation error",
    cause="A path or query parameter, or a field of the posted body, could not be parsed or is out "
          "of range (a limit over 1000, a date that is not ISO 8601, a blank text), or a query "
          "parameter the endpoint does not know was sent.",
    fix="Read errors[]: each entry names the parameter or field (in, name) and what is wrong with "
        "it. The accepted parameters of every endpoint are in /openapi.json and on /docs.")
INVALID_PARAMETER = _problem_type(
    "invalid-parameter", 400, "Invalid parameter",
    cause="A parameter parsed but cannot be used, such as a sort field the list does not have.",
    fix="Use one of the values listed in the allowed member of the problem, when it has one.")
INVALID_CURSOR = _problem_type(
    "invalid-cursor", 400, "Invalid cursor",
    cause="The cursor was not issued by this server for this list and sort: it was edited, "
          "truncated, or taken from another list.",
    fix="Follow the next URL of a page (or its Link header) exactly as given; after changing "
        "the filters or the sort, start again from the first page.")
NOT_FOUND = _problem_type(
    "not-found", 404, "Not Found",
    cause="No item has that id or slug: it never existed, or its document was deleted. Ids are "
          "never reused, and re-extraction keeps the id of every item it finds again.",
    fix="Look the item up in its list (for example /statements?document_id=… or /speakers?q=…).")
MALFORMED_BODY = _problem_type(
    "malformed-body", 400, "Malformed body",
    cause="The request body could not be read: it is not UTF-8, or it is sent as JSON but is "
          "not valid JSON.",
    fix='Send UTF-8, either as JSON ({"text": "…"}, Content-Type: application/json) or as the '
        "raw text (Content-Type: text/plain).")
UNAVAILABLE = _problem_type(
    "unavailable", 503, "Service unavailable",
    cause="Something the request needs is not available: the database, the language model "
          "used for extraction, or a free extraction slot (every one is busy).",
    fix="Retry after the number of seconds in Retry-After, when given. If it lasts, the "
        "server's operator must check the database or install the language model.")
UNTRUSTED_HOST = _problem_type(
    "untrusted-host", 400, "Untrusted host",
    cause="The request's Host header names a site this server does not serve, so it cannot "
          "build links with it (the server writes absolute URLs into its answers).",
    fix="Use the server's public address. Its operator lists the accepted names in "
        "VERBATIM_ALLOWED_HOSTS, or sets VERBATIM_PUBLIC_URL.")
UNAUTHORIZED = _problem_type(
    "unauthorized", 401, "Unauthorized",
    cause="Writing (adding, deleting or re-extracting documents) needs an API key, and the "
          "request sent none or one that is not valid.",
    fix="Send Authorization: Bearer <key> with a key the server's operator gave you.")
WRITES_DISABLED = _problem_type(
    "writes-disabled", 403, "Writes disabled",
    cause="This server has no API keys configured, so its write endpoints are off.",
    fix="The server's operator can enable writes by setting VERBATIM_API_KEYS.")
BODY_TOO_LARGE = _problem_type(
    "body-too-large", 413, "Content Too Large",
    cause="The request body is larger than the server accepts (VERBATIM_MAX_BODY_BYTES).",
    fix="Send a shorter text; split a very long document into parts.")
TIMEOUT = _problem_type(
    "timeout", 504, "Gateway Timeout",
    cause="The request took longer than the server's time limit and was abandoned.",
    fix="Narrow the request (filters, a smaller limit) or post a shorter text; large exports "
        "stream (format=csv or ndjson) and are not cut off once started.")

NO_ARTICLE_TEXT = _problem_type(
    "no-article-text", 422, "No article text",
    cause="The posted or fetched HTML page has no main text to extract statements from: it is "
          "an index, a login or error page, or its text is built by scripts in the browser.",
    fix="Post the article's own page (or its text as text/plain).")
FETCH_DISABLED = _problem_type(
    "fetch-disabled", 403, "Fetching disabled",
    cause='This server does not fetch pages by URL ({"url": …} on POST /documents).',
    fix="Fetch the page yourself and post it as text/html, or ask the server's operator to set "
        "VERBATIM_FETCH_ENABLED=true.")
URL_NOT_ALLOWED = _problem_type(
    "url-not-allowed", 422, "URL not allowed",
    cause="The URL (or a redirect from it) is not http or https, or its host resolves to a "
          "loopback, private or link-local address, which the server never fetches unless its "
          "operator allows it (VERBATIM_FETCH_ALLOW_PRIVATE).",
    fix="Give the public http(s) address of the page.")
FETCHED_TOO_LARGE = _problem_type(
    "fetched-too-large", 422, "Fetched page too large",
    cause="The page at the URL is larger than the server fetches (VERBATIM_FETCH_MAX_BYTES).",
    fix="Fetch the page yourself and post its article text.")
FETCHED_UNSUPPORTED_TYPE = _problem_type(
    "fetched-unsupported-type", 422, "Fetched content is not HTML",
    cause="The URL answered with something other than an HTML page (a PDF, an image, JSON…).",
    fix="Give the URL of the article's web page, or post its text as text/plain.")
TOO_MANY_REDIRECTS = _problem_type(
    "too-many-redirects", 422, "Too many redirects",
    cause="The URL redirected more times than the server follows (VERBATIM_FETCH_MAX_REDIRECTS).",
    fix="Give the page's final address.")
FETCH_FAILED = _problem_type(
    "fetch-failed", 502, "Fetch failed",
    cause="The page could not be fetched: its host did not resolve or answer in time, or it "
          "answered with an HTTP error.",
    fix="Check the URL in a browser; retry later if the site was down.")
EXTRACTION_TIMEOUT = _problem_type(
    "extraction-timeout", 422, "Extraction took too long",
    cause="Extracting statements from the posted text took longer than the server's budget for "
          "one document (VERBATIM_EXTRACTION_TIMEOUT_SECONDS), so it was stopped. Nothing was "
          "stored. Ordinary articles take well under a second; very long texts or texts with "
          "no sentence structure (huge tables, symbol runs) can exceed it.",
    fix="Post a shorter text (split a very long document into parts), or ask the server's "
        "operator to raise the budget or to load the file with verbatim ingest.")


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

    @classmethod
    def of(cls, type: str, detail: str, **kwargs: Any) -> Problem:
        """A problem of a registered type (a URI from this module): its status and title
        come from the registry, so a type always answers with the same status."""
        kind = PROBLEM_TYPES[type.rsplit("/", 1)[-1]]
        return cls(kind.status, detail, type=kind.uri, title=kind.title, **kwargs)

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
    return Problem.of(NOT_FOUND, detail)


def validation_problem(name: str, detail: str, **error: Any) -> Problem:
    """422 for a query parameter whose value is unusable (blank, too large, ...)."""
    return Problem.of(VALIDATION_ERROR, detail, errors=[{"in": "query", "name": name, "detail": detail, **error}])


def invalid_parameter(name: str, detail: str, **extensions: Any) -> Problem:
    """400 for a parameter that parsed but makes no sense (unknown sort field, ...)."""
    return Problem.of(INVALID_PARAMETER, detail, errors=[{"in": "query", "name": name, "detail": detail}],
                      **extensions)


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
    headers = exc.headers
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        headers = {**{k: v for k, v in (exc.headers or {}).items() if k.lower() != "allow"}, "Allow": allowed}
        detail = detail or f"{request.method} is not allowed here" + (f"; use {allowed}." if allowed else ".")
    problem = Problem(exc.status_code, detail or phrase, headers=headers)
    return problem_response(problem, request)


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """The ``Allow`` value of a 405: every method some route answers at this path (Starlette
    names only the first matching route's, so ``PUT /documents`` would omit POST), with HEAD
    wherever GET is allowed, since :class:`app.middleware.Guard` answers it.

    Each method is probed through the routes' public ``matches`` (routers included with
    ``include_router`` are routes too), so nested routers need no special case.
    """
    routes = request.app.router.routes
    allowed = [
        method for method in METHOD_ORDER
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")
    return ", ".join(allowed)


async def _handle_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    names = ", ".join(sorted({e["name"] for e in errors}))
    problem = Problem.of(VALIDATION_ERROR, f"Invalid request parameter(s): {names}.", errors=errors)
    return problem_response(problem, request)


DATABASE_RETRY_SECONDS = 5


def database_unavailable(exc: BaseException) -> bool:
    """True for failures of the database itself (down, unreachable, unreadable file, no free
    connection), as opposed to a bad statement: those are a 503, not a bug."""
    if isinstance(exc, (db_errors.OperationalError, db_errors.InterfaceError, db_errors.TimeoutError)):
        return True
    if isinstance(exc, db_errors.DBAPIError) and exc.connection_invalidated:
        return True
    # SQLite "file is not a database" / "disk I/O error" arrive as the bare DatabaseError
    return type(exc) is db_errors.DatabaseError


async def _handle_database(request: Request, exc: Exception) -> Response:
    if not database_unavailable(exc):
        return await _handle_unexpected(request, exc)
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path,
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    return problem_response(
        Problem.of(UNAVAILABLE, "The database is unavailable; try again shortly.", headers={"Retry-After": str(DATABASE_RETRY_SECONDS)}),
        request,
    )


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
    app.add_exception_handler(db_errors.SQLAlchemyError, _handle_database)
    app.add_exception_handler(Exception, _handle_unexpected)
