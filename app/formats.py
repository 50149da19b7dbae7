"""Response formats (JSON, CSV, NDJSON) and HTTP caching (ETag / If-None-Match).

JSON bodies are small (one page), so their ETag is a hash of the exact bytes. Exports
stream rows as they are read and so cannot hash a body they have not produced yet: their
(weak) ETag hashes the URL with the database's data version instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Generator, Iterable
from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import Request
from sqlalchemy import func, select
from sqlmodel import Session
from starlette.responses import Response

from app.models import Clause, Declaration, Document, Mention, Speaker, Statement

Format = Literal["json", "csv", "ndjson"]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
JSON_MEDIA_TYPE = "application/json"


def negotiate(request: Request, explicit: str | None) -> Format:
    """``?format=`` wins; otherwise ``Accept: text/csv`` / ``application/x-ndjson``; else JSON."""
    if explicit:
        return explicit  # type: ignore[return-value]  # validated by the query model
    accept = request.headers.get("accept", "").lower()
    if "text/csv" in accept:
        return "csv"
    if "ndjson" in accept or "jsonlines" in accept:
        return "ndjson"
    return "json"


def dumps(data: Any) -> bytes:
    """Fast JSON (orjson): datetimes become ISO 8601, naive ones are marked UTC."""
    return orjson.dumps(data, option=orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z)


# --- ETags ---------------------------------------------------------------------------------


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def not_modified(request: Request, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison against every tag in ``If-None-Match``."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    return _opaque(etag) in {_opaque(tag) for tag in header.split(",")}


# "no-cache": clients may keep a copy but must revalidate it (cheap, thanks to the ETag),
# because ingestion can change any list at any time.
def json_response(request: Request, data: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON body with a strong ETag, or a bare 304 when the client already has it."""
    body = dumps(data)
    etag = etag_for(body)
    all_headers = {"ETag": etag, "Vary": "Accept", "Cache-Control": "no-cache", **(headers or {})}
    if not_modified(request, etag):
        return Response(status_code=304, headers=all_headers)
    return Response(body, media_type=JSON_MEDIA_TYPE, headers=all_headers)


def data_version(session: Session) -> str:
    """Changes whenever rows are added, removed or re-extracted, at index cost (~1 ms at 1M).

    Ids only ever grow, so an insert raises some ``MAX(id)``; re-extraction rewrites the
    document's mentions (new ids); deleting a document lowers the document count (the one
    table small enough to count: counting all five tables cost 67-136 ms per export at 1M).
    """
    tops = [select(func.max(model.id)).scalar_subquery() for model in _VERSIONED]  # type: ignore[attr-defined]
    documents = select(func.count()).select_from(Document).scalar_subquery()
    return ",".join(str(value) for value in session.execute(select(*tops, documents)).one())


_VERSIONED = (Document, Speaker, Statement, Declaration, Clause, Mention)


# --- exports -------------------------------------------------------------------------------


def export_etag(session: Session, request: Request, fmt: Format) -> str:
    """A weak tag for a streamed export: its URL and format with the data version."""
    version = f"{data_version(session)}|{fmt}|{request.url}"
    return 'W/"' + hashlib.blake2b(version.encode(), digest_size=16).hexdigest() + '"'


# OWASP "CSV injection": a cell starting with one of these is a formula to Excel, LibreOffice
# and Google Sheets (=HYPERLINK(...), +cmd|..., @SUM(...)); a leading ' makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


LIST_SEPARATOR = "; "  # a list in one CSV cell or flattened field


