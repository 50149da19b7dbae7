"""The ``verbatim`` command: ingest, serve, extract, evaluate (and migrate).

Bad input (a missing file, a malformed JSON line, an unreachable database) ends in a
one-line ``error: …`` on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.config import get_settings
from app.inputs import FieldMap, is_url
from app.inputs.textfile import BadFileError, decode_text, read_document

# the database layer is imported by the commands that use it: `verbatim extract` starts
# seconds sooner without it
if TYPE_CHECKING:
    from app.ingest import IngestSummary

app = typer.Typer(
    name="verbatim",
    help="Who said what: extract quotes, reported speech and declaration clauses; store and serve them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_SEEDS = Path("seeds")
JSONL_BATCH = 32


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, then exit: the contract for every bad input."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable URL>"


def dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _set_database_url(database_url: str | None) -> str:
    """Apply ``--database-url`` to this process (and to uvicorn workers via the env)."""
    if database_url:
        os.environ["VERBATIM_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    return get_settings().database_url


DatabaseUrlOption = Annotated[
    str | None,
    typer.Option("--database-url", help="Database URL; default: VERBATIM_DATABASE_URL or sqlite:///verbatim.db."),
]


# -- migrate / ingest --------------------------------------------------------------------


@app.command()
def migrate(database_url: DatabaseUrlOption = None) -> None:
    """Bring the database schema up to date (Alembic upgrade head)."""
    from app.migrate import migrate as run_migrations

    url = _set_database_url(database_url)
    try:
        run_migrations(url)
    except Exception as exc:
        fail(f"cannot migrate {safe_url(url)}: {first_line(exc)}", 2)
    typer.echo(f"database {safe_url(url)} is up to date", err=True)


@app.command()
def ingest(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders or http(s) URLs (default: seeds/): .txt, .html/.htm pages, "
            ".jsonl/.ndjson/.csv exports (one document per record).",
            metavar="[PATH|URL]...",
        ),
    ] = None,
    reextract: Annotated[bool, typer.Option("--reextract", help="Extract again even if up to date.")] = False,
    database_url: DatabaseUrlOption = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Extraction processes (this process stays the one writer).")
    ] = 1,
    shard: Annotated[
        str | None,
        typer.Option("--shard", metavar="I/N", help="Ingest only shard I of N (by file content), for N machines."),
    ] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="Export field holding the text.")] = "text",
    title_field: Annotated[str, typer.Option("--title-field", help="Export field holding the title.")] = "title",
    date_field: Annotated[
        str, typer.Option("--date-field", help="Export field holding the ISO 8601 publication date.")
    ] = "published_at",
    url_field: Annotated[str, typer.Option("--url-field", help="Export field holding the article's URL.")] = "source_url",
    source_field: Annotated[
        str, typer.Option("--source-field", help="Export field holding the publisher's name.")
    ] = "source",
) -> None:
    """Load documents into the database (migrating it first); idempotent by content hash.

    Each web page, export record or fetched URL is its own document; a bad one is
    reported (a record by FILE:LINE) and skipped, and the exit status is then 1."""
    from app.ingest import Shard, ingest_paths

    try:
        part = Shard.parse(shard) if shard is not None else None
    except ValueError as exc:
        fail(str(exc), 2)
    fields = FieldMap(text=text_field, title=title_field, published_at=date_field, source_url=url_field,
                      source=source_field)
    url = _set_database_url(database_url)
    console = Console(stderr=True)
    progress = (
        Progress(
            TextColumn("[bold]ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        if console.is_terminal
        else None
    )
    task: list[Any] = []

    def on_start(total: int) -> None:
        if progress is not None:
            progress.start()
            task.append(progress.add_task("", total=total))

    def on_begin(name: str) -> None:
        if progress is not None and task:
            progress.update(task[0], description=name if is_url(name) else Path(name).name)

    def on_file(name: str) -> None:
        if progress is not None and task:
            progress.update(task[0], advance=1)

    def on_error(name: str, reason: str) -> None:
        console.print(f"[red]skipped[/red] {name}: {reason}", markup=True, highlight=False, soft_wrap=True)

    try:
        summary = ingest_paths(
            [item if is_url(item) else Path(item) for item in paths] if paths else [DEFAULT_SEEDS],
            database_url=url,
            reextract=reextract,
            on_start=on_start,
            on_begin=on_begin,
            on_file=on_file,
            on_error=on_error,
            workers=workers,
            shard=part,
            fields=fields,
        )
    except KeyboardInterrupt:  # the document in progress was rolled back; earlier ones stay
        fail("interrupted; documents stored before the interruption are kept", 130)
    except Exception as exc:  # migration or connection failure: nothing to ingest into
        fail(f"cannot use database {safe_url(url)}: {first_line(exc)}", 2)
    finally:
        if progress is not None:
            progress.stop()
    Console().print(summary_table(summary))
    if summary.failed:
        if len(summary.failed) == 1:
            name, reason = summary.failed[0]
            fail(f"{name}: {reason}")
        fail(f"{len(summary.failed)} inputs skipped: " + ", ".join(name for name, _ in summary.failed))


def summary_table(summary: IngestSummary) -> Table:
    """One row per figure: narrow enough for any terminal or log."""
    table = Table(title="verbatim ingest", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("documents", summary.documents),
        ("  new", summary.new),
        ("  unchanged", summary.unchanged),
        ("  re-extracted", summary.reextracted),
        ("statements", summary.statements),
        ("  of which quotes", summary.quotes),
        ("speakers", len(summary.speakers)),
        ("declarations", summary.declarations),
        ("clauses", summary.clauses),
        ("skipped (failed)", len(summary.failed)),
        ("skipped (unsupported type)", summary.unsupported),
    ]
    if summary.other_shard is not None:
        rows.append(("other shard", summary.other_shard))
    for label, count in rows:
        table.add_row(label, str(count))
    return table


# -- serve -------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    database_url: DatabaseUrlOption = None,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Upgrade the schema before serving.")
    ] = True,
) -> None:
    """Serve the JSON API with uvicorn."""
    import uvicorn

    url = _set_database_url(database_url)
    if migrate_first:
        from app.migrate import migrate as run_migrations

        try:
            run_migrations(url)
        except Exception as exc:
            fail(f"cannot migrate {safe_url(url)}: {first_line(exc)}", 2)
    from app.serving import PROTOCOL

    settings = get_settings()
    # our JSON access log (app.middleware.AccessLog) replaces uvicorn's plain-text one; the
    # protocol closes connections that never finish their headers (app.serving)
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers, access_log=False,
                http=PROTOCOL, timeout_keep_alive=settings.keep_alive_seconds)


# -- extract -----------------------------------------------------------------------------


def _extractor() -> Any:
    """The extraction package (``extract``, ``extract_many``), or a one-line error when it
    cannot be imported."""
    try:
        from app import extract as extractor

        return extractor
    except ImportError as exc:
        fail(f"extractor unavailable: {first_line(exc)}", 2)


def _extract_json(text: str) -> dict[str, Any]:
    return _extractor().extract(text).to_json()


@app.command("extract")
def extract_command(
    files: Annotated[list[Path] | None, typer.Argument(help="Text files (default: stdin).")] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='Read {"id", "text"} JSON lines, write one result line each.')
    ] = False,
) -> None:
    """Extract statements, speakers and declarations without a database; print JSON."""
    try:
        if jsonl:
            _extract_jsonl(files or [])
        else:
            _extract_files(files or [])
    except typer.Exit:
        raise
    except BadFileError as exc:
        fail(str(exc))
    except Exception as exc:  # e.g. the model package missing
        fail(first_line(exc), 2)


def _read_stdin() -> bytes:
    if sys.stdin is None or sys.stdin.isatty():
        fail("no input: give FILE arguments or pipe text on stdin")
    return sys.stdin.buffer.read()


def _extract_files(files: list[Path]) -> None:
    if not files:
        typer.echo(dumps(_extract_json(decode_text(_read_stdin())), indent=2))
        return
    results: list[dict[str, Any]] = []
    failed = 0
    for path in files:
        try:
            result = _extract_json(read_document(path))
        except BadFileError as exc:
            typer.echo(f"error: {path}: {exc}", err=True)
            failed += 1
            continue
        results.append({"file": str(path), **result} if len(files) > 1 else result)
    if len(files) == 1:
        if results:
            typer.echo(dumps(results[0], indent=2))
    else:
        typer.echo(dumps(results, indent=2))
    if failed:
        raise typer.Exit(1)


def _jsonl_lines(files: list[Path]) -> Iterator[tuple[str, str]]:
    """(label, line) pairs from the files, or from stdin."""
    if files:
        for path in files:
            try:
                text = read_document(path)
            except BadFileError as exc:
                yield f"{path}", f"\0{exc}"
                continue
            for number, line in enumerate(text.splitlines(), 1):
                yield f"{path}:{number}", line
    else:
        data = _read_stdin()
        for number, raw in enumerate(data.splitlines(), 1):
            try:
                yield f"line {number}", raw.decode("utf-8")
            except UnicodeDecodeError:
                yield f"line {number}", "\0not valid UTF-8"


def parse_jsonl_item(line: str) -> tuple[Any, str]:
    """Validate one ``{"id", "text"}`` line; raises ValueError with a one-line reason."""
    if line.startswith("\0"):
        raise ValueError(line[1:])
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(item, dict):
        raise ValueError('expected a JSON object {"id", "text"}')
    if "id" not in item or not isinstance(item["id"], str | int) or isinstance(item["id"], bool):
        raise ValueError('missing or invalid "id" (a string or an integer)')
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('missing or empty "text"')
    return item["id"], text


def _extract_jsonl(files: list[Path]) -> None:
    extractor = _extractor()
    failed = 0
    batch: list[tuple[str, Any, str]] = []

    def flush() -> None:
        nonlocal failed
        if not batch:
            return
        try:
            results = list(extractor.extract_many([text for _, _, text in batch]))
        except Exception:
            results = []
        if len(results) != len(batch):  # isolate the failing document
            results = []
            for label, _, text in batch:
                try:
                    results.append(extractor.extract(text))
                except Exception as exc:
                    typer.echo(f"error: {label}: extraction failed: {first_line(exc)}", err=True)
                    results.append(None)
        for (_, doc_id, _), extraction in zip(batch, results, strict=True):
            if extraction is None:
                failed += 1
                continue
            data = extraction.to_json()
            typer.echo(
                dumps(
                    {
                        "id": doc_id,
                        "statements": data["statements"],
                        "speakers": data["speakers"],
                        "declarations": data["declarations"],
                    }
                )
            )
        batch.clear()

    for label, line in _jsonl_lines(files):
        if not line.strip():
            continue
        try:
            doc_id, text = parse_jsonl_item(line)
        except ValueError as exc:
            typer.echo(f"error: {label}: {exc}", err=True)
            failed += 1
            continue
        batch.append((label, doc_id, text))
        if len(batch) >= JSONL_BATCH:
            flush()
    flush()
    if failed:
        raise typer.Exit(1)


# -- evaluate ----------------------------------------------------------------------------


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold documents, validated enough that scoring cannot crash on them."""
    try:
        text = read_document(path)
    except BadFileError as exc:
        fail(f"{path}: {exc}")
    docs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{path}:{number}: invalid JSON ({exc.msg})")
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str) or "id" not in doc:
            fail(f'{path}:{number}: expected an object with "id", "text" and "quotes"')
        if not isinstance(doc.get("quotes", []), list):
            fail(f'{path}:{number}: "quotes" must be a list')
        docs.append(doc)
    if not docs:
        fail(f"{path}: no gold documents")
    return docs


