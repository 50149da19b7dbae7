"""Files → extraction → database: the ``verbatim ingest`` job.

Each file is read strictly (a bad file is reported by name with a one-line reason and
skipped), then stored through ``app.store.ingest_text`` in its own transaction, so one
bad or failing document never affects the others.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import make_engine
from app.migrate import migrate
from app.models import Mention
from app.store import IngestResult, delete_document, ingest_text, parse_published_at

__all__ = [
    "BadFileError",
    "IngestResult",
    "IngestSummary",
    "delete_document",
    "discover",
    "ingest_paths",
    "ingest_text",
    "migrate",
    "read_document",
    "read_meta",
]

META_KEYS = {"published_at", "source_url", "title", "source"}
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class BadFileError(ValueError):
    """A file that cannot be ingested; the message is the one-line reason."""


def decode_text(data: bytes) -> str:
    """Decode strictly: UTF-8, or UTF-8/16/32 with a BOM; reject binary, non-UTF-8 and blank."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise BadFileError(f"invalid {encoding.upper()} after its byte-order mark ({exc.reason})") from exc
            break
    else:
        if b"\x00" in data:
            raise BadFileError("binary file (contains NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadFileError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from exc
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise BadFileError("binary file (contains NUL characters)")
    if not text:
        raise BadFileError("empty file")
    if not text.strip():
        raise BadFileError("file contains only whitespace")
    return text


def read_document(path: Path, max_bytes: int | None = None) -> str:
    """The decoded text; files over ``max_bytes`` are refused before being read (a 20 MB
    file would hold the extractor for many minutes and exceed what the API accepts)."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise BadFileError(
                f"too large: {size} bytes, the limit is {max_bytes} (VERBATIM_MAX_DOCUMENT_BYTES)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BadFileError(exc.strerror or str(exc)) from exc
    return decode_text(data)


def meta_path(path: Path) -> Path:
    """``NAME.txt`` → ``NAME.meta.json``."""
    return path.with_name(path.stem + ".meta.json")


def read_meta(path: Path) -> dict[str, str | None]:
    """The optional sidecar of a document; a malformed one makes the document fail."""
    sidecar = meta_path(path)
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadFileError(f"{sidecar.name}: not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise BadFileError(f"{sidecar.name}: expected a JSON object")
    unknown = set(meta) - META_KEYS
    if unknown:
        raise BadFileError(f"{sidecar.name}: unknown keys {sorted(unknown)} (allowed: {sorted(META_KEYS)})")
    for key, value in meta.items():
        if value is not None and not isinstance(value, str):
            raise BadFileError(f"{sidecar.name}: {key} must be a string or null")
    try:
        parse_published_at(meta.get("published_at"))
    except ValueError as exc:
        raise BadFileError(f"{sidecar.name}: published_at is not ISO 8601 ({meta['published_at']!r})") from exc
    return meta


def discover(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Every ``.txt`` file under ``paths`` in a stable order, or (path, reason) when missing."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*.txt")):
                if child.is_file():
                    yield child, None
        elif path.is_file():
            yield path, None
        else:
            yield path, "no such file or directory"


@dataclass
class IngestSummary:
    """Totals for the summary table and the exit code."""

    new: int = 0
    unchanged: int = 0
    reextracted: int = 0
    statements: int = 0
    quotes: int = 0
    speakers: set[int] = field(default_factory=set)
    declarations: int = 0
    clauses: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    results: list[tuple[str, IngestResult]] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return self.new + self.unchanged + self.reextracted

    def add(self, name: str, result: IngestResult, speaker_ids: set[int]) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.statements += result.statements
        self.quotes += result.quotes
        self.speakers |= speaker_ids
        self.declarations += result.declarations
        self.clauses += result.clauses
        self.results.append((name, result))


def ingest_paths(
    paths: Iterable[Path],
    *,
    database_url: str,
    reextract: bool = False,
    engine: Engine | None = None,
    on_start: Callable[[int], None] | None = None,
    on_begin: Callable[[Path], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
    on_error: Callable[[str, str], None] | None = None,
    max_bytes: int | None = None,
) -> IngestSummary:
    """Migrate, then ingest every file; failures are collected, never raised.

    Callbacks drive a progress display: ``on_start(total)``, then ``on_begin(path)`` and
    ``on_file(path)`` around each file, ``on_error(name, reason)`` for each failure.
    Files over ``max_bytes`` (default: the ``max_document_bytes`` setting) are skipped.
    """
    if max_bytes is None:
        from app.config import get_settings

        max_bytes = get_settings().max_document_bytes
    migrate(database_url)
    own_engine = engine is None
    engine = engine or make_engine(database_url)
    summary = IngestSummary()
    files = list(discover(paths))
    if on_start:
        on_start(len(files))
    try:
        with Session(engine) as session:
            for path, problem in files:
                name = str(path)
                if on_begin:
                    on_begin(path)
                try:
                    if problem:
                        raise BadFileError(problem)
                    text = read_document(path, max_bytes)
                    meta = read_meta(path)
                    result = ingest_text(
                        session,
                        text,
                        title=meta.get("title"),
                        published_at=meta.get("published_at"),
                        source=meta.get("source") or path.name,
                        source_url=meta.get("source_url"),
                        reextract=reextract,
                    )
                    summary.add(name, result, _speaker_ids(session, result.document_id))
                except Exception as exc:  # one document's failure must not stop the batch
                    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    if not isinstance(exc, BadFileError):
                        reason = f"{type(exc).__name__}: {reason}"
                    summary.failed.append((name, reason))
                    if on_error:
                        on_error(name, reason)
                finally:
                    if on_file:
                        on_file(path)
    finally:
        if own_engine:
            engine.dispose()
    return summary


def _speaker_ids(session: Session, document_id: int) -> set[int]:
    ids = set(session.exec(select(Mention.speaker_id).where(Mention.document_id == document_id)).all())
    session.rollback()
    return ids
