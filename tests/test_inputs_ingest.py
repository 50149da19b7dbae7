"""`verbatim ingest` of pages, exports, URLs and unsupported files, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from inputs_server import page_server
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import app
from app.db import make_engine
from app.ingest import ingest_paths
from app.inputs import FieldMap
from app.models import Document

PAGES = Path(__file__).parent / "data" / "inputs"
RECORDS = [
    {"body": '"The tunnel will open before winter," the engineer Ines Karp said on Friday.',
     "headline": "Tunnel date set", "date": "2023-09-01T12:00:00+02:00", "link": "https://wire.example/tunnel",
     "outlet": "Wire Example"},
    {"body": "   ", "headline": "blank"},
    {"body": "The union said that the strike at the port would end on Monday.", "headline": "Strike ends"},
]


def documents(url: str) -> dict[str, Document]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return {doc.title or "": doc for doc in session.exec(select(Document)).all()}
    finally:
        engine.dispose()


def utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def test_a_folder_of_pages_exports_and_other_files(database_url: str, tmp_path: Path) -> None:
    tmp_path = tmp_path / "inputs"  # beside the SQLite database file, which is not an input
    tmp_path.mkdir()
    shutil.copy(PAGES / "harbour.html", tmp_path)
    shutil.copy(PAGES / "orchard.htm", tmp_path)
    (tmp_path / "wire.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not ours")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    seen: list[str] = []
    totals: list[int] = []
    summary = ingest_paths([tmp_path], database_url=database_url, on_start=totals.append, on_file=seen.append,
                           fields=_fields())
    assert (summary.new, summary.unsupported) == (4, 2)
    assert summary.failed == [(f"{tmp_path / 'wire.jsonl'}:2", "missing or empty 'body'")]
    assert totals == [5] and len(seen) == 5  # the bar counts records, not files

    stored = documents(database_url)
    harbour = stored["Minister backs harbour plan"]
    assert harbour.source == "The Coastal Herald" and harbour.source_url == "https://herald.example/news/harbour-plan"
    assert utc(harbour.published_at) == datetime(2024, 3, 5, 8, 30, tzinfo=timezone.utc)
    assert harbour.text.startswith("The transport minister") and "Most read" not in harbour.text
    tunnel = stored["Tunnel date set"]
    assert (tunnel.source, tunnel.source_url) == ("Wire Example", "https://wire.example/tunnel")
    assert utc(tunnel.published_at) == datetime(2023, 9, 1, 10, tzinfo=timezone.utc)
    strike = stored["Strike ends"]
    assert strike.source == "wire.jsonl" and strike.published_at is None  # nothing from the file's time

    again = ingest_paths([tmp_path], database_url=database_url, fields=_fields())
    assert (again.new, again.unchanged) == (0, 4)  # identity by content, per record


def test_statement_offsets_refer_to_the_stored_page_text(database_url: str, tmp_path: Path) -> None:
    from app.models import Statement

    shutil.copy(PAGES / "harbour.html", tmp_path)
    ingest_paths([tmp_path / "harbour.html"], database_url=database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            doc = session.exec(select(Document)).one()
            statements = session.exec(select(Statement).where(Statement.document_id == doc.id)).all()
            assert statements
            for st in statements:
                if not st.fragments:
                    assert doc.text[st.start_char:st.end_char] == st.text
    finally:
        engine.dispose()


def test_cli_csv_with_mapped_fields_and_a_bad_record(database_url: str, tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "id,content,headline,when\n"
        '1,"""We are ready,"" the coach Lea Moss said.",Coach ready,2022-06-01\n'
        "2,The club said that tickets were sold out.,Sold out,last week\n"
        "3,The league said that the final would move to Sunday.,Final moved,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["ingest", str(export), "--database-url", database_url,
                                      "--text-field", "content", "--title-field", "headline", "--date-field", "when"])
    assert result.exit_code == 1
    assert f"{export}:3: 'when' is not ISO 8601 ('last week')" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert set(documents(database_url)) == {"Coach ready", "Final moved"}


def test_cli_a_named_file_of_unknown_type_fails(database_url: str, tmp_path: Path) -> None:
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF-1.4")
    result = CliRunner().invoke(app, ["ingest", str(paper), "--database-url", database_url])
    assert result.exit_code == 1
    assert "unsupported file type '.pdf'" in result.stderr and "Traceback" not in result.stderr
    assert documents(database_url) == {}


def test_cli_ingests_a_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERBATIM_FETCH_ALLOW_PRIVATE", "true")
    from app.config import get_settings

    get_settings.cache_clear()
    with page_server() as base:
        result = CliRunner().invoke(app, ["ingest", f"{base}/moved", "--database-url", database_url])
        assert result.exit_code == 0, result.stderr
        doc = documents(database_url)["Minister backs harbour plan"]
        assert doc.source_url == "https://herald.example/news/harbour-plan" and doc.source == "The Coastal Herald"

        monkeypatch.setenv("VERBATIM_FETCH_ALLOW_PRIVATE", "false")
        get_settings.cache_clear()
        refused = CliRunner().invoke(app, ["ingest", f"{base}/page", "--database-url", database_url])
    get_settings.cache_clear()
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines()[-1] == (
        f"error: {base}/page: 127.0.0.1 resolves to 127.0.0.1, a loopback, private or link-local address "
        "(VERBATIM_FETCH_ALLOW_PRIVATE allows them)")


def _fields() -> FieldMap:
    return FieldMap(text="body", title="headline", published_at="date", source_url="link", source="outlet")


def test_export_records_with_workers_and_shards_store_what_one_process_stores(database_url: str, tmp_path: Path) -> None:
    """Records go to the extraction workers like files, in order; shards split them by text."""
    from app.ingest import Shard

    lines = [json.dumps({"text": f'"Dock {i} opens in June," the harbour master Ada Nyberg said. '
                                 f"Officials said that berth {i} was ready.", "title": f"Dock {i}"})
             for i in range(6)]
    export = tmp_path / "docks.ndjson"
    export.write_text("\n".join(lines[:3] + ["{broken"] + lines[3:]) + "\n", encoding="utf-8")
    parallel = ingest_paths([export], database_url=database_url, workers=2)
    assert parallel.new == 6 and [name for name, _ in parallel.failed] == [f"{export}:4"]
    assert [name for name, _ in parallel.results] == [f"{export}:{n}" for n in (1, 2, 3, 5, 6, 7)]
    split = [ingest_paths([export], database_url=database_url, shard=Shard(i, 2)) for i in range(2)]
    assert sum(s.unchanged for s in split) == 6 and sum(s.other_shard or 0 for s in split) == 6