def _cell(value: Any, neutralise_formulas: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)  # numbers are data, not formulas (-1 stays -1)
    if isinstance(value, datetime):
        return dumps(value).decode().strip('"')
    if isinstance(value, (list, tuple)):
        text = LIST_SEPARATOR.join("-".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
    else:
        text = str(value)
    return neutralise_formula(text) if neutralise_formulas else text


# the csv module writes these as _cell would (None as "", numbers with str()), so they skip it
_WRITTEN_AS_IS = frozenset({int, float, type(None)})


def _speaker_id(ref: dict[str, Any] | None) -> Any:
    return ref["id"] if ref else None


def _speaker_name(ref: dict[str, Any] | None) -> Any:
    return ref["name"] if ref else None


def _speaker_ids(refs: list[dict[str, Any]] | None) -> Any:
    return LIST_SEPARATOR.join(str(ref["id"]) for ref in refs or []) or None


def _speaker_names(refs: list[dict[str, Any]] | None) -> Any:
    return LIST_SEPARATOR.join(ref["name"] for ref in refs or []) or None


# Export rows (CSV or NDJSON) flatten ``speaker`` into ``speaker_id`` / ``speaker_name`` and
# ``speakers`` into ``speaker_ids`` / ``speaker_names``, each joined by ``"; "`` in order of
# mention (``"3; 7"``, ``"Maria Ionescu; Jan Novak"``; empty when none).
FLATTENED: dict[str, list[tuple[str, Callable[[Any], Any]]]] = {
    "speaker": [("speaker_id", _speaker_id), ("speaker_name", _speaker_name)],
    "speakers": [("speaker_ids", _speaker_ids), ("speaker_names", _speaker_names)],
}
_FLAT_COLUMN = {column: (field, read) for field, columns in FLATTENED.items() for column, read in columns}


def flatten(item: dict[str, Any]) -> dict[str, Any]:
    """One export row as NDJSON writes it: ``item`` with its speaker fields flattened."""
    out = {}
    for name, value in item.items():
        flat = FLATTENED.get(name)
        if flat is None:
            out[name] = value
        else:
            for column, read in flat:
                out[column] = read(value)
    return out


def csv_columns(fields: Iterable[str]) -> list[str]:
    """The export columns of items with ``fields``, speaker fields flattened."""
    columns: list[str] = []
    for name in fields:
        if name in FLATTENED:
            columns.extend(column for column, _ in FLATTENED[name])
        else:
            columns.append(name)
    return columns


def _csv_rows(batch: list[dict[str, Any]], columns: list[str], neutralise_formulas: bool) -> list[list[Any]]:
    """The cells of a batch of items: the common cells (text, numbers, None) without a call,
    flattened speaker columns read straight from the item (no flattened copy of each row)."""
    plan = [(column, _FLAT_COLUMN.get(column)) for column in columns]
    rows = []
    for item in batch:
        cells: list[Any] = []
        for name, flat in plan:
            value = item.get(name) if flat is None else flat[1](item.get(flat[0]))
            kind = type(value)
            if kind is str:
                cells.append("'" + value if neutralise_formulas and value.startswith(FORMULA_TRIGGERS) else value)
            elif kind in _WRITTEN_AS_IS:
                cells.append(value)
            else:
                cells.append(_cell(value, neutralise_formulas))
        rows.append(cells)
    return rows


def _csv_lines(columns: list[str], batches: Iterable[list[dict[str, Any]]],
               neutralise_formulas: bool = True) -> Generator[bytes, None, None]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def drain() -> bytes:
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow(columns)
    yield drain()
    for batch in batches:
        writer.writerows(_csv_rows(batch, columns, neutralise_formulas))
        yield drain()


def _ndjson_lines(batches: Iterable[list[dict[str, Any]]]) -> Generator[bytes, None, None]:
    """One JSON object a line, ``speaker`` flattened as in CSV."""
    for batch in batches:
        yield b"".join(dumps(flatten(item)) + b"\n" for item in batch)


EXPORT_MEDIA_TYPES: dict[str, str] = {"csv": CSV_MEDIA_TYPE, "ndjson": NDJSON_MEDIA_TYPE}


def export_chunks(fmt: Format, batches: Iterable[list[dict[str, Any]]], columns: list[str],
                  neutralise_formulas: bool = True) -> Generator[bytes, None, None]:
    """The body of an export, a chunk per batch of items; CSV text cells are neutralised
    against formula injection unless the operator turned that off."""
    if fmt == "csv":
        return _csv_lines(columns, batches, neutralise_formulas)
    return _ndjson_lines(batches)


def export_headers(fmt: Format, etag: str, filename: str) -> dict[str, str]:
    """An export's caching headers; a CSV download also gets a file name."""
    headers = {"ETag": etag, "Vary": "Accept", "Cache-Control": "no-cache"}
    if fmt == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return headers
