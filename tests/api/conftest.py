"""API test fixtures: one seeded database per backend, one app and client per database.

TEMPORARY: until ``tests/conftest.py`` provides ``seeded_database_url`` (migrated and
ingested from ``seeds/``), this builds the same facts by hand with ``create_all``.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

from app.config import Settings
from app.main import create_app
from app.models import (
    Clause,
    ClausePrinciple,
    Declaration,
    DeclarationParty,
    Document,
    Speaker,
    SpeakerAlias,
    Statement,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = next((ROOT / "seeds").glob("*.txt"))
GOLD = Path("/work/shared/gold")
PG_ADMIN_URL = os.environ.get("VERBATIM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres")


def _norm(value: str) -> str:
    return " ".join(value.casefold().split())


def _seed(url: str) -> None:
    engine = create_engine(url)
    SQLModel.metadata.create_all(engine)
    doc_text = SEED.read_text(encoding="utf-8")
    gold = json.loads((GOLD / "seed.jsonl").read_text().splitlines()[0])
    expected = json.loads((GOLD / "seed_expected.json").read_text())
    quotes = [q for q in gold["quotes"] if not q.get("optional")]
    with Session(engine) as s:
        doc = Document(sha256=hashlib.sha256(doc_text.encode()).hexdigest(), title=doc_text.split("\n\n")[1][:120],
                       dateline="22 Feb. 23:00", location="Moscow", source=SEED.name, text=doc_text,
                       word_count=len(doc_text.split()), statement_count=len(quotes),
                       quote_count=sum(q["kind"] == "direct" for q in quotes), extractor_version="test")
        s.add(doc)
        s.flush()
        aliyev = Speaker(slug="ilham-aliyev", name="Ilham Aliyev", name_norm="ilham aliyev", title="President",
                         country="Azerbaijan", statement_count=len(quotes),
                         quote_count=sum(q["kind"] == "direct" for q in quotes))
        putin = Speaker(slug="vladimir-putin", name="Vladimir Putin", name_norm="vladimir putin",
                        title="President", country="Russia")
        s.add_all([aliyev, putin])
        s.flush()
        for alias in ["Azerbaijani President Ilham Aliyev", "Ilham Aliyev", "Aliyev", "the Azerbaijani leader",
                      "the republican leader"]:
            s.add(SpeakerAlias(speaker_id=aliyev.id, alias=alias, alias_norm=_norm(alias)))
        s.add(SpeakerAlias(speaker_id=putin.id, alias="Russian President Vladimir Putin",
                           alias_norm="russian president vladimir putin"))
        for q in quotes:
            cue_at = doc_text.find(q["cue"], q["content_start"] - 60) if q["cue"] else -1
            s.add(Statement(document_id=doc.id, speaker_id=aliyev.id, kind=q["kind"],
                            text=doc_text[q["content_start"]:q["content_end"]],
                            start_char=q["content_start"], end_char=q["content_end"],
                            cue=q["cue"], cue_norm=_norm(q["cue"]), cue_start=cue_at,
                            cue_end=cue_at + len(q["cue"]), speaker_mention="Ilham Aliyev",
                            confidence=0.5 + (q["content_start"] % 7) / 20,
                            paragraph=doc_text.count("\n\n", 0, q["content_start"])))
        decl = expected["declarations"][0]
        at = doc_text.find(decl["title"])
        declaration = Declaration(document_id=doc.id, title=decl["title"], kind="declaration", start_char=at,
                                  end_char=at + len(decl["title"]), clause_count=len(decl["clauses"]))
        s.add(declaration)
        s.flush()
        for party in decl["parties"]:
            s.add(DeclarationParty(declaration_id=declaration.id, party=party, party_norm=_norm(party)))
        for c in decl["clauses"]:
            clause = Clause(declaration_id=declaration.id, document_id=doc.id, ordinal=c["ordinal"],
                            text=doc_text[c["span"][0]:c["span"][1]], start_char=c["span"][0],
                            end_char=c["span"][1])
            s.add(clause)
            s.flush()
            for p in reversed(c.get("principles", [])):  # stored order must not matter
                s.add(ClausePrinciple(clause_id=clause.id, principle=p, principle_norm=_norm(p)))
        s.commit()
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def seeded_database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"
        _seed(url)
        yield url
        return
    name = f"api_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not available: {exc}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _seed(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def client(seeded_database_url: str) -> Iterator[TestClient]:
    """A client of an app bound to the seeded database of the current backend."""
    app = create_app(Settings(database_url=seeded_database_url, cors_origins=["https://example.org"]))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def ids(client: TestClient) -> dict[str, int]:
    """Ids of the seed's rows (they depend on the backend's sequences), for URL templates."""
    speakers = {s["slug"]: s["id"] for s in client.get("/speakers").json()["items"]}
    statements = client.get("/statements?limit=1000").json()["items"]
    indirect = next(s["id"] for s in statements if s["kind"] == "indirect")
    direct = next(s["id"] for s in statements if s["kind"] == "direct")
    return {
        "doc": client.get("/documents").json()["items"][0]["id"],
        "aliyev": speakers["ilham-aliyev"],
        "putin": speakers["vladimir-putin"],
        "decl": client.get("/declarations").json()["items"][0]["id"],
        "clause": client.get("/clauses").json()["items"][0]["id"],
        "direct": direct,
        "indirect": indirect,
    }
