"""Web fixtures: an in-process client per backend, and for the browser tests a real
``verbatim serve`` over a seeded SQLite file that also holds one hostile statement."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.models import Document, Speaker, Statement, StatementSpeaker

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = ("<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2;alert(1)\">"
           " &amp; Supercalifragilisticexpialidocious" + "A" * 160)
HOSTILE_NAME = "Mallory <b>Hacker</b>"


@pytest.fixture(scope="session")
def web_client(seeded_database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=seeded_database_url))
    with TestClient(app) as client:
        yield client


@dataclass(frozen=True)
class Site:
    """A running server: its base URL and the ids the browser tests visit."""

    base: str
    direct_id: int
    hostile_id: int
    hostile_text: str = HOSTILE
    hostile_name: str = HOSTILE_NAME
    artifacts: Path = ARTIFACTS


def _hostile_database(path: Path) -> tuple[str, int, int]:
    """Seeds ingested, plus a statement (and speaker) made of markup and a very long word."""
    from app.ingest import ingest_paths

    url = f"sqlite:///{path}"
    summary = ingest_paths([SEEDS], database_url=url)
    assert not summary.failed
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            document = session.scalars(select(Document)).one()
            direct = session.scalars(select(Statement).where(Statement.kind == "direct").order_by(Statement.id)).first()
            assert direct is not None
            speaker = Speaker(slug="mallory", name=HOSTILE_NAME, name_norm="mallory hacker",
                              title="<i>Chief</i>", country="Nowhere", statement_count=1, quote_count=1)
            session.add(speaker)
            session.flush()
            hostile = Statement(document_id=document.id or 0, speaker_id=speaker.id, kind="direct", text=HOSTILE,
                                start_char=0, end_char=13, cue="said<script>", confidence=1.0)
            session.add(hostile)
            session.flush()  # a statement's speakers are link rows (joint statements have several)
            session.add(StatementSpeaker(statement_id=hostile.id or 0, speaker_id=speaker.id or 0, position=0))
            session.commit()
            return url, int(direct.id or 0), int(hostile.id or 0)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, verbatim_server) -> Iterator[Site]:
    """``verbatim serve`` on a free port (a real uvicorn process), stopped at the end."""
    folder = tmp_path_factory.mktemp("web")
    url, direct_id, hostile_id = _hostile_database(folder / "web.db")
    with verbatim_server(url, folder / "serve.log", VERBATIM_ACCESS_LOG="false") as base:
        yield Site(base, direct_id, hostile_id)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless chromium driven by playwright (no bundled browser download)."""
    executable = CHROMIUM if CHROMIUM.exists() else (Path(p) if (p := shutil.which("chromium")) else None)
    if executable is None:
        if _in_ci():
            pytest.fail("chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("no chromium at /usr/bin/chromium (apt-get install chromium) and CI is not set")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(executable), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        )
        try:
            yield instance
        finally:
            instance.close()
