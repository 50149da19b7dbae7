"""What every list and item endpoint shares: query models, the list response, lookups.

A resource module declares a :class:`Listing` (its :class:`~app.queries.Resource`, public
schema and the fields kept in other tables) and registers its routes with
:func:`add_list_route` and :func:`add_item_route`; paging, formats, totals, ``Link``
headers and ETags are decided here once.

The read path is lean on purpose (a page is 50 rows, an item one): rows are read as Core
tuples of exactly the columns the schema shows (no ORM object per row), on the session's
connection (the ORM's execution path adds nothing to a select of columns but CPU), with the
statements whose shape is fixed built once and given bind parameters (building a select
costs more CPU than SQLite takes to answer it); turned into dicts in one pass, fields read
by position, and encoded by orjson; nothing validates outgoing rows (the response models
document the shapes in OpenAPI and the tests validate every item against them).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from operator import itemgetter
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from sqlalchemy import ColumnElement, bindparam, select
from sqlmodel import Session
from starlette.responses import Response, StreamingResponse

from app import formats
from app.api.checks import check_parameters
from app.cursors import codec_for
from app.problems import invalid_parameter, not_found, validation_problem
from app.point_reads import PointReadBusy, PointReads
from app.read_lanes import ReadLane, run_read
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
    table_columns,
)
from app.schemas import Page, ProblemOut
from app.urls import absolute, base_url, this_url

# the fields of a page's rows that live in other tables, one dict per row (a statement's speakers)
Related = Callable[[Session, Sequence[Any]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Listing:
    """A resource as the API shows it; its ``schema`` is the one definition of an item's fields.

    A schema field that is a column of the resource's table is read from it; the others
    come from ``related`` (which may read the extra columns named in ``reads``), except
    ``url``, the item's own address in the ``url`` collection. Fields in ``omit_empty`` are
    left out of an item when empty (an uninterrupted quote has no ``fragments``). Adding a
    field to an item is adding it to the schema (and the column to the table).
    """

    resource: Resource
    schema: type[BaseModel]
    related: Related | None = None
    reads: tuple[str, ...] = ()
    url: str | None = None
    omit_empty: frozenset[str] = field(default_factory=frozenset)
    _lookups: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)  # read_by's selects

    @cached_property
    def _read_names(self) -> list[str]:
        table = self.resource.model.__table__  # type: ignore[attr-defined]
        stored = [name for name in self.schema.model_fields if name in table.c]
        wanted = [*stored, "id", *self.reads, *self.resource.sorts.values()]
        return list(dict.fromkeys(wanted))

    @cached_property
    def read_columns(self) -> list[Any]:
        """The table columns a row is read with: the schema's own, the id, ``reads``, sorts."""
        return table_columns(self.resource, self._read_names)

    @cached_property
    def _fields(self) -> list[tuple[str, int | None]]:
        """Each schema field with the index of its column in a row (None: not stored)."""
        index = {name: i for i, name in enumerate(self._read_names)}
        return [(name, index.get(name)) for name in self.schema.model_fields]

    @property
    def columns(self) -> list[str]:
        """Export columns (CSV): the schema's fields, with speakers flattened."""
        return formats.csv_columns(self.schema.model_fields)

    @cached_property
    def params(self) -> type[BaseModel]:
        """The query model of this list (filters, paging, sort, format)."""
        return list_params(self.schema.__name__.removesuffix("Out") + "Params", self.resource)

    def items(self, session: Session, rows: Sequence[Any], base: str) -> list[dict[str, Any]]:
        """Rows as response items, in the schema's field order; ``base`` is the site's URL."""
        related = self.related(session, rows) if self.related is not None else None
        id_at = self._read_names.index("id")
        out = []
        for n, row in enumerate(rows):
            item: dict[str, Any] = {}
            for name, at in self._fields:
                if at is not None:
                    value = row[at]
                elif name == "url":
                    value = f"{base}/{self.url}/{row[id_at]}"
                else:
                    value = related[n][name]  # type: ignore[index]
                if value or name not in self.omit_empty:
                    item[name] = value
            out.append(item)
        return out

    def read_by(self, session: Session, name: str, value: Any) -> Any:
        """The first row whose column ``name`` equals ``value`` (an id, a slug), or None."""
        stmt = self._lookups.get(name)
        if stmt is None:  # built once a column: building a select costs more CPU than SQLite takes to answer it
            column = table_columns(self.resource, [name])[0]
            stmt = self._lookups[name] = select(*self.read_columns).where(column == bindparam("value")).limit(1)
        return session.connection().execute(stmt, {"value": value}).first()

    def read_id(self, session: Session, item_id: int) -> Any:
        """The row with id ``item_id``, or None."""
        return self.read_by(session, "id", item_id)


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

    base = base_url(request)
    if fmt != "json":
        def batches(export_session: Session) -> Iterator[list[dict[str, Any]]]:
            for rows in iter_rows(export_session, resource, conditions=conditions, sort=sort,
                                  start=start, limit=limit, columns=listing.read_columns):
                yield listing.items(export_session, rows, base)

        return export_response(request, session, fmt, batches, columns=listing.columns, filename=resource.key)

    limit = limit or request.app.state.settings.default_page_size
    rows = fetch_page(session, resource, conditions=conditions, sort=sort, start=start, limit=limit + 1,
                      columns=listing.read_columns)
    more, rows = len(rows) > limit, rows[:limit]
    next_url = None
    headers = {}
    if more:
        token = encode_cursor(codec, resource, sort, key_of(rows[-1], sort))
        next_url = str(this_url(request).include_query_params(cursor=token))
        headers["Link"] = f'<{next_url}>; rel="next"'
    page = {
        "items": listing.items(session, rows, base),
        "total": _total(request, session, resource, values, conditions,
                        scoped=bool(scope), parent=parent, whole=rows if start is None and not more else None),
        "limit": limit,
        "next": next_url,
    }
    if facet_names:
        page["facets"] = _facets(request, session, resource, facet_names, conditions)
    return formats.json_response(request, page, headers)


