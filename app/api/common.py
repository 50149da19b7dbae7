"""What every list and item endpoint shares: query models, the list response, lookups.

A resource module declares a :class:`Listing` (its :class:`~app.queries.Resource`, public
schema and bulk serialiser) and calls :func:`list_response`; paging, formats, totals,
``Link`` headers and ETags are decided here once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, create_model
from sqlalchemy import ColumnElement
from sqlmodel import Session, select
from starlette.responses import Response

from app import formats
from app.cursors import codec_for
from app.problems import invalid_parameter, not_found, validation_problem
from app.queries import (
    FACET_SIZE,
    Resource,
    count_rows,
    decode_cursor,
    encode_cursor,
    facet_counts,
    fetch_page,
    iter_rows,
    key_of,
    parse_sort,
)
from app.schemas import ProblemOut
from app.urls import absolute, this_url

Serializer = Callable[[Session, Sequence[Any], Request], list[dict[str, Any]]]


@dataclass(frozen=True)
class Listing:
    """A resource as the API shows it."""

    resource: Resource
    schema: type[BaseModel]
    serialize: Serializer

    @property
    def columns(self) -> list[str]:
        return formats.csv_columns(self.schema.model_fields)


def list_params(name: str, resource: Resource) -> type[BaseModel]:
    """The query model of a list: the resource's filters plus paging, sort and format.

    Unknown parameters are rejected (422), so a typo such as ``?speakr=`` cannot silently
    return the unfiltered list.
    """
    fields: dict[str, Any] = {}
    for spec in resource.filters:
        limits = {"max_length": 500} if spec.annotation is str else {}
        fields[spec.name] = (
            spec.annotation | None,
            Field(default=None, description=spec.description, examples=[spec.example], **limits),
        )
    choices = resource.sort_choices()
    if resource.facets:
        names = [f.name for f in resource.facets]
        fields["facet"] = (
            list[Annotated[str, Field(max_length=100)]] | None,
            Field(
                default=None,
                max_length=len(names),
                description=(
                    "Count the matching rows by a field (repeatable; JSON only): `facets` in the "
                    f"response lists the top {FACET_SIZE} values with counts. One of: {', '.join(names)}."
                ),
                examples=[[names[0]]],
                json_schema_extra={"items": {"enum": names}},
            ),
        )
    fields.update(
        sort=(
            str | None,
            Field(
                default=None,
                description=(
                    f"Sort field, `-field` for descending; ties are broken by id. "
                    f"One of: {', '.join(choices)}. Default `{resource.default_sort}` "
                    "(also when empty, as an HTML form sends it)."
                ),
                examples=[choices[-1]],
                json_schema_extra={"enum": [*choices, ""]},
            ),
        ),
        limit=(
            int | None,
            Field(
                default=None,
                ge=1,
                le=1000,
                description=(
                    "Page size, 1–1000 (default 50). For CSV/NDJSON exports: stop after this "
                    "many rows (default: every matching row)."
                ),
                examples=[50],
            ),
        ),
        cursor=(
            str | None,
            Field(
                default=None,
                description="Opaque position from a previous page's `next` URL; do not build it by hand.",
                examples=["WyJzdGF0ZW1lbnRzIiwiaWQiLDEsMV0.q2bnl1s2Xxo"],
            ),
        ),
        format=(
            Literal["json", "csv", "ndjson"] | None,
            Field(
                default=None,
                description="Response format; also chosen by `Accept: text/csv` or `application/x-ndjson`.",
                examples=["csv"],
            ),
        ),
    )
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _check_limit(request: Request, limit: int | None) -> None:
    maximum = request.app.state.settings.max_page_size
    if limit is not None and limit > maximum:
        raise validation_problem("limit", f"limit must be at most {maximum}.", type="less_than_equal")


def list_response(
    request: Request,
    session: Session,
    listing: Listing,
    params: BaseModel,
    *,
    scope: Sequence[ColumnElement[bool]] = (),
    parent: tuple[str, Any] | None = None,
) -> Response:
    """A page of JSON (with ``total``, ``next`` and ``Link``) or a streamed export.

    ``scope`` adds the parent condition of a nested list (``/speakers/1/statements``);
    ``parent`` names it as the equivalent filter (``("speaker", 1)``) so that the total can
    come from the parent's counters like the flat ``?speaker=1``.
    """
    resource = listing.resource
    values = params.model_dump()
    fmt = formats.negotiate(request, values.pop("format"))
    sort = parse_sort(resource, values.pop("sort"))
    cursor = values.pop("cursor")
    codec = codec_for(request.app.state)
    start = decode_cursor(codec, resource, sort, cursor) if cursor else None
    limit = values.pop("limit")
    _check_limit(request, limit)
    facet_names = _facet_names(resource, values.pop("facet", None))
    conditions = [*resource.conditions(values, session), *scope]

    if fmt != "json":
        def batches(export_session: Session) -> Iterator[list[dict[str, Any]]]:
            for rows in iter_rows(export_session, resource, conditions=conditions, sort=sort,
                                  start=start, limit=limit):
                yield listing.serialize(export_session, rows, request)

        return export_response(request, session, fmt, batches, columns=listing.columns, filename=resource.key)

    limit = limit or request.app.state.settings.default_page_size
    rows = fetch_page(session, resource, conditions=conditions, sort=sort, start=start, limit=limit + 1)
    more, rows = len(rows) > limit, rows[:limit]
    next_url = None
    headers = {}
    if more:
        token = encode_cursor(codec, resource, sort, key_of(rows[-1], sort))
        next_url = str(this_url(request).include_query_params(cursor=token))
        headers["Link"] = f'<{next_url}>; rel="next"'
    page = {
        "items": listing.serialize(session, rows, request),
        "total": _total(request, session, resource, values, conditions,
                        scoped=bool(scope), parent=parent),
        "limit": limit,
        "next": next_url,
    }
    if facet_names:
        page["facets"] = _facets(request, session, resource, facet_names, conditions)
    return formats.json_response(request, page, headers)


def _total(
    request: Request, session: Session, resource: Resource, values: dict[str, Any],
    conditions: Sequence[ColumnElement[bool]], *, scoped: bool, parent: tuple[str, Any] | None = None,
) -> int | None:
    """Exact from the resource's declared counters when the filters allow it (O(1), even for
    a speaker quoted 100k times), else counted up to the cap. A nested list's ``parent``
    counts as a filter (``/speakers/1/statements`` is ``?speaker=1``)."""
    if resource.counters is not None and (parent is not None or not scoped):
        given = [(name, value) for name, value in values.items()
                 if name in resource.filter_by_name and value is not None and str(value).strip()]
        if parent is not None:
            given.append(parent)
        exact = resource.counters.total(session, given)
        if exact is not None:
            return exact
    return count_rows(session, resource, conditions, cap=request.app.state.settings.total_cap or None)


def _facet_names(resource: Resource, requested: list[str] | None) -> list[str]:
    """The requested facets in order, once each; an unknown name is a 400 naming the choices."""
    names = list(dict.fromkeys(name.strip() for name in requested or []))
    allowed = list(resource.facet_by_name)
    unknown = [name for name in names if name not in resource.facet_by_name]
    if unknown:
        raise invalid_parameter(
            "facet", f"Cannot facet {resource.key} by {unknown[0]!r}; allowed: {', '.join(allowed) or 'none'}.",
            allowed=allowed,
        )
    return names


def _facets(
    request: Request, session: Session, resource: Resource, names: list[str],
    conditions: Sequence[ColumnElement[bool]],
) -> dict[str, list[dict[str, Any]]]:
    """``{name: [{value, label, count, url}]}``; ``url`` applies that value as a filter."""
    out: dict[str, list[dict[str, Any]]] = {}
    base = this_url(request).remove_query_params(["cursor"])
    for name in names:
        facet = resource.facet_by_name[name]
        values = []
        for value, label, count in facet_counts(session, resource, facet, conditions):
            url = None
            if facet.param and value is not None:
                url = str(base.remove_query_params([facet.param]).include_query_params(**{facet.param: value}))
            values.append({"value": value, "label": label, "count": count, "url": url})
        out[name] = values
    return out


def export_response(
    request: Request,
    session: Session,
    fmt: formats.Format,
    batches: Callable[[Session], Iterator[list[dict[str, Any]]]],
    *,
    columns: list[str],
    filename: str,
) -> Response:
    """Stream ``batches(session)`` as CSV or NDJSON, with a weak ETag: every list and search.

    The request's connection goes back to the pool before streaming starts: FastAPI closes
    the session only after the body is sent, and the stream reads through a second session;
    with both held, a handful of concurrent exports exhausted the pool and deadlocked the
    worker. ``batches`` gets that second session.
    """
    etag = formats.export_etag(session, request, fmt)
    if formats.not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag, "Vary": "Accept"})
    engine = request.app.state.engine
    session.close()

    def stream() -> Iterator[list[dict[str, Any]]]:
        with Session(engine) as export_session:
            yield from batches(export_session)

    return formats.stream_response(
        fmt, batches=stream(), columns=columns, etag=etag, filename=filename,
        neutralise_formulas=request.app.state.settings.csv_neutralise_formulas,
    )


def item_response(request: Request, data: dict[str, Any]) -> Response:
    return formats.json_response(request, data)


def get_or_404(session: Session, model: type[Any], item_id: int, what: str) -> Any:
    row = session.get(model, item_id)
    if row is None:
        raise not_found(what, item_id)
    return row


def item_url(request: Request, collection: str, item_id: int) -> str:
    return absolute(request, f"/{collection}/{item_id}")


_PROBLEM_TEXT = {
    400: "Invalid parameter or cursor, or a malformed body (not UTF-8, not JSON).",
    404: "Unknown id, slug or route.",
    413: "Request body too large.",
    415: "Unsupported request media type.",
    422: "Validation error; `errors[]` names each bad parameter.",
    503: "A dependency (database, language model) is unavailable.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error codes, all RFC 9457 problem details."""
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemOut"}}}
    return {
        code: {"model": ProblemOut, "description": _PROBLEM_TEXT[code], "content": content}
        for code in codes
    }


LIST_RESPONSES = {
    200: {
        "description": "One page as JSON, or every matching row as CSV / NDJSON.",
        "content": {"text/csv": {}, "application/x-ndjson": {}},
    },
    304: {"description": "Not modified: the `ETag` matches `If-None-Match`."},
    **problems(400, 404, 422),
}
ITEM_RESPONSES = {
    304: {"description": "Not modified: the `ETag` matches `If-None-Match`."},
    **problems(404, 422),
}


def values_by_parent(
    session: Session, parent: Any, value: Any, ids: Sequence[int], *, order_by: Any = None
) -> dict[int, list[Any]]:
    """A child table's values grouped by parent id, for a whole page in one query (no N+1).

    ``parent`` and ``value`` are columns of the child table (e.g. ``SpeakerAlias.speaker_id``
    and ``SpeakerAlias.alias``); parents with no rows are simply absent from the result.
    """
    found: dict[int, list[Any]] = defaultdict(list)
    if ids:
        query = select(parent, value).where(parent.in_(list(ids)))
        if order_by is not None:
            query = query.order_by(order_by)
        for parent_id, item in session.execute(query):
            found[parent_id].append(item)
    return found
