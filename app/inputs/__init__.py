"""What ``verbatim ingest`` and ``POST /documents`` accept, beyond plain text.

One dispatcher by kind: a file's kind comes from its name (``kind_of``), a URL is fetched
and read as a web page. Each reader turns its input into :class:`Incoming` documents (an
:class:`Article`, the text plus the metadata the input carries, and a label) or an
:class:`InputError` saying why not; storing them is the ingestion library's job, one
document at a time.

- ``.txt``: the text itself (with its optional ``.meta.json`` sidecar, read by app.ingest)
- ``.html``/``.htm``: the article's main text and metadata (:mod:`app.inputs.html`)
- ``.jsonl``/``.ndjson``/``.csv``: one document per record (:mod:`app.inputs.exports`)
- ``http(s)://``: fetched within :class:`FetchPolicy`, then read as a page
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from app.inputs.article import Article
from app.inputs.errors import InputError
from app.inputs.exports import CSV_SUFFIXES, BadRecord, JSONL_SUFFIXES, FieldMap, count_records, read_export
from app.inputs.fetch import FetchError, FetchPolicy, fetch_html, is_url
from app.inputs.html import read_page

if TYPE_CHECKING:
    from app.config import Settings

__all__ = [
    "Article",
    "FetchError",
    "FetchPolicy",
    "FieldMap",
    "Incoming",
    "Rejected",
    "InputError",
    "InputKind",
    "count_documents",
    "fetch_policy",
    "fetch_page",
    "is_url",
    "kind_of",
    "read_inputs",
]

InputKind = Literal["text", "html", "export"]
HTML_SUFFIXES = frozenset({".html", ".htm"})
TEXT_SUFFIXES = frozenset({".txt"})


@dataclass(frozen=True, slots=True)
class Rejected:
    """A part of an input that cannot be stored, such as a bad record ("export.csv:12")."""

    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class Incoming:
    """One document to store; ``label`` names it in reports ("export.csv:12", a URL)."""

    label: str
    article: Article


def kind_of(path: Path) -> InputKind | None:
    """The reader for a file, by its suffix; None for a type we do not read."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES or suffix in CSV_SUFFIXES:
        return "export"
    return None


def fetch_policy(settings: Settings | None = None) -> FetchPolicy:
    """The limits of a fetch, from the ``VERBATIM_FETCH_*`` settings (the process's by default)."""
    from app.config import get_settings

    settings = settings or get_settings()
    return FetchPolicy(
        timeout=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        allow_private=settings.fetch_allow_private,
    )


def fetch_page(url: str, policy: FetchPolicy | None = None) -> Article:
    """The page at ``url`` read as a web page; its ``source_url`` is its canonical URL or,
    failing that, the URL it was fetched from (after redirects)."""
    fetched = fetch_html(url, policy or fetch_policy())
    html: str | bytes = fetched.body
    if fetched.charset:
        try:
            html = fetched.body.decode(fetched.charset)
        except (LookupError, UnicodeDecodeError):
            html = fetched.body  # a wrong or unknown charset: let the page's own markup tell
    return read_page(html, fetched.url)


def read_inputs(
    source: Path | str,
    *,
    fields: FieldMap = FieldMap(),
    max_bytes: int | None = None,
    policy: FetchPolicy | None = None,
) -> Iterator[Incoming | Rejected]:
    """The documents of a web page, an export or a URL, in order, with a Rejected for each
    bad record. An input that cannot be read at all raises InputError. Plain text files
    are read by app.ingest (with their sidecars)."""
    if isinstance(source, str):
        yield Incoming(source, fetch_page(source, policy))
        return
    kind = kind_of(source)
    if kind == "html":
        yield Incoming(str(source), read_page(_read_bytes(source, max_bytes)).or_source(source.name))
    elif kind == "export":
        for record in read_export(source, fields):
            if isinstance(record, BadRecord):
                yield Rejected(f"{source}:{record.line}", record.reason)
            else:
                yield Incoming(f"{source}:{record.line}", record.or_source(source.name))
    else:
        raise InputError(f"unsupported file type {source.suffix or '(no extension)'!r}")


def count_documents(source: Path | str) -> int:
    """How many documents ``source`` holds (records for an export, else one)."""
    if isinstance(source, Path) and kind_of(source) == "export":
        try:
            return count_records(source)
        except (OSError, UnicodeDecodeError, ValueError):
            return 1  # unreadable: reported once when it is read
    return 1


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(f"too large: {size} bytes, the limit is {max_bytes} (VERBATIM_MAX_DOCUMENT_BYTES)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