def _total(
    request: Request, session: Session, resource: Resource, values: dict[str, Any],
    conditions: Sequence[ColumnElement[bool]], *, scoped: bool, parent: tuple[str, Any] | None = None,
    whole: Sequence[Any] | None = None,
) -> int | None:
    """Exact from the resource's declared counters when the filters allow it (O(1), even for
    a speaker quoted 100k times), else counted up to the cap. A nested list's ``parent``
    counts as a filter (``/speakers/1/statements`` is ``?speaker=1``). A list that fits on
    its first page (``whole``) is its own count."""
    cap = request.app.state.settings.total_cap or None
    if whole is not None and (cap is None or len(whole) <= cap):
        return len(whole)
    if resource.counters is not None and (parent is not None or not scoped):
        given = [(name, value) for name, value in values.items()
                 if name in resource.filter_by_name and value is not None and str(value).strip()]
        if parent is not None:
            given.append(parent)
        exact = resource.counters.total(session, given)
        if exact is not None:
            return exact
    return count_rows(session, resource, conditions, cap=cap)


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


# An export whose body is at most this big is read whole by the request's own thread and
# sent with a Content-Length; a larger one streams, each further batch read in the bulk lane.
WHOLE_EXPORT_BYTES = 1 << 20


def export_response(
    request: Request,
    session: Session,
    fmt: formats.Format,
    batches: Callable[[Session], Iterator[list[dict[str, Any]]]],
    *,
    columns: list[str],
    filename: str,
) -> Response:
    """CSV or NDJSON of ``batches(session)``, with a weak ETag: every list and search.

    The request's connection goes back to the pool before the export is read: ``batches``
    gets a session of its own, whose connection is held only while a batch is read, never
    while the client takes it (80 slow readers cannot starve a pool of 40; holding both
    once deadlocked the worker). Each batch is fetched whole, and keyset (or offset) paging
    carries the position. A small export is sent as one body: streaming it cost a thread
    hop per batch and the chunked framing, more than reading it.
    """
    etag = formats.export_etag(session, request, fmt)
    if formats.not_modified(request, etag):
        return Response(status_code=304, headers={"ETag": etag, "Vary": "Accept"})
    session.close()
    chunks = formats.export_chunks(fmt, _batches_between_reads(request.app.state.engine, batches), columns,
                                   neutralise_formulas=request.app.state.settings.csv_neutralise_formulas)
    media_type, headers = formats.EXPORT_MEDIA_TYPES[fmt], formats.export_headers(fmt, etag, filename)
    head, size = [], 0
    for chunk in chunks:
        head.append(chunk)
        size += len(chunk)
        if size > WHOLE_EXPORT_BYTES:
            break
    else:
        return Response(b"".join(head), media_type=media_type, headers=headers)
    return StreamingResponse(_stream_in_lane(getattr(request.app.state, "bulk_lane", None), head, chunks),
                             media_type=media_type, headers=headers)


