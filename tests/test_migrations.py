"""The migrations build exactly the schema app/models.py describes, on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables)
from app.db import make_engine
from app.migrate import SEARCH_OBJECT, alembic_config, include_object, migrate

ROOT = Path(__file__).resolve().parent.parent


def test_one_head() -> None:
    """A single linear history: two heads would make `upgrade head` ambiguous."""
    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1


def test_upgrade_head_matches_models(database_url: str) -> None:
    migrate(database_url)
    migrate(database_url)  # idempotent
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "compare_server_default": True, "include_object": include_object},
            )
            assert compare_metadata(context, SQLModel.metadata) == []
            assert context.get_current_revision() is not None
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(database_url: str) -> None:
    migrate(database_url)
    command.downgrade(alembic_config(database_url), "base")
    engine = make_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrate(database_url)


def test_alembic_command_line_reads_the_url_from_settings(tmp_path: Path) -> None:
    """`alembic upgrade head` from the repository root uses VERBATIM_DATABASE_URL."""
    db = tmp_path / "cli.db"
    env = {**os.environ, "VERBATIM_DATABASE_URL": f"sqlite:///{db}"}
    alembic = Path(sys.executable).with_name("alembic")
    done = subprocess.run(
        [str(alembic), "upgrade", "head"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    engine = make_engine(f"sqlite:///{db}")
    try:
        assert "statement" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_search_filter_never_hides_a_model_object() -> None:
    """include_object skips only the search index; no table or index of the models matches it."""
    names = [table.name for table in SQLModel.metadata.sorted_tables]
    names += [index.name for table in SQLModel.metadata.sorted_tables for index in table.indexes if index.name]
    assert names and not [name for name in names if SEARCH_OBJECT.match(name)]


def test_concurrent_migrations_of_a_fresh_sqlite_file_take_turns(tmp_path: Path) -> None:
    """Several processes starting on one new SQLite file must not all create the tables."""
    database = tmp_path / "fresh.db"
    code = f"from app.migrate import migrate; migrate('sqlite:///{database}')"
    runs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, errors


def test_0005_carries_existing_statements_over(database_url: str) -> None:
    """Rows written before 0005: each attributed statement gets its link row (position 0, the
    statement's date), ``form`` follows ``kind``, ``via`` is null; and back down again."""
    config = alembic_config(database_url)
    command.upgrade(config, "0004")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO document (id, sha256, title_given, text, word_count, statement_count, quote_count, "
                "extractor_version, created_at) VALUES (1, 'x', false, 'Text.', 1, 2, 1, '1', '2024-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO speaker (id, slug, name, name_norm, kind, statement_count, quote_count) "
                "VALUES (5, 'ana-lopez', 'Ana Lopez', 'ana lopez', 'person', 1, 1)"))
            for row_id, speaker, kind in ((10, 5, "direct"), (11, None, "indirect")):
                connection.execute(text(
                    "INSERT INTO statement (id, document_id, speaker_id, kind, text, start_char, end_char, "
                    "confidence, paragraph, published_at) VALUES "
                    "(:id, 1, :speaker, :kind, 'Text', 0, 4, 0.9, 1, '2024-03-04 05:06:07+00:00')"),
                    {"id": row_id, "speaker": speaker, "kind": kind})
        migrate(database_url)
        with engine.connect() as connection:
            links = connection.execute(text(
                "SELECT statement_id, speaker_id, position, published_at FROM statement_speaker")).all()
            forms = dict(connection.execute(text("SELECT id, form FROM statement ORDER BY id")).all())
            vias = connection.execute(text("SELECT via FROM statement")).scalars().all()
        assert [(s, p, pos) for s, p, pos, _ in links] == [(10, 5, 0)]
        assert str(links[0][3]).startswith("2024-03-04 05:06:07")
        assert forms == {10: "quote", 11: "reported"} and vias == [None, None]
        command.downgrade(config, "0004")
        assert "statement_speaker" not in inspect(engine).get_table_names()
        assert "form" not in {c["name"] for c in inspect(engine).get_columns("statement")}
    finally:
        engine.dispose()
