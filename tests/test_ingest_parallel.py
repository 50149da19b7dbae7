"""Parallel and distributed ingestion: ``--workers`` stores what one process stores,
``--shard`` splits a corpus exactly, and two ingests racing on one database (SQLite or
PostgreSQL) neither fail nor duplicate speakers or documents. Real extractor throughout."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session
from typer.testing import CliRunner

import app.documents as documents
from app.cli import app as cli
from app.db import make_engine
from app.ingest import Shard, ingest_paths
from app.migrate import migrate
from app.store import ingest_text
from robustness.robust_db import violations
from test_ingest import script

VERBATIM = str(Path(sys.executable).with_name("verbatim"))
ROOT = Path(__file__).resolve().parent.parent
PEOPLE = [("President", "Jane Doe"), ("Senator", "Omar Haddad"), ("Mayor", "Ines Varga"), ("Minister", "Ruth Adeyemi")]
TABLES = {  # what a run stores, without the creation timestamp
    "document": "id, sha256, title, source, word_count, statement_count, quote_count",
    "speaker": "id, slug, name, name_norm, kind, title, country, statement_count, quote_count",
    "speaker_alias": "id, speaker_id, alias_norm",
    "mention": "id, document_id, speaker_id, start_char, end_char",
    "statement": "id, document_id, speaker_id, kind, text, start_char, end_char, cue, confidence",
}


def article(i: int) -> str:
    """A short generated news item; every one quotes President Jane Doe."""
    lines = [f"{i + 1} May 2024 - Council report {i}."]
    for p, (title, name) in enumerate([PEOPLE[0], PEOPLE[1 + i % 3]]):
        surname = name.split()[-1]
        lines.append(
            f"{title} {name} said that the harbour plan {i}-{p} would cost {i + p + 3} million. "
            f'"We will open dock {i * 10 + p} in June," {surname} told reporters.'
        )
    return "\n\n".join(lines)


def write_corpus(folder: Path, numbers: range) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        (folder / f"item_{i:03}.txt").write_text(article(i), encoding="utf-8")
    return folder


def rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t: [tuple(r) for r in connection.execute(text(f"SELECT {c} FROM {t} ORDER BY id"))] for t, c in TABLES.items()}
    finally:
        engine.dispose()


def duplicates(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(
                "SELECT name_norm, COUNT(*) FROM speaker GROUP BY name_norm HAVING COUNT(*) > 1"))]
    finally:
        engine.dispose()


def second_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'second.db'}"
    return request.getfixturevalue("postgres").create()


def test_two_workers_store_the_same_rows_in_the_same_order(
    backend: str, database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    corpus = write_corpus(tmp_path / "corpus", range(6))
    (corpus / "item_002_copy.txt").write_text(article(2), encoding="utf-8")  # same text twice: stored once
    (corpus / "item_004_bad.txt").write_bytes(b"\x00\x01binary")
    (corpus / "item_005.meta.json").write_text('{"published_at": "2024-05-06"}', encoding="utf-8")

    one = ingest_paths([corpus], database_url=database_url, workers=1)
    other_url = second_database(backend, tmp_path, request)
    two = ingest_paths([corpus], database_url=other_url, workers=2)

    assert two.failed == one.failed == [(str(corpus / "item_004_bad.txt"), "binary file (contains NUL bytes)")]
    assert [(n, r.status, r.statements) for n, r in two.results] == [(n, r.status, r.statements) for n, r in one.results]
    assert (two.new, two.unchanged) == (one.new, one.unchanged) == (6, 1)
    assert rows(other_url) == rows(database_url)
    assert not violations(other_url)

    again = ingest_paths([corpus], database_url=other_url, workers=2)
    assert (again.new, again.unchanged, len(again.failed)) == (0, 7, 1)
    assert rows(other_url) == rows(database_url)


def test_shards_split_a_corpus_exactly(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", range(30))
    files = sorted(corpus.glob("*.txt"))
    owners = [[s for s in range(3) if Shard(s, 3).owns(f)] for f in files]
    assert all(len(o) == 1 for o in owners)
    assert {o[0] for o in owners} == {0, 1, 2}  # 30 files: every shard gets some

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    stored = 0
    for index in range(3):
        summary = ingest_paths([corpus], database_url=url, shard=Shard(index, 3), workers=2)
        assert summary.new + (summary.other_shard or 0) == 30
        stored += summary.new
    assert stored == 30 and ingest_paths([corpus], database_url=url).unchanged == 30


@pytest.mark.parametrize("value", ["3/3", "-1/3", "1/0", "1", "a/b", "1/2/3"])
def test_a_bad_shard_is_a_one_line_error(value: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), f"--shard={value}", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --shard")
    assert not (tmp_path / "x.db").exists()  # refused before touching the database


def test_shard_summary_counts_the_other_shards(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", range(4))
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--shard", "0/1", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 0, result.stderr
    assert "other shard" in result.stdout


def test_two_concurrent_ingests_share_speakers_and_documents(database_url: str, tmp_path: Path) -> None:
    """Overlapping corpora, started together: 10 texts are in both, everyone quotes Jane Doe."""
    first = write_corpus(tmp_path / "first", range(0, 15))
    second = write_corpus(tmp_path / "second", range(5, 20))
    env = {**os.environ, "VERBATIM_DATABASE_URL": database_url}
    runs = [
        subprocess.Popen([VERBATIM, "ingest", str(folder), *extra], env=env, cwd=ROOT, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for folder, extra in ((first, ["--workers", "2"]), (second, []))
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err

    assert not violations(database_url)  # no duplicate sha256; every counter equals its rows
    assert not duplicates(database_url)
    stored = rows(database_url)
    assert len(stored["document"]) == 20
    jane = [s for s in stored["speaker"] if s[1] == "jane-doe"]
    assert len(jane) == 1 and jane[0][7] == 2 * 20  # two statements in each text


def test_racing_writers_keep_one_speaker_and_true_counters(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two writers storing the same 40 texts in opposite orders, with an instant (scripted)
    extractor and a pause before each commit, so that their transactions overlap."""
    texts = [f'President Jane Doe opened hall {i}. "Dock {i} is ready," Jane Doe said.' for i in range(40)]
    registry = {
        t: script(t, [("jane-doe", "Jane Doe", None, ["President Jane Doe", "Jane Doe"])], [(f"Dock {i} is ready,", "jane-doe", "direct")])
        for i, t in enumerate(texts)
    }
    monkeypatch.setattr(documents, "run_extractor", registry.__getitem__)

    def pause_before_commit() -> bool:
        time.sleep(0.01)  # the rows and counters are written, the transaction not yet committed
        return True
    migrate(database_url)
    engine = make_engine(database_url)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(order: list[str]) -> None:
        start.wait()
        try:
            with Session(engine) as session:
                for t in order:
                    ingest_text(session, t, may_commit=pause_before_commit)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(order,)) for order in (texts, texts[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    engine.dispose()
    assert not errors, errors
    assert not violations(database_url)
    stored = rows(database_url)
    assert len(stored["document"]) == 40
    assert [s[1] for s in stored["speaker"]] == ["jane-doe"] and stored["speaker"][0][7] == 40