def _batches_between_reads(
    engine: Any, batches: Callable[[Session], Iterator[list[dict[str, Any]]]]
) -> Iterator[list[dict[str, Any]]]:
    """``batches`` on a session of its own that gives its connection back after each batch."""
    with Session(engine) as export_session:
        for batch in batches(export_session):
            export_session.close()  # back to the pool while the client reads; reopened for the next
            yield batch


async def _stream_in_lane(lane: ReadLane | None, head: list[bytes],
                          chunks: Generator[bytes, None, None]) -> AsyncIterator[bytes]:
    """``head``, then the rest of ``chunks``, each read in a thread of the bulk lane."""
    try:
        for chunk in head:
            yield chunk
        while (chunk := await run_read(lane, next, chunks, None)) is not None:
            yield chunk
    finally:
        # a read in progress has finished (threads are not abandoned on cancellation), so the
        # generator can be closed here; that closes the export's session
        chunks.close()


def item_response(request: Request, data: dict[str, Any]) -> Response:
    return formats.json_response(request, data)


def item_of(request: Request, session: Session, listing: Listing, row: Any) -> dict[str, Any]:
    """One row as its item."""
    return listing.items(session, [row], base_url(request))[0]


@cache
def _id_of(model: type[Any]) -> Any:
    """``SELECT id WHERE id = :item_id`` on ``model``'s table, built once a model."""
    table = model.__table__
    return select(table.c.id).where(table.c.id == bindparam("item_id"))


def get_or_404(session: Session, model: type[Any], item_id: int, what: str) -> Any:
    """The ``(id,)`` of a row that must exist (a nested list's parent); 404 otherwise."""
    row = session.connection().execute(_id_of(model), {"item_id": item_id}).first()
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


def children(parent: Any, value: Any, *, order_by: Any = None) -> Any:
    """The ``(parent, value)`` rows of a child table for the parent ids ``:ids``, in ``order_by``
    order: built once, at import (e.g. ``SpeakerAlias.speaker_id`` and ``SpeakerAlias.alias``)."""
    query = select(parent, value).where(parent.in_(bindparam("ids", expanding=True)))
    return query if order_by is None else query.order_by(order_by)


def values_by_parent(session: Session, query: Any, ids: Sequence[int]) -> dict[int, list[Any]]:
    """A child table's values grouped by parent id, for a whole page in one query (no N+1):
    ``query`` is one of :func:`children`; parents with no rows are simply absent from the result.
    """
    found: dict[int, list[Any]] = defaultdict(list)
    if ids:
        for parent_id, item in session.connection().execute(query, {"ids": list(ids)}).all():
            found[parent_id].append(item)
    return found


def values_of(rows: Sequence[Any], *names: str) -> list[Any]:
    """The fields ``names`` of each Core row (a value per row for one name, else a tuple), read by
    position: a row's attribute lookup by name costs ten times its index (0.28 against 0.02 µs)."""
    if not rows:
        return []
    keys = rows[0]._fields
    return list(map(itemgetter(*(keys.index(name) for name in names)), rows))


# --- routes ------------------------------------------------------------------------------

PathParam = tuple[str, Any]  # a path parameter's name and annotation
Find = Callable[[Session, Any], Any]  # a path parameter's value to its row; 404 when absent


