"""Faults: an ingest killed with SIGKILL leaves whole documents or none; reads keep working
while another process ingests. Both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.config import Settings
from app.main import create_app
from app.migrate import migrate
from robust_db import table_counts, violations

VERBATIM = str(Path(sys.executable).with_name("verbatim"))
ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [("Finance Minister", "Anna Berg"), ("Senator", "Tom Okafor"), ("President", "Lena Novak"),
          ("Mayor", "Carlos Ruiz"), ("Ambassador", "Mei Tanaka")]


def write_articles(folder: Path, count: int = 40, paragraphs: int = 6) -> None:
    """``count`` distinct short news articles, each with direct and reported speech."""
    folder.mkdir()
    for i in range(count):
        lines = [f"{i + 1} March 2023 - Report number {i}."]
        for p in range(paragraphs):
            title, name = PEOPLE[(i + p) % len(PEOPLE)]
            surname = name.split()[-1]
            lines.append(
                f'{title} {name} said that the budget for district {i}-{p} would grow by {p + i} percent. '
                f'"We will finish the bridge {i * 100 + p} before winter," {surname} told reporters. '
                f"According to {name}, the plan for item {p} of report {i} is final."
            )
        (folder / f"article_{i:03}.txt").write_text("\n\n".join(lines), encoding="utf-8")


def documents_in(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT COUNT(*) FROM document")).scalar_one())
    except SQLAlchemyError:
        return 0  # not migrated yet
    finally:
        engine.dispose()


def ingest(url: str, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "VERBATIM_DATABASE_URL": url}
    return subprocess.Popen([VERBATIM, "ingest", str(folder)], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_mid_ingest_leaves_whole_documents_and_a_rerun_finishes(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write_articles(folder)
    migrate(database_url)
    process = ingest(database_url, folder)
    deadline = time.monotonic() + 300
    while documents_in(database_url) < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    stored = documents_in(database_url)
    assert 5 <= stored < 40, f"killed after {stored} documents: the kill came too late to test anything"
    assert not violations(database_url)  # every stored document is complete, counters agree
    partial = table_counts(database_url)
    assert partial["statement"] > 0

    rerun = ingest(database_url, folder)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert documents_in(database_url) == 40
    assert not violations(database_url)  # includes "no duplicate sha256"
    once_more = ingest(database_url, folder)
    _, err = once_more.communicate(timeout=600)
    assert once_more.returncode == 0 and documents_in(database_url) == 40, err


READS = ["/documents", "/statements?limit=20&sort=-id", "/speakers?q=an", "/quotes?speaker=anna-berg",
         "/clauses", "/statements?format=csv&limit=50", "/search?q=bridge", "/healthz"]


def test_reads_keep_working_during_an_ingest(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    write_articles(folder, count=20)
    migrate(database_url)
    app = create_app(Settings(database_url=database_url, access_log=False))
    process = ingest(database_url, folder)
    errors: list[str] = []
    reads = 0
    seen_growth = set()
    with TestClient(app, raise_server_exceptions=False) as client:
        while process.poll() is None:
            for url in READS:
                response = client.get(url)
                reads += 1
                if response.status_code != 200:
                    errors.append(f"{url} -> {response.status_code} {response.text[:200]}")
            seen_growth.add(client.get("/documents").json()["total"])
        _, err = process.communicate(timeout=60)
        final = client.get("/documents").json()["total"]
    assert process.returncode == 0, err
    assert not errors, errors[:10]
    assert final == 20 and len(seen_growth) > 2, (reads, sorted(seen_growth))
    assert not violations(database_url)
