"""News-database exports (JSONL/NDJSON and CSV) → one document per record.

Records are read one at a time from an open file, so an export of any size streams: the
whole file is never in memory. A bad record (invalid JSON, no text, a date that is not ISO
8601) becomes a :class:`BadRecord` naming its line, and reading goes on with the next.
The field names default to those of a ``.meta.json`` sidecar plus ``text``; exports that
call them otherwise are read with a :class:`FieldMap`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from app.inputs.article import Article
from app.inputs.errors import InputError
from app.text import collapse_whitespace

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
csv.field_size_limit(16 * 1024 * 1024)  # one article per cell; the default (128 KiB) is too small


class BadRecord(InputError):
    """A record that cannot be stored; reading goes on with the next one."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which field of a record holds each part of a document."""

    text: str = "text"
    title: str = "title"
    published_at: str = "published_at"
    source_url: str = "source_url"
    source: str = "source"


@dataclass(frozen=True, slots=True)
class Record(Article):
    """One record of an export, checked: its article, and ``line`` where it starts in the file."""

    line: int = field(kw_only=True)


def read_export(path: Path, fields: FieldMap = FieldMap()) -> Iterator[Record | BadRecord]:
    """Every record of the export in file order; a bad one is a BadRecord naming its line.

    An unreadable file raises InputError at once (no record can be read).
    """
    reader = _jsonl if path.suffix.lower() in JSONL_SUFFIXES else _csv
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    with handle:
        yield from reader(handle, fields)


def count_records(path: Path) -> int:
    """How many records the export holds (a streamed pass, for the progress bar)."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        with path.open("rb") as handle:
            return sum(1 for raw in handle if raw.strip())
    with _text(path.open("rb")) as handle:
        return sum(1 for row in csv.reader(handle) if any(cell.strip() for cell in row)) - 1


def _jsonl(handle: io.BufferedReader, fields: FieldMap) -> Iterator[Record | BadRecord]:
    for number, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield BadRecord(number, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRecord(number, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(item, dict):
            yield BadRecord(number, "expected a JSON object")
            continue
        yield _record(number, item, fields)


def _csv(handle: io.BufferedReader, fields: FieldMap) -> Iterator[Record | BadRecord]:
    text = _text(handle)
    reader = csv.DictReader(text)
    try:
        header = reader.fieldnames
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"unreadable CSV header ({_reason(exc)})") from exc
    if not header or fields.text not in header:
        raise InputError(f"the CSV header has no {fields.text!r} column (columns: {', '.join(header or [])})")
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            yield BadRecord(line, _reason(exc))
            return  # the reader cannot resynchronise after a broken quote or byte
        if None in row:
            yield BadRecord(line, "more cells than the header has columns")
        elif any(value is not None and value.strip() for value in row.values()):
            yield _record(line, row, fields)
        line = reader.line_num + 1


def _text(handle: io.BufferedReader) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", errors="strict", newline="")


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x})"
    return str(exc)


def _record(line: int, item: dict[str, Any], fields: FieldMap) -> Record | BadRecord:
    """The record's document, or why it has none."""
    text = item.get(fields.text)
    if not isinstance(text, str) or not text.strip():
        return BadRecord(line, f"missing or empty {fields.text!r}")
    if "\x00" in text:
        return BadRecord(line, f"{fields.text!r} contains NUL characters")
    values: dict[str, str | None] = {}
    for name in ("title", "published_at", "source_url", "source"):
        key = getattr(fields, name)
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            return BadRecord(line, f"{key!r} must be a string")
        values[name] = collapse_whitespace(value) if value and value.strip() else None
    published = None
    if values["published_at"]:
        try:
            published = datetime.fromisoformat(values["published_at"])
        except ValueError:
            return BadRecord(line, f"{fields.published_at!r} is not ISO 8601 ({values['published_at']!r})")
    url = values["source_url"]
    if url and not (url.startswith(("http://", "https://")) and len(url) <= 2000):
        return BadRecord(line, f"{fields.source_url!r} is not an http(s) URL")
    if values["source"] and len(values["source"]) > 500:
        return BadRecord(line, f"{fields.source!r} is longer than 500 characters")
    return Record(text, values["title"], published, values["source"], url, line=line)