@dataclass(frozen=True)
class Parent:
    """The parent of a nested list (``/speakers/{id_or_slug}/statements``): its path
    parameter and ``scope``, which finds it (404 when absent) and returns the list's extra
    conditions with the equivalent filter (``("speaker", 1)``), if any, for exact totals."""

    param: PathParam
    scope: Callable[[Session, Any], tuple[list[ColumnElement[bool]], tuple[str, Any] | None]]


def _endpoint(name: str, handle: Callable[..., Response], params: Sequence[PathParam],
              bulk: Callable[[Request], bool] | None = None, point: bool = False) -> Callable[..., Any]:
    """An endpoint called ``name`` taking ``params`` that runs ``handle`` with a session in a
    worker thread of one of the app's two read lanes (:mod:`app.read_lanes`): bulk reads
    (``bulk(request)``: facets and exports, whose cost grows with the rows they match) in
    ``VERBATIM_BULK_READ_THREADS`` threads, every other read (a page, an item) in
    ``VERBATIM_READ_THREADS``, so a page never waits behind a facet or an export.

    A ``point`` read (an item by its id or slug) runs on the event loop's own SQLite
    connection instead (:mod:`app.point_reads`), unless that would wait for a lock.

    The session is opened here, not by a dependency: FastAPI enters and leaves a generator
    dependency in its own threadpool, two more thread hops per request beside the endpoint's."""

    def run(request: Request, values: dict[str, Any]) -> Response:
        with Session(request.app.state.engine) as session:
            return handle(request, session, **values)

    async def endpoint(request: Request, **values: Any) -> Response:
        point_reads: PointReads | None = getattr(request.app.state, "point_reads", None) if point else None
        if point_reads is not None and point_reads.usable:
            try:
                return point_reads.run(lambda session: handle(request, session, **values))
            except PointReadBusy:
                pass  # a lock: the lane's connection waits for it
        lane = "bulk_lane" if bulk is not None and bulk(request) else "read_lane"
        return await run_read(getattr(request.app.state, lane, None), run, request, values)

    keyword = inspect.Parameter.KEYWORD_ONLY
    endpoint.__name__ = name
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", keyword, annotation=Request),
         *(inspect.Parameter(param, keyword, annotation=annotation) for param, annotation in params)],
        return_annotation=Response)
    return endpoint


class ReadRoute(APIRoute):
    """The route of a list or an item (:func:`_endpoint`): documented by FastAPI from the
    endpoint's signature like any route, but served by a handler of its own that makes the
    app-wide checks (:func:`~app.api.checks.check_parameters`), validates the path
    parameters with validators built once, then awaits the endpoint.

    FastAPI's generic handler solves the app-wide dependency and the path parameter through
    its dependency machinery on every request: a third of the event loop's time on an item.
    The answers are the same, 422 problems included. A route with a dependency of its own
    (or its router's) is left to FastAPI's handler; an app-wide dependency other than the
    checks would not run here (tests/api/test_read_routes.py guards that).
    """

    def get_route_handler(self) -> Callable[[Request], Any]:
        if self.dependant.dependencies:
            return super().get_route_handler()
        endpoint = self.endpoint
        path_params = [(field.name, field.alias, TypeAdapter(Annotated[field.field_info.annotation, field.field_info]))
                       for field in self.dependant.path_params]

        async def handle(request: Request) -> Response:
            await check_parameters(request)
            given, values, errors = request.path_params, {}, []
            for name, alias, adapter in path_params:
                try:
                    values[name] = adapter.validate_python(given[alias])
                except ValidationError as exc:
                    errors += located_errors(exc, "path", alias)
            if errors:
                raise RequestValidationError(errors)
            return await endpoint(request=request, **values)

        return handle


def located_errors(exc: ValidationError, *loc: str) -> list[dict[str, Any]]:
    """``exc``'s errors as FastAPI reports a parameter's, located under ``loc`` (``"query"``)."""
    return [{**error, "loc": (*loc, *error["loc"])} for error in exc.errors(include_url=False)]