@app.command("evaluate")
def evaluate_command(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL file: one document a line with its annotated quotes (see EVALUATION.md).")],
    speech_only: Annotated[
        bool, typer.Option("--speech-only", help="Score only gold items whose cue is a speech verb.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    declarations: Annotated[
        bool,
        typer.Option("--declarations", help="Score instruments, parties, clauses and principles against "
                     'gold with "declarations" (EVALUATION.md) instead of statements.'),
    ] = False,
) -> None:
    """Precision, recall and F1 of extraction against a gold file."""
    docs = load_gold(gold)
    try:
        from app.evaluate import evaluate, evaluate_declarations, format_declarations_report, format_report

        extractor = _extractor()
        part = "declarations" if declarations else "statements"
        predictions = {doc["id"]: extractor.extract(doc["text"]).to_json()[part] for doc in docs}
        if declarations:
            report = evaluate_declarations(docs, predictions)
            typer.echo(dumps(report, indent=2) if as_json else format_declarations_report(report))
            return
        report = evaluate(docs, predictions, speech_only=speech_only)
    except typer.Exit:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        fail(f"{gold}: malformed gold data ({first_line(exc)})")
    except Exception as exc:
        fail(first_line(exc), 2)
    typer.echo(dumps(report, indent=2) if as_json else format_report(report))


def main() -> None:  # pragma: no cover - console-script convenience
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
