"""The `verbatim` command: JSON output, JSON lines, evaluation, ingest exit codes, clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = next(SEEDS.glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "seed_gold.jsonl"
VERBATIM = Path(sys.executable).with_name("verbatim")
SAMPLE = '"We will rebuild the bridge by May," the mayor said. Officials said that the budget is ready.'


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def one_line_error(stderr: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert lines, stderr


# -- extract ----------------------------------------------------------------------------


def test_extract_a_file_prints_the_extraction_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(SEED)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"document", "statements", "speakers", "declarations"}
    text = SEED.read_text(encoding="utf-8")
    for statement in data["statements"]:
        if "fragments" not in statement:
            assert text[statement["start_char"] : statement["end_char"]] == statement["text"]


def test_extract_reads_stdin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract"], input=SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout)["statements"], list)


def test_extract_several_files_gives_a_list_with_file_names(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(SAMPLE, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(SEED), str(other)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [item["file"] for item in data] == [str(SEED), str(other)]


def test_extract_bad_file_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 cr\xe8me")
    result = runner.invoke(app, ["extract", str(bad)])
    assert result.exit_code != 0
    one_line_error(result.stderr)
    missing = runner.invoke(app, ["extract", str(tmp_path / "missing.txt")])
    assert missing.exit_code != 0
    one_line_error(missing.stderr)


def test_extract_jsonl_processes_good_lines_and_reports_bad_ones(runner: CliRunner) -> None:
    lines = [
        json.dumps({"id": "a", "text": SAMPLE}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps(["id", "text"]),
        "",
        json.dumps({"id": 7, "text": SEED.read_text(encoding="utf-8")}),
    ]
    result = runner.invoke(app, ["extract", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["id"] for item in out] == ["a", 7]
    assert all(set(item) == {"id", "statements", "speakers", "declarations"} for item in out)
    errors = result.stderr.splitlines()
    assert [e.split(":")[1].strip() for e in errors] == ["line 2", "line 3", "line 4"]
    assert "Traceback" not in result.stderr


def test_extract_jsonl_all_good_exits_zero(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", "--jsonl"], input=json.dumps({"id": "x", "text": SAMPLE}) + "\n")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "x"


# -- evaluate ---------------------------------------------------------------------------


def test_evaluate_prints_a_report(runner: CliRunner, tmp_path: Path) -> None:
    start = SAMPLE.index("We will")
    end = SAMPLE.index(',"')
    gold = tmp_path / "gold.jsonl"
    quote = {"kind": "direct", "content_start": start, "content_end": end, "speaker": "the mayor", "cue": "said"}
    gold.write_text(json.dumps({"id": "g1", "text": SAMPLE, "quotes": [quote]}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    as_json = runner.invoke(app, ["evaluate", str(gold), "--json", "--speech-only"])
    assert as_json.exit_code == 0, as_json.stderr
    assert isinstance(json.loads(as_json.stdout), dict)


def test_evaluate_declarations(runner: CliRunner, tmp_path: Path) -> None:
    text = "Chile and Peru signed the Treaty on Fisheries. The treaty provides for joint quotas."
    start, clause = text.index("Treaty on"), text.index("The treaty provides")
    decl = {"title": "Treaty on Fisheries", "title_start": start, "title_end": start + len("Treaty on Fisheries"),
            "kind": "treaty", "parties": ["Chile", "Peru"],
            "clauses": [{"start": clause, "end": len(text) - 1, "ordinal": None, "principles": []}]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "text": text, "declarations": [decl]}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), "--declarations", "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["instruments"]["f1"], report["clauses"]["f1"], report["parties_exact"]) == (1.0, 1.0, 1.0)
    table = runner.invoke(app, ["evaluate", str(gold), "--declarations"])
    assert table.exit_code == 0 and "instruments" in table.stdout and "parties exact" in table.stdout


def test_evaluate_on_the_seed_gold(runner: CliRunner) -> None:
    result = runner.invoke(app, ["evaluate", str(GOLD), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 1 and 0.0 <= report["lenient"]["f1"] <= 1.0
    text = runner.invoke(app, ["evaluate", str(GOLD), "--speech-only"])
    assert text.exit_code == 0 and "lenient" in text.stdout


@pytest.mark.parametrize("content", ["{broken\n", '{"id": 1}\n', "", '{"id": 1, "text": "x", "quotes": 3}\n'])
def test_evaluate_rejects_malformed_gold_in_one_line(runner: CliRunner, tmp_path: Path, content: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold)])
    assert result.exit_code != 0
    one_line_error(result.stderr)


# -- ingest -----------------------------------------------------------------------------


def test_ingest_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    ok = runner.invoke(app, ["ingest", str(SEEDS), "--database-url", url])
    assert ok.exit_code == 0, ok.stderr
    assert "documents" in ok.stdout and "skipped" in ok.stdout

    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02")
    failed = runner.invoke(app, ["ingest", str(SEEDS), str(bad), "--database-url", url])
    assert failed.exit_code == 1
    assert "broken.txt" in failed.stderr and "binary" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_ingest_unusable_database_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(SEEDS), "--database-url", "nosuchdb://x"])
    assert result.exit_code == 2
    one_line_error(result.stderr)


# -- the installed console script -------------------------------------------------------


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run(
        [str(VERBATIM), *args], input=stdin, capture_output=True, text=True, timeout=180, cwd=ROOT, env=env
    )


def test_console_script_runs_ingest_from_the_repository_root(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'script.db'}"
    first = run("ingest", "--database-url", url)
    assert first.returncode == 0, first.stderr
    again = run("ingest", "--database-url", url)
    assert again.returncode == 0 and "unchanged" in again.stdout
    missing = run("extract", str(tmp_path / "nope.txt"))
    assert missing.returncode != 0
    one_line_error(missing.stderr)