def is_bulk_read(request: Request) -> bool:
    """Whether a list request facets or exports (decided before its query is validated: an
    invalid value only sends a 422 through the bulk lane)."""
    query = request.query_params
    return "facet" in query or formats.negotiate(request, query.get("format")) != "json"


def add_list_route(router: APIRouter, path: str, listing: Listing, *, name: str, summary: str,
                   description: str, parent: Parent | None = None, tags: list[str] | None = None) -> None:
    """``GET path``: the list of ``listing``, nested under ``parent`` when given.

    The query string is validated here by the list's query model, in one call, and the model's
    fields are documented as the operation's query parameters (``openapi_extra``): FastAPI's
    own handling of a query model checks each field's annotation again on every request, which
    cost more than a quarter of the event loop's time on a list page.
    """
    query = ListQuery(listing.params)

    def handle(request: Request, session: Session, **parent_value: Any) -> Response:
        params = query.parse(request)
        scope, equivalent = parent.scope(session, *parent_value.values()) if parent else ([], None)
        return list_response(request, session, listing, params, scope=scope, parent=equivalent)

    router.add_api_route(path, _endpoint(name, handle, [parent.param] if parent else [], bulk=is_bulk_read),
                         methods=["GET"], route_class_override=ReadRoute,
                         name=name, response_model=Page[listing.schema],  # type: ignore[name-defined]
                         responses=LIST_RESPONSES, summary=summary, description=description, tags=tags,
                         openapi_extra={"parameters": query.openapi_parameters()})


class ListQuery:
    """A list's query string, read with its query model (``extra="forbid"``: unknown names are
    422 problems like every other invalid parameter)."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.repeatable = frozenset(name for name, field in model.model_fields.items()
                                    if typing.get_origin(_non_null(field.annotation)) is list)

    def parse(self, request: Request) -> BaseModel:
        """The validated parameters; a repeated parameter keeps its last value unless it is
        repeatable (``facet``), as FastAPI reads query parameters."""
        data: dict[str, Any] = {}
        for key, value in request.query_params.multi_items():
            if key in self.repeatable:
                data.setdefault(key, []).append(value)
            else:
                data[key] = value
        try:
            return self.model.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(located_errors(exc, "query")) from None

    def openapi_parameters(self) -> list[dict[str, Any]]:
        """The model's fields as OpenAPI query parameters, shaped as FastAPI writes them."""
        properties = self.model.model_json_schema()["properties"]
        out = []
        for name, field in self.model.model_fields.items():
            schema = {key: value for key, value in properties[name].items() if key != "default"}
            parameter = {"name": name, "in": "query", "required": field.is_required(), "schema": schema}
            if field.description:
                parameter["description"] = field.description
            out.append(parameter)
        return out


def _non_null(annotation: Any) -> Any:
    """``X`` of ``X | None``."""
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return args[0] if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1 else annotation


def add_item_route(router: APIRouter, path: str, listing: Listing, *, name: str, summary: str,
                   description: str, param: PathParam, find: Find,
                   extend: Callable[[Request, Session, Any], dict[str, Any]] | None = None,
                   response_model: type[BaseModel] | None = None) -> None:
    """``GET path``: the item ``find`` reads (a 404 problem when absent), plus ``extend``'s fields:
    a point read (``find`` and ``extend`` must read a bounded number of rows by key)."""

    def handle(request: Request, session: Session, **value: Any) -> Response:
        row = find(session, *value.values())
        data = item_of(request, session, listing, row)
        if extend is not None:
            data.update(extend(request, session, row))
        return item_response(request, data)

    router.add_api_route(path, _endpoint(name, handle, [param], point=True), methods=["GET"], name=name,
                         route_class_override=ReadRoute,
                         response_model=response_model or listing.schema, responses=ITEM_RESPONSES,
                         summary=summary, description=description)


def by_id(listing: Listing, what: str) -> Find:
    """Find a row of ``listing`` by id; a 404 naming ``what`` when there is none."""
    def find(session: Session, item_id: int) -> Any:
        row = listing.read_id(session, item_id)
        if row is None:
            raise not_found(what, item_id)
        return row

    return find
