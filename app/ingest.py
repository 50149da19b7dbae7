"""Files → extraction → database: the ``verbatim ingest`` job.

Each file is read strictly (a bad file is reported by name with a one-line reason and
skipped), then stored through ``app.store.ingest_text`` in its own transaction, so one
bad or failing document never affects the others. Besides ``.txt`` files (with their
``.meta.json`` sidecars) it takes web pages, exports (one document per record) and URLs,
read by :mod:`app.inputs`; a file of another type is reported when named, and counted as
skipped when found in a folder.

Extraction runs in forked worker processes (``workers`` of them) while this process
stays the single writer: it reads files a few ahead, sends their texts to the workers
and stores the results in file order, so the summary, the error reports and the rows
are those of a one-process run. Each file's extraction has a time budget
(``extraction_timeout_seconds``): a worker still busy after it is killed and replaced,
and the file is reported as over budget and skipped. ``shard`` keeps only this
machine's part of a corpus.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import make_engine
from app.documents import parse_published_at
from app.extraction_pool import ExtractionPool, ExtractionTimeout, extract_document
from app.extract.types import Extraction
from app.inputs import Article, FetchPolicy, FieldMap, Incoming, InputError, count_documents, is_url, kind_of, read_inputs
from app.migrate import migrate
from app.inputs.textfile import BadFileError, read_document
from app.store import IngestResult, ingest_text, is_current

__all__ = [
    "IngestSummary",
    "discover",
    "ingest_paths",
    "read_meta",
    "Shard",
]

META_KEYS = {"published_at", "source_url", "title", "source"}
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


class Found(NamedTuple):
    """An input named or found in a folder: ``problem`` when it cannot be read at all,
    ``unsupported`` for a file of another type met in a folder (counted, not reported)."""

    source: Path | str
    problem: str | None = None
    unsupported: bool = False


def discover(paths: Iterable[Path | str]) -> Iterator[Found]:
    """Every input under ``paths`` in a stable order: files by name, folders walked, URLs."""
    for item in paths:
        if isinstance(item, str) and is_url(item):
            yield Found(item)
            continue
        path = Path(item)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.endswith(".meta.json"):  # sidecars go with their .txt
                    yield Found(child, unsupported=kind_of(child) is None)
        elif path.is_file():
            kind_known = kind_of(path) is not None
            yield Found(path, None if kind_known else f"unsupported file type {path.suffix or '(no extension)'!r} "
                        "(ingest reads .txt, .html, .htm, .jsonl, .ndjson, .csv and http(s) URLs)")
        else:
            yield Found(path, "no such file or directory")


class Shard(NamedTuple):
    """Part ``index`` of ``count``: the files this machine ingests when several split a corpus.

    A file belongs to the shard ``sha256(its bytes) mod count``. Content, not the path:
    every machine computes the same split whatever the mount point or the way the files
    were named on the command line, and copies of one text land on one machine, so no
    two machines extract the same text. The price is reading every file's bytes once.
    """

    index: int
    count: int

    @classmethod
    def parse(cls, value: str) -> Shard:
        """``"I/N"`` with ``0 <= I < N``; ValueError with a one-line reason otherwise."""
        index, slash, count = value.partition("/")
        if not (slash and index.strip().isdigit() and count.strip().isdigit()):
            raise ValueError(f"--shard must be I/N with 0 <= I < N (e.g. 0/4), not {value!r}")
        shard = cls(int(index), int(count))
        if not 0 <= shard.index < shard.count:
            raise ValueError(f"--shard {value}: need 0 <= I < N")
        return shard

    def owns_text(self, text: str) -> bool:
        """The same rule for a document that is not a file of its own (a record, a page)."""
        digest = hashlib.sha256(text.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index

    def owns(self, path: Path) -> bool:
        """True for this shard's files; an unreadable file is everyone's, so it is reported."""
        try:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").digest()
        except OSError:
            return True
        return int.from_bytes(digest[:8], "big") % self.count == self.index


@dataclass
class IngestSummary:
    """Totals for the summary table and the exit code."""

    new: int = 0
    unchanged: int = 0
    reextracted: int = 0
    statements: int = 0
    quotes: int = 0
    speakers: set[int] = field(default_factory=set)  # the speakers the documents name
    declarations: int = 0
    clauses: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    results: list[tuple[str, IngestResult]] = field(default_factory=list)
    other_shard: int | None = None  # files left to other machines; None when not sharding
    unsupported: int = 0  # files of a type ingest does not read, met in folders

    @property
    def documents(self) -> int:
        return self.new + self.unchanged + self.reextracted

    def add(self, name: str, result: IngestResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.statements += result.statements
        self.quotes += result.quotes
        self.speakers |= {speaker.id for speaker in result.speakers if speaker.mentioned}
        self.declarations += result.declarations
        self.clauses += result.clauses
        self.results.append((name, result))


def ingest_paths(
    paths: Iterable[Path | str],
    *,
    database_url: str,
    reextract: bool = False,
    engine: Engine | None = None,
    on_start: Callable[[int], None] | None = None,
    on_begin: Callable[[str], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    on_error: Callable[[str, str], None] | None = None,
    max_bytes: int | None = None,
    workers: int = 1,
    shard: Shard | None = None,
    fields: FieldMap = FieldMap(),
    fetch_policy: FetchPolicy | None = None,
    budget: float | None = None,
) -> IngestSummary:
    """Migrate, then ingest every file; failures are collected, never raised.

    Callbacks drive a progress display: ``on_start(total)`` (documents, counting each
    export's records), then ``on_begin(name)`` and ``on_file(name)`` around each document,
    ``on_error(name, reason)`` for each failure (a bad record is named "FILE:LINE").
    Files over ``max_bytes`` (default: the ``max_document_bytes`` setting) are skipped.
    ``workers`` > 1 extracts in that many processes; ``shard`` skips other shards' files.
    ``fields`` names the fields of export records; ``fetch_policy`` bounds URL fetching
    (default: the ``fetch_*`` settings). ``budget`` (default: the
    ``extraction_timeout_seconds`` setting; 0 for none) bounds each document's extraction:
    a worker still busy after it is killed and replaced, and the document is reported and
    skipped.
    """
    from app.config import get_settings

    if max_bytes is None:
        max_bytes = get_settings().max_document_bytes
    if budget is None:
        budget = get_settings().extraction_timeout_seconds
    pool = _worker_pool(workers, bool(budget))  # forked before any database connection or thread exists
    own_engine = engine is None
    try:
        migrate(database_url)
        engine = engine or make_engine(database_url)
        summary = IngestSummary(other_shard=0 if shard else None)
        found = list(discover(paths))
        summary.unsupported = sum(1 for item in found if item.unsupported)
        found = [item for item in found if not item.unsupported]
        if on_start:
            on_start(sum(1 if item.problem else count_documents(item.source) for item in found))
        reading = _Reading(shard=shard, max_bytes=max_bytes, fields=fields, policy=fetch_policy)
        with Session(engine) as session:
            ahead = 4 * workers if pool else 0
            jobs = _Jobs(pool, budget or None)
            for item in _read_ahead(_items(found, reading), session, jobs, ahead, reextract=reextract):
                name = item.label
                if on_begin:
                    on_begin(name)
                try:
                    if item.error is not None:
                        raise item.error
                    if item.article is None:  # another shard's
                        summary.other_shard = (summary.other_shard or 0) + 1
                        continue
                    result = ingest_text(
                        session,
                        item.article.text,
                        **item.article.metadata(),
                        default_source=item.default_source,
                        reextract=reextract,
                        extraction=item.extraction.result() if item.extraction else None,
                        extractor=jobs.run if pool else None,
                    )
                    summary.add(name, result)
                except Exception as exc:  # one document's failure must not stop the batch
                    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                    if not isinstance(exc, (InputError, ExtractionTimeout)):
                        reason = f"{type(exc).__name__}: {reason}"
                    summary.failed.append((name, reason))
                    if on_error:
                        on_error(name, reason)
                finally:
                    if on_file:
                        on_file(name)
    finally:
        if pool is not None:
            pool.close()
        if own_engine and engine is not None:
            engine.dispose()
    return summary


# -- parallel extraction -----------------------------------------------------------------


@dataclass
class _Item:
    """A document made ready for storing: an error, another shard's (no article), or an
    article with, in a parallel run, its pending extraction. ``default_source`` is the
    source when neither the input nor the text's dateline names one."""

    label: str
    error: Exception | None = None
    article: Article | None = None
    default_source: str | None = None
    extraction: Future[Extraction] | None = None


@dataclass(frozen=True)
class _Reading:
    """How inputs are read: this machine's shard, the size limit, export fields, fetching."""

    shard: Shard | None
    max_bytes: int | None
    fields: FieldMap
    policy: FetchPolicy | None


def _items(found: list[Found], reading: _Reading) -> Iterator[_Item]:
    """Every document of the inputs, in order, read lazily (an export streams record by
    record); what cannot be read becomes an item carrying its error."""
    for entry in found:
        label = str(entry.source)
        if entry.problem:
            yield _Item(label, error=BadFileError(entry.problem))
        elif isinstance(entry.source, Path) and kind_of(entry.source) == "text":
            yield _text_item(entry.source, reading)
        else:
            try:
                for incoming in read_inputs(entry.source, fields=reading.fields, max_bytes=reading.max_bytes,
                                            policy=reading.policy):
                    if not isinstance(incoming, Incoming):
                        yield _Item(incoming.label, error=BadFileError(incoming.reason))
                    elif reading.shard is not None and not reading.shard.owns_text(incoming.article.text):
                        yield _Item(incoming.label)
                    else:
                        yield _Item(incoming.label, article=incoming.article)
            except Exception as exc:  # the input as a whole cannot be read (or fetched)
                yield _Item(label, error=exc)


def _text_item(path: Path, reading: _Reading) -> _Item:
    """A ``.txt`` file with its sidecar; without a ``source`` there, the agency of its dateline
    is the source, else the file's name."""
    item = _Item(str(path))
    try:
        if reading.shard is not None and not reading.shard.owns(path):
            return item
        text = read_document(path, reading.max_bytes)
        meta = read_meta(path)
        item.article = Article(
            text, title=meta.get("title"), published_at=parse_published_at(meta.get("published_at")),
            source=meta.get("source"), source_url=meta.get("source_url"),
        )
        item.default_source = path.name
    except Exception as exc:
        item.error = exc
    return item


def _worker_pool(workers: int, bounded: bool) -> ExtractionPool | None:
    """``workers`` extraction processes, or None to extract in this process (one worker
    and no time budget: nothing to parallelise, nothing to kill).

    Forked, like ``app.extract.extract_many``: workers share the imported code (and any
    test's stand-in extractor). They are started now, while this process has no thread
    and no database connection yet; a worker killed over budget is replaced by a fork
    that only ever extracts. Each loads the model before its first document, so a budget
    is spent on the document alone.
    """
    if workers <= 1 and not bounded:
        return None
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ExtractionPool(max(1, workers), start_method=method)
    pool.start()
    return pool


@dataclass(frozen=True)
class _Jobs:
    """Where documents are extracted: the pool, with the per-document budget."""

    pool: ExtractionPool | None
    budget: float | None

    def submit(self, text: str) -> Future[Extraction]:
        assert self.pool is not None
        return self.pool.submit(extract_document, text, budget=self.budget)

    def run(self, text: str) -> Extraction:
        return self.submit(text).result()


def _read_ahead(
    items: Iterator[_Item],
    session: Session,
    jobs: _Jobs,
    ahead: int,
    *,
    reextract: bool,
) -> Iterator[_Item]:
    """The documents in order, each sent to a worker up to ``ahead`` documents before it
    is stored (only a few are held at once, so an export of any size streams)."""
    pending: deque[_Item] = deque()
    for item in items:
        if jobs.pool is not None and item.article is not None and item.error is None:
            try:
                if reextract or not is_current(session, item.article.text):
                    item.extraction = jobs.submit(item.article.text)
            except Exception as exc:  # reported when the item's turn comes, in order
                item.error = exc
        pending.append(item)
        if len(pending) > ahead:
            yield pending.popleft()
    yield from pending
