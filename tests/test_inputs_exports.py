"""Exports: one record per document, bad records named by line, other field names mapped."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.inputs import InputError
from app.inputs.exports import BadRecord, FieldMap, Record, count_records, read_export

GOOD = {"text": "The mayor said the ferry would run again in June.", "title": "Ferry returns",
        "published_at": "2023-05-01T08:00:00Z", "source_url": "https://paper.example/ferry", "source": "Daily Paper"}


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_records_with_every_field(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [json.dumps(GOOD), "", json.dumps({"text": "Second text here."})])
    records = list(read_export(path))
    assert records == [
        Record(GOOD["text"], "Ferry returns", datetime(2023, 5, 1, 8, tzinfo=timezone.utc),
               source="Daily Paper", source_url="https://paper.example/ferry", line=1),
        Record("Second text here.", line=3),
    ]
    assert count_records(path) == 2


@pytest.mark.parametrize(("line", "reason"), [
    ("not json", "invalid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"title": "no text"}', "missing or empty 'text'"),
    ('{"text": "   "}', "missing or empty 'text'"),
    ('{"text": "ok", "published_at": "yesterday"}', "'published_at' is not ISO 8601"),
    ('{"text": "ok", "title": 7}', "'title' must be a string"),
    ('{"text": "ok", "source_url": "ftp://x.example/a"}', "'source_url' is not an http(s) URL"),
])
def test_a_bad_jsonl_record_is_named_by_line_and_the_next_one_read(tmp_path: Path, line: str, reason: str) -> None:
    path = write_jsonl(tmp_path / "b.ndjson", [json.dumps(GOOD), line, json.dumps({"text": "After the bad one."})])
    first, bad, last = read_export(path)
    assert isinstance(first, Record) and isinstance(last, Record) and last.line == 3
    assert isinstance(bad, BadRecord) and bad.line == 2 and reason in bad.reason


def test_invalid_utf8_line_is_one_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n' + json.dumps(GOOD).encode() + b"\n")
    bad, good = read_export(path)
    assert isinstance(bad, BadRecord) and "UTF-8" in bad.reason and isinstance(good, Record)


def test_csv_with_mapped_field_names_and_multiline_cells(tmp_path: Path) -> None:
    """A record is named by the line it starts on, whatever the lines of the cells before it."""
    path = tmp_path / "d.csv"
    path.write_text(
        "body,headline,date,link\n"
        '"First paragraph.\n\nSecond paragraph, said the minister.",Two paragraphs,2024-01-02,https://x.example/1\n'
        ",empty text,,\n"
        "Plain line.,,2024-13-40,\n"
        "Last one.,Fine,,\n",
        encoding="utf-8",
    )
    fields = FieldMap(text="body", title="headline", published_at="date", source_url="link")
    records = list(read_export(path, fields))
    assert isinstance(records[0], Record) and records[0].text.count("\n\n") == 1
    assert records[0].published_at == datetime(2024, 1, 2) and records[0].source_url == "https://x.example/1"
    assert [(r.line, r.reason) for r in records if isinstance(r, BadRecord)] == [
        (5, "missing or empty 'body'"), (6, "'date' is not ISO 8601 ('2024-13-40')")]
    assert isinstance(records[-1], Record) and records[-1].line == 7 and records[-1].title == "Fine"
    assert count_records(path) == 4


def test_csv_without_the_text_column_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("content,title\nA text.,A title\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'text' column"):
        list(read_export(path))


def test_records_stream_from_the_open_file(tmp_path: Path) -> None:
    """Records are read as they are asked for: one appended after the first was read is seen."""
    path = write_jsonl(tmp_path / "f.jsonl", [json.dumps({"text": "One."})])
    records = read_export(path)
    assert isinstance(next(records), Record)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "Two."}) + "\n")
    assert [r.text for r in records if isinstance(r, Record)] == ["Two."]
