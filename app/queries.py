"""Filters, sorting and keyset pagination, shared by every list endpoint.

A resource is declared as data (:class:`Resource`: its table, :class:`FilterSpec` list and
sortable fields); every filter names an operator from the one :data:`OPERATORS` registry, so
"case-insensitive", "contains" or "date range" mean the same thing on every endpoint.
Pagination is keyset (``WHERE (sort, id) > (last_sort, last_id)``) so page 10,000 costs
what page 1 costs; the position travels in an opaque, integrity-checked cursor.

Reads are Core selects of columns run on the session's connection, and every statement
they build can be cached by SQLAlchemy (the custom elements :class:`Linked` and
:class:`~app.search.TextMatch` included): a request builds its select and finds it compiled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Boolean, Column, ColumnElement, Select, and_, bindparam, false, func, or_, select, tuple_, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session, SQLModel

from app.cursors import CursorCodec, bad_cursor
from app.dates import IsoDateTime, parse_instant
from app.models import Speaker, SpeakerAlias, as_utc
from app.search import TextMatch, fts_counted, fts_driven, matches
from app.text import comparison_key
from app.problems import invalid_parameter


MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER columns on PostgreSQL
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


def as_id(value: str) -> int | None:
    """``value`` as a row id if it is one (ASCII digits in range), else ``None``."""
    value = value.strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    return None


def _like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- the operator registry -----------------------------------------------------------------

Operator = Callable[[Any, Any], ColumnElement[bool]]
OPERATORS: dict[str, Operator] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    """Register a filter operator under ``name`` (one definition per meaning)."""

    def register(fn: Operator) -> Operator:
        OPERATORS[name] = fn
        return fn

    return register


@operator("exact")
def _exact(column: Any, value: Any) -> ColumnElement[bool]:
    return column == value


@operator("norm")
def _norm(column: Any, value: str) -> ColumnElement[bool]:
    """Equality against a ``*_norm`` column (already case-folded at write time)."""
    return column == comparison_key(value)


@operator("iexact")
def _iexact(column: Any, value: str) -> ColumnElement[bool]:
    """Case-insensitive equality on a column that has no ``*_norm`` twin."""
    return func.lower(column) == value.strip().lower()


@operator("contains")
def _contains(column: Any, value: str) -> ColumnElement[bool]:
    """Case-insensitive substring (ILIKE on PostgreSQL, LIKE on SQLite)."""
    return column.ilike(_like_pattern(value.strip()), escape="\\")


@operator("norm_contains")
def _norm_contains(column: Any, value: str) -> ColumnElement[bool]:
    return column.like(_like_pattern(comparison_key(value)), escape="\\")


@operator("since")
def _since(column: Any, value: datetime) -> ColumnElement[bool]:
    return column >= as_utc(value)


@operator("before")
def _before(column: Any, value: datetime) -> ColumnElement[bool]:
    return column < as_utc(value)


@operator("at_least")
def _at_least(column: Any, value: Any) -> ColumnElement[bool]:
    return column >= value


@operator("search")
def _search(column: Any, value: str) -> ColumnElement[bool]:
    """Full-text match (``app.search``): ``column`` is the id of a table with a text index."""
    return matches(_table_column(column).table.name, column, value)


_SPEAKER = Speaker.__table__.c  # type: ignore[attr-defined]
_ALIAS = SpeakerAlias.__table__.c  # type: ignore[attr-defined]


def _speaker_lookups(*columns: Any) -> tuple[Select[Any], Select[Any]]:
    """``columns`` of the speakers a reference names, as two statements built once: by id
    (``:speaker_ref_id``), and by slug, name or alias (``:speaker_key``, a comparison key, and
    ``:speaker_slug``). The one definition of what a speaker reference matches."""
    key, slug = bindparam("speaker_key"), bindparam("speaker_slug")
    # a union of three index lookups: PostgreSQL answered the ``slug OR name_norm OR id IN
    # (aliases)`` form by scanning the speaker table (4.9 against 0.5 ms at 1M statements)
    named = union(select(_SPEAKER.id).where(_SPEAKER.slug == slug),
                  select(_SPEAKER.id).where(_SPEAKER.name_norm == key),
                  select(_ALIAS.speaker_id).where(_ALIAS.alias_norm == key))
    return (select(*columns).where(_SPEAKER.id == bindparam("speaker_ref_id")),
            select(*columns).where(_SPEAKER.id.in_(named)))


def _speaker_lookup(lookups: tuple[Select[Any], Select[Any]], value: str) -> tuple[Select[Any], dict[str, Any]]:
    """The statement of ``lookups`` for ``value`` (an id, or a slug, name or alias in any
    case) and its parameters."""
    by_id, by_key = lookups
    row_id = as_id(value)
    if row_id is not None:
        return by_id, {"speaker_ref_id": row_id}
    key = comparison_key(value)
    return by_key, {"speaker_key": key, "speaker_slug": key.replace(" ", "-")}


_SPEAKER_IDS = _speaker_lookups(_SPEAKER.id)
_SPEAKER_COUNTERS = _speaker_lookups(_SPEAKER.id, _SPEAKER.statement_count, _SPEAKER.quote_count)


def speaker_ids(value: str) -> Any:
    """Ids of the speakers ``value`` names: an id, a slug, a name or an alias (any case)."""
    stmt, params = _speaker_lookup(_SPEAKER_IDS, value)
    return stmt.params(params)


@operator("speaker")
def _speaker(column: Any, value: str) -> ColumnElement[bool]:
    return column.in_(speaker_ids(value))


@dataclass(frozen=True)
class SpeakerMatch:
    """The speakers a reference names, with their summed counters (statements, quotes)."""

    ids: list[int]
    statements: int
    quotes: int


def resolve_speaker(session: Session, value: Any) -> SpeakerMatch:
    """The speakers ``value`` names, looked up once per session: the filter and the list's
    total both need them (the lookup ran twice per request before, 15% of a page's time)."""
    memo: dict[str, SpeakerMatch] = session.info.setdefault("speaker_matches", {})
    key = str(value)
    if key not in memo:
        stmt, params = _speaker_lookup(_SPEAKER_COUNTERS, key)  # built once: building it took longer than running it
        found = sorted(session.connection().execute(stmt, params).all())
        memo[key] = SpeakerMatch([row[0] for row in found], sum(row[1] for row in found),
                                 sum(row[2] for row in found))
    return memo[key]


def resolved_speaker(session: Session, column: Any, value: str) -> ColumnElement[bool]:
    """``column IN (literal ids)``: the speaker lookup runs first, as its own small query.

    Given the ``IN (subquery with OR ...)`` form, PostgreSQL cannot estimate how many
    statements match and picks a scan of the sort index (0.4-0.6 s for a rare speaker at
    1M rows); literal ids let it use ``speaker_id``'s index. No match is a constant false.
    A ``Via`` column (a link table) becomes a :class:`Linked` condition on those ids.
    """
    match = resolve_speaker(session, value)
    ids = match.ids
    if not ids:
        return false()
    if isinstance(column, Via):
        return Linked(column, ids, rows=match.statements)
    return column == ids[0] if len(ids) == 1 else column.in_(ids)


# --- declaring resources -------------------------------------------------------------------


@dataclass(frozen=True)
class Via:
    """Filter on a child table: ``parent_key IN (SELECT child_key FROM child WHERE ...)``.

    ``orders`` maps a sort of the parent list to the child column that holds the same value
    (``id`` → the child key, a denormalised ``published_at``): a list filtered on one child
    value is then read in the order of the child table's index (see :func:`fetch_page`).
    """

    column: Any
    child_key: Any
    parent_key: Any
    orders: tuple[tuple[str, Any], ...] = ()


class Linked(ColumnElement[bool]):
    """``parent_key IN (SELECT child_key FROM child WHERE column IN ids)`` for literal ids:
    a speaker's statements through the statement-speaker link table. Kept as its own element
    so that :func:`fetch_page` can recognise it and, for one id, read the link table's
    ``(column, order column, child_key)`` index in order instead of the parent table.

    Its cache key is its :attr:`expression`'s, where the ids are bound parameters: a statement
    holding it is compiled once, not on every request (a speaker's list with another filter,
    sort or facet; a name that several speakers share)."""

    _traverse_internals = [("expression", InternalTraversal.dp_clauseelement)]
    type = Boolean()
    _is_implicitly_boolean = True  # a predicate: no ``= 1`` appended on SQLite

    def __init__(self, via: Via, ids: Sequence[int], *, rows: int | None = None) -> None:
        self.via = via
        self.ids = list(ids)
        self.rows = rows  # link rows of these ids, when known (a speaker's statement_count)

    def _test(self, column: Any) -> ColumnElement[bool]:
        return column == self.ids[0] if len(self.ids) == 1 else column.in_(self.ids)  # type: ignore[no-any-return]

    @cached_property
    def expression(self) -> ColumnElement[bool]:
        """What it compiles to; built when first compiled (a read of the link table's index
        never compiles it), then the same object for the cache key and the compiler. Of table
        columns: compiling an ORM subquery changes its cache key, so every statement holding
        this element would be compiled a second time."""
        via = self.via
        child_key = _table_column(via.child_key)
        return _table_column(via.parent_key).in_(  # type: ignore[no-any-return]
            select(child_key).where(self._test(_table_column(via.column))))

    def probe(self) -> ColumnElement[bool]:
        """The same test as a correlated ``EXISTS``: one primary-key probe per row, for a read
        driven by another index (full-text hits in id order). SQLite would otherwise build the
        whole ``IN`` list first: all 39,000 statements of a frequent speaker (120 ms at 300k)."""
        via = self.via
        return select(via.child_key).where(via.child_key == via.parent_key, self._test(via.column)).exists()


PROBE_ABOVE = 1000  # link rows: above this, a full-text filter beside a link filter drives the read


def for_planner(conditions: Sequence[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """Conditions as SQLite plans them best: beside a full-text match, a link filter with
    many rows (a frequent speaker) becomes a per-row probe, so the text index drives and the
    speaker's whole ``IN`` list is never built (a count of a frequent speaker's hits for a
    word: 64 ms at 300k); a small one stays ``IN``, which drives from the link index.
    PostgreSQL plans both forms as the same semi-join."""
    if not any(isinstance(c, TextMatch) for c in conditions):
        return list(conditions)
    return [c.probe() if isinstance(c, Linked) and (c.rows is None or c.rows > PROBE_ABOVE) else c
            for c in conditions]


@compiles(Linked)
def _compile_linked(element: Linked, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.expression, **kw)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class FilterSpec:
    """One query parameter: its operator, the column(s) it tests (OR-ed) and its docs."""

    name: str
    op: str
    targets: tuple[Any, ...]
    annotation: Any = str
    description: str = ""
    example: Any = None

    def condition(self, value: Any, session: Session | None = None) -> ColumnElement[bool]:
        """The WHERE clause for ``value``; with a session, speaker names resolve to ids first."""
        fn = OPERATORS[self.op]
        parts = []
        for target in self.targets:
            if self.op == "speaker" and session is not None:
                parts.append(resolved_speaker(session, target, value))
            elif isinstance(target, Via):
                sub = select(target.child_key).where(fn(target.column, value))
                parts.append(target.parent_key.in_(sub))
            else:
                parts.append(fn(target, value))
        return parts[0] if len(parts) == 1 else or_(*parts)


def published_between(column: Any, subject: str, *, note: str = "",
                      before_example: str = "2023-03-01") -> tuple[FilterSpec, FilterSpec]:
    """``published_after`` / ``published_before``: the date range every dated list offers, on
    ``column``; ``subject`` starts their descriptions ("First seen")."""
    return (FilterSpec("published_after", "since", (column,), IsoDateTime,
                       description=f"{subject} at or after this date/time (ISO 8601{note}).", example="2023-02-01"),
            FilterSpec("published_before", "before", (column,), IsoDateTime,
                       description=f"{subject} strictly before this date/time (ISO 8601).", example=before_example))


@dataclass(frozen=True)
class Facet:
    """A field a list can be counted by (``?facet=name``), Datasette-style.

    ``value`` is grouped and counted over the rows the current filters select. A child
    table (a clause's principles) names its ``link`` back to the resource's id; ``join``
    reaches a ``label`` in another table (a speaker's name), after an optional ``through``
    (a link table: a joint statement counts under each of its speakers); ``param`` is the
    filter that selects one value, so each count can carry the URL that applies it.
    """

    name: str
    value: Any
    label: Any = None
    join: tuple[Any, Any] | None = None
    through: tuple[Any, Any] | None = None
    link: Any = None
    param: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Counters:
    """Exact totals a resource keeps in its parents' columns, so a list filtered by one
    parent alone (a speaker, a document) needs no COUNT over its rows.

    ``by`` maps a filter name to a reader: ``(session, value) -> (total, direct)``, or
    None when the counters cannot answer (the caller then counts). ``split`` is the filter
    whose value picks a part of the total (``kind``: ``direct`` or ``indirect``);
    ``fixed_split`` is the part a resource always lists (quotes: ``direct``).
    """

    by: Mapping[str, Callable[[Session, Any], tuple[int, int] | None]]
    split: str = "kind"
    fixed_split: str | None = None

    def total(self, session: Session, given: Sequence[tuple[str, Any]]) -> int | None:
        """The exact total for the given filters, or None when they are not one parent."""
        parts = {value for name, value in given if name == self.split}
        if self.fixed_split:
            parts.add(self.fixed_split)
        others = [(name, value) for name, value in given if name != self.split]
        if len(others) != 1 or len(parts) > 1 or others[0][0] not in self.by:
            return None
        name, value = others[0]
        counted = self.by[name](session, value)
        if counted is None:
            return None
        total, direct = counted
        return {None: total, "direct": direct, "indirect": total - direct}.get(next(iter(parts), None))


@dataclass(frozen=True)
class Resource:
    """A listable table: the single source for its filters, sorts and cursor scope."""

    key: str
    model: type[SQLModel]
    filters: tuple[FilterSpec, ...]
    sorts: Mapping[str, str]  # public sort name -> model attribute
    base: tuple[ColumnElement[bool], ...] = ()  # always applied (quotes: kind = direct)
    default_sort: str = "id"
    facets: tuple[Facet, ...] = ()
    counters: Counters | None = None  # exact totals from parents' columns, when declared
    filter_by_name: dict[str, FilterSpec] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for spec in self.filters:
            assert spec.op in OPERATORS, f"unknown operator {spec.op!r} for {spec.name}"
            # pydantic's own datetime reads 20230222 as a Unix timestamp: dates are IsoDateTime
            assert spec.annotation is not datetime, f"{spec.name}: use app.dates.IsoDateTime"
        object.__setattr__(self, "filter_by_name", {f.name: f for f in self.filters})
        for facet in self.facets:
            assert facet.param is None or facet.param in self.filter_by_name, facet.name

    @property
    def facet_by_name(self) -> dict[str, Facet]:
        return {f.name: f for f in self.facets}

    @property
    def id_column(self) -> Any:
        return self.model.id  # type: ignore[attr-defined]

    def conditions(
        self, params: Mapping[str, Any], session: Session | None = None
    ) -> list[ColumnElement[bool]]:
        """WHERE clauses for the filters that were given (``None`` means absent).

        With ``session``, lookups that the planner handles badly as subqueries (speaker
        references) are resolved to literal ids first.
        """
        out = list(self.base)
        for name, value in params.items():
            spec = self.filter_by_name.get(name)
            if spec is None or value is None:
                continue
            if isinstance(value, str) and not value.strip():
                continue  # ?q= is "no filter", not "match nothing"
            out.append(spec.condition(value, session))
        return out

    def sort_choices(self) -> list[str]:
        return [choice for name in self.sorts for choice in (name, f"-{name}")]


# --- sorting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    name: str
    descending: bool
    attr: str
    column: Any

    @property
    def token(self) -> str:
        return f"-{self.name}" if self.descending else self.name

    @property
    def nullable(self) -> bool:
        return bool(_table_column(self.column).nullable)


def _table_column(attr: Any) -> Column[Any]:
    if isinstance(attr, InstrumentedAttribute):
        return attr.property.columns[0]  # type: ignore[no-any-return, attr-defined]
    return attr  # type: ignore[no-any-return]


def parse_sort(resource: Resource, raw: str | None) -> Sort:
    """``field`` or ``-field`` from the resource's whitelist, else a 400 listing the choices."""
    token = (raw or resource.default_sort).strip()
    descending = token.startswith("-")
    name = token.lstrip("-+")
    if name not in resource.sorts:
        allowed = ", ".join(resource.sort_choices())
        raise invalid_parameter(
            "sort", f"Cannot sort by {token!r}; allowed: {allowed}.", allowed=resource.sort_choices()
        )
    attr = resource.sorts[name]
    return Sort(name, descending, attr, getattr(resource.model, attr))


def order_by(resource: Resource, sort: Sort, columns: tuple[Any, Any] | None = None) -> list[Any]:
    """Sort column (nulls last in both directions), then id in the same direction.

    ``columns`` replaces ``(sort column, id)`` by the columns of a driving link table."""
    sort_column, id_column = columns or (sort.column, resource.id_column)
    column = sort_column.desc() if sort.descending else sort_column.asc()
    id_col = id_column.desc() if sort.descending else id_column.asc()
    if sort.name == "id":
        return [id_col]
    if sort.nullable:
        column = column.nulls_last()
    return [column, id_col]


# --- cursors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """A position in a sorted list: the last row's sort value and id."""

    value: Any
    id: int


def key_of(row: Any, sort: Sort) -> Key:
    return Key(getattr(row, sort.attr), int(row.id))


def encode_cursor(codec: CursorCodec, resource: Resource, sort: Sort, key: Key) -> str:
    """A signed ``[list, sort, value, id]``: opaque, bound to its list and sort."""
    value = as_utc(key.value).isoformat() if isinstance(key.value, datetime) else key.value
    return codec.encode(resource.key, sort.token, value, key.id)


def decode_cursor(codec: CursorCodec, resource: Resource, sort: Sort, token: str) -> Key:
    """Check signature, scope, sort and value; any mismatch is a 400, never a 500."""
    values = codec.decode(token)
    if len(values) != 4:
        raise bad_cursor()
    scope, sort_token, value, row_id = values
    if scope != resource.key or sort_token != sort.token:
        raise bad_cursor(
            f"This cursor belongs to another list or sort ({scope}, sort={sort_token}); "
            f"it cannot page {resource.key} sorted by {sort.token}."
        )
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 <= row_id <= MAX_ID:
        raise bad_cursor()
    return Key(_cursor_value(sort, value), row_id)


def _cursor_value(sort: Sort, value: Any) -> Any:
    """The sort value a cursor carries, checked as strictly as a query parameter would be:
    even a signed cursor's values must be ones the database can compare."""
    if value is None:
        if not sort.nullable:
            raise bad_cursor()
        return None
    python_type = _table_column(sort.column).type.python_type
    if python_type is datetime and isinstance(value, str):
        try:
            return parse_instant(value)
        except ValueError:
            raise bad_cursor() from None
    if python_type is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if python_type is int and isinstance(value, int) and abs(value) > MAX_ID:
        raise bad_cursor()
    if python_type is str and isinstance(value, str) and "\x00" in value:
        raise bad_cursor()
    if isinstance(value, python_type) and not isinstance(value, bool):
        return value
    raise bad_cursor()


def after(resource: Resource, sort: Sort, key: Key, columns: tuple[Any, Any] | None = None) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in ``order_by`` order (nulls sort last)."""
    col, id_col = columns or (sort.column, resource.id_column)
    later = (lambda a, b: a < b) if sort.descending else (lambda a, b: a > b)
    if sort.name == "id":
        return later(id_col, key.id)
    if key.value is None:  # inside the trailing block of nulls: only the id decides
        return and_(col.is_(None), later(id_col, key.id))
    value = as_utc(key.value) if isinstance(key.value, datetime) else key.value
    clause = or_(later(col, value), and_(col == value, later(id_col, key.id)))
    return or_(clause, col.is_(None)) if sort.nullable else clause


# --- running queries -----------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """How a page is read: the filtered select and the ``(sort, id)`` columns it is ordered
    and resumed by (the resource's own, or a driving link table's)."""

    select: Any
    columns: tuple[Any, Any]


def table_columns(resource: Resource, names: Sequence[str] | None = None) -> list[Any]:
    """The resource table's columns called ``names`` (default: all of them), as Core columns:
    rows come back as plain tuples, with no ORM object built per row."""
    table = resource.model.__table__  # type: ignore[attr-defined]
    return list(table.c) if names is None else [table.c[name] for name in names]


def plan_read(resource: Resource, conditions: Sequence[ColumnElement[bool]], sort: Sort,
              columns: Sequence[Any] | None = None) -> Read:
    """The rows matching ``conditions``, read from the resource's table; or, when a
    :class:`Linked` condition names a single id and its link table orders by ``sort``, read
    from the link table's ``(column, sort column, child key)`` index joined to the resource:
    a speaker's statements come in index order and the page's LIMIT stops the read, whether
    the speaker is quoted once or 100,000 times. ``columns`` are what each row carries
    (default: every column of the resource's table)."""
    columns = tuple(columns or table_columns(resource))
    for condition in conditions:
        if not (isinstance(condition, Linked) and len(condition.ids) == 1):
            continue
        via = condition.via
        orders = dict(via.orders)
        if sort.name not in orders:
            continue
        rest = [c for c in conditions if c is not condition]
        stmt = _select_from(columns, via).where(via.column == condition.ids[0], *rest)
        return Read(stmt, (orders[sort.name], via.child_key))
    return Read(_select_from(columns).where(*for_planner(conditions)), (sort.column, resource.id_column))


@cache
def _select_from(columns: tuple[Any, ...], via: Via | None = None) -> Select[Any]:
    """``SELECT columns`` from their table, or from ``via``'s link table joined to its parent;
    built once a listing: coercing twenty columns and the join again on every request cost
    6 % of a speaker's page."""
    stmt = select(*columns)
    if via is None:
        return stmt
    parent_key, child_key = _table_column(via.parent_key), _table_column(via.child_key)
    return stmt.select_from(child_key.table).join(parent_key.table, parent_key == child_key)


def fetch_page(
    session: Session,
    resource: Resource,
    *,
    conditions: Sequence[ColumnElement[bool]],
    sort: Sort,
    start: Key | None,
    limit: int,
    columns: Sequence[Any] | None = None,
) -> list[Any]:
    """Up to ``limit`` rows after ``start`` in sort order, as Core rows of ``columns``
    (default: every column of the table); a row's fields read as attributes (``row.id``)."""
    read = plan_read(resource, conditions, sort, columns)
    if sort.nullable and sort.name != "id" and (start is None or start.value is not None):
        return _page_after_value(session, read, sort, start, limit)
    driven = None
    if sort.name == "id" and any(isinstance(c, TextMatch) for c in conditions):  # a ``q`` list: its index may drive
        probed = [c.probe() if isinstance(c, Linked) else c for c in conditions]
        driven = fts_driven(session.get_bind().dialect.name, resource.model, probed,
                            descending=sort.descending)
    if driven is not None:  # same rows and columns, read from the full-text index
        stmt = driven.with_only_columns(*read.select.selected_columns)
        keyed_by = None
    else:
        keyed_by = read.columns
        stmt = read.select.order_by(*order_by(resource, sort, keyed_by))
    if start is not None:
        stmt = stmt.where(after(resource, sort, start, keyed_by))
    stmt = stmt.limit(limit)
    return session.connection().execute(stmt).all()


def _page_after_value(session: Session, read: Read, sort: Sort, start: Key | None, limit: int) -> list[Any]:
    """The first page, or the rows after a non-null key, of a nullable sort: the (rest of
    the) non-null rows, then nulls.

    ``after``'s one-query form (``... OR col IS NULL``) cannot seek an index, so a page at
    row 50,000 re-read the 50,000 rows before it (36-51 ms on SQLite, 229 ms on PostgreSQL
    at 1M). The row value ``(col, id) > (v, k)`` is a range on the ``(col, id)`` index (a
    NULL ``col`` never satisfies it), and the trailing nulls are read only if the page is
    not full yet. Same rows, same order. The first page reads ``col IS NOT NULL`` the same
    way, so a descending date sort needs no ``DESC NULLS LAST`` index on PostgreSQL (a
    speaker's statements newest first read the link table's date index backwards).
    """
    column, id_column = read.columns
    if start is None:
        later = column.is_not(None)
    else:
        value = as_utc(start.value) if isinstance(start.value, datetime) else start.value
        position = tuple_(column, id_column)
        later = position < tuple_(value, start.id) if sort.descending else position > tuple_(value, start.id)
    # no null passes ``later``, so plain ASC/DESC orders these rows exactly as NULLS LAST would,
    # and (unlike DESC NULLS LAST) is the plain (col, id) index read backwards on PostgreSQL
    direction = (lambda c: c.desc()) if sort.descending else (lambda c: c.asc())
    values = read.select.where(later).order_by(direction(column), direction(id_column)).limit(limit)
    connection = session.connection()
    rows = connection.execute(values).all()
    if len(rows) < limit:
        nulls = read.select.where(column.is_(None))
        rows += connection.execute(nulls.order_by(direction(id_column)).limit(limit - len(rows))).all()
    return rows


def iter_rows(
    session: Session,
    resource: Resource,
    *,
    conditions: Sequence[ColumnElement[bool]],
    sort: Sort,
    start: Key | None,
    limit: int | None,
    batch_size: int = 500,
    columns: Sequence[Any] | None = None,
) -> Iterator[list[Any]]:
    """Every matching row (or the first ``limit``), in batches: exports never hold a table."""
    remaining = limit
    while remaining is None or remaining > 0:
        size = batch_size if remaining is None else min(batch_size, remaining)
        rows = fetch_page(session, resource, conditions=conditions, sort=sort, start=start, limit=size,
                          columns=columns)
        if not rows:
            return
        yield rows
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return
        start = key_of(rows[-1], sort)


def count_rows(
    session: Session,
    resource: Resource,
    conditions: Sequence[ColumnElement[bool]],
    *,
    cap: int | None = None,
) -> int | None:
    """Exact count of matching rows; with ``cap``, ``None`` once more than ``cap`` match.

    The cap bounds the cost of ``total`` on very large tables. With plain column filters it is
    one probe for a row past the cap (an index walk that stops after ``cap + 1`` entries) and,
    only when there is none, the count: counting a ``LIMIT cap + 1`` subquery steps a
    co-routine per row on SQLite, four times slower (10.8 against 2.5 ms for 10,001 rows at
    100k). A full-text match is counted by :func:`_count_text_match`.
    """
    text_match = any(isinstance(c, TextMatch) for c in conditions)
    conditions = for_planner(conditions)
    if text_match:
        return _count_text_match(session, resource, conditions, cap)
    connection = session.connection()
    if cap is not None:
        beyond = select(resource.id_column).where(*conditions).offset(cap).limit(1)
        if connection.execute(beyond).first() is not None:
            return None
    stmt = select(func.count()).select_from(resource.model).where(*conditions)
    return int(connection.scalar(stmt) or 0)


def _count_text_match(
    session: Session, resource: Resource, conditions: Sequence[ColumnElement[bool]], cap: int | None
) -> int | None:
    """Count a ``q`` list once, capped: a match costs more per row than a probe would save.

    On SQLite the rows come from the FTS5 table alone (:func:`app.search.fts_counted`), no
    table row read, unless a small speaker's link rows drive the plan better.
    """
    counted = None if any(isinstance(c, Linked) for c in conditions) else fts_counted(
        session.get_bind().dialect.name, resource.model, conditions)
    rows = counted if counted is not None else select(resource.id_column).where(*conditions)
    if cap is not None:
        rows = rows.limit(cap + 1)
    n = int(session.connection().scalar(select(func.count()).select_from(rows.subquery())) or 0)
    return n if cap is None or n <= cap else None


FACET_SIZE = 30  # values per facet, most frequent first


def facet_counts(
    session: Session,
    resource: Resource,
    facet: Facet,
    conditions: Sequence[ColumnElement[bool]],
    *,
    size: int = FACET_SIZE,
) -> list[tuple[Any, Any, int]]:
    """``(value, label, count)`` of the rows matching ``conditions``, most frequent first."""
    conditions = for_planner(conditions)
    count = func.count().label("n")
    label = func.min(facet.label) if facet.label is not None else facet.value  # one per value
    stmt = select(facet.value, label, count)
    if facet.link is not None:
        matching = select(resource.id_column).where(*conditions)
        stmt = stmt.where(facet.link.in_(matching))
    else:
        stmt = stmt.select_from(resource.model).where(*conditions)
    if facet.through is not None:
        stmt = stmt.outerjoin(*facet.through)
    if facet.join is not None:
        stmt = stmt.outerjoin(*facet.join)
    stmt = stmt.group_by(facet.value).order_by(count.desc(), facet.value.asc().nulls_last()).limit(size)
    return [(value, lab, int(n)) for value, lab, n in session.connection().execute(stmt).all()]
