"""What every API route checks before its handler runs: no NUL in any parameter, and no
query parameter the route does not declare (422 problems naming each one)."""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.problems import VALIDATION_ERROR, Problem


def _invalid(detail: str, errors: list[dict[str, str]]) -> Problem:
    return Problem.of(VALIDATION_ERROR, detail, errors=errors)


# The two checks below are ``async`` (they never wait on anything): FastAPI runs a plain
# ``def`` dependency in the threadpool, a thread hop per check and request.
async def _reject_nul(request: Request) -> None:
    """NUL cannot be stored or compared in PostgreSQL text; refuse it as bad input (422),
    naming the path parameter or query parameter that carries it."""
    detail = "Parameters may not contain NUL characters."
    errors = [{"in": "path", "name": name, "detail": detail}
              for name, value in request.path_params.items() if "\x00" in str(value)]
    if not errors and "\x00" in request.scope["path"]:  # not request.url: it builds the whole URL
        errors.append({"in": "path", "name": "path", "detail": detail})
    errors += [{"in": "query", "name": name, "detail": detail}
               for name, value in request.query_params.multi_items() if "\x00" in value or "\x00" in name]
    if errors:
        raise _invalid(detail, errors)


# oEmbed consumers add parameters of their own (WordPress sends `dnt`, others `lang`), so the
# provider endpoint ignores what it does not know instead of failing the embed.
LENIENT_QUERY_PATHS = frozenset({"/oembed"})


def _known_query_names(route: APIRoute) -> frozenset[str] | None:
    """The query parameter names ``route`` declares, or None when a query model (lists,
    search) checks them itself with ``extra="forbid"``; a list reads its model itself and
    documents it in ``openapi_extra`` (:class:`app.api.common.ListQuery`)."""
    documented = (route.openapi_extra or {}).get("parameters", [])
    if any(param.get("in") == "query" for param in documented):
        return None
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for param in dependant.query_params:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                return None
            names.add(param.alias)
    return frozenset(names)


async def _reject_unknown_query(request: Request) -> None:
    """Item and other non-list API routes refuse unknown query parameters (422, the shape
    lists use), so ``/statements/4?fromat=csv`` is an error rather than silently ignored."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema or route.path in LENIENT_QUERY_PATHS:
        return
    try:
        known = route.verbatim_query_names  # type: ignore[attr-defined]
    except AttributeError:  # first request on this route: the walk is the same for every request
        known = route.verbatim_query_names = _known_query_names(route)  # type: ignore[attr-defined]
    if known is None:
        return
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
    if unknown:
        raise _invalid(f"Invalid request parameter(s): {', '.join(sorted(unknown))}.", [
            {"in": "query", "name": name, "detail": f"Unknown query parameter {name!r}.",
             "type": "extra_forbidden"} for name in unknown])


async def check_parameters(request: Request) -> None:
    """Both checks above, as one app-wide dependency (FastAPI solves each dependency
    separately); list and item routes call it themselves (:class:`app.api.common.ReadRoute`)."""
    await _reject_nul(request)
    await _reject_unknown_query(request)
