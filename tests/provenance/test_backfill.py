"""Migration 0007 groups the direct quotes stored before it (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from app.db import make_engine
from app.migrate import alembic_config, migrate

QUOTES = [
    # (speaker, document, text); the same speaker's first three are one quotation
    (1, 1, "We will rebuild the old harbour bridge before the winter comes, and nobody will stop us."),
    (1, 2, "“we will rebuild the old harbour bridge before the winter comes — and nobody will stop us!”"),
    (1, 3, "rebuild the old harbour bridge"),
    (1, 3, "Local taxes will not rise while I am mayor of this city."),
    (2, 3, "We will rebuild the old harbour bridge before the winter comes, and nobody will stop us."),
]


def test_migration_groups_existing_quotes_and_downgrades(database_url: str) -> None:
    migrate(database_url, "0004")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            for sid, name in ((1, "Ines Varga"), (2, "Omar Haddad")):
                connection.execute(text(
                    "INSERT INTO speaker (id, slug, name, name_norm, kind, statement_count, quote_count) "
                    "VALUES (:id, :slug, :name, :norm, 'person', 0, 0)"),
                    {"id": sid, "slug": name.lower().replace(" ", "-"), "name": name, "norm": name.lower()})
            for doc in (1, 2, 3):
                connection.execute(text(
                    "INSERT INTO document (id, sha256, text, title_given, word_count, statement_count, quote_count, "
                    "extractor_version, created_at, published_at) VALUES (:id, :sha, 'x', false, 1, 0, 0, 'old', "
                    "'2024-01-01', :published)"),
                    {"id": doc, "sha": f"{doc:064d}", "published": None if doc == 3 else f"2024-0{4 - doc}-01"})
            for i, (speaker, doc, quote) in enumerate(QUOTES, 1):
                published = None if doc == 3 else f"2024-0{4 - doc}-01"
                connection.execute(text(
                    "INSERT INTO statement (id, document_id, speaker_id, kind, text, start_char, end_char, "
                    "confidence, paragraph, published_at) VALUES (:id, :doc, :sp, 'direct', :text, 0, 1, 0.9, 1, :p)"),
                    {"id": i, "doc": doc, "sp": speaker, "text": quote, "p": published})
        migrate(database_url)
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT s.id, q.id, q.occurrence_count, q.document_count, q.first_seen, q.speaker_id "
                "FROM statement s JOIN quotation q ON q.id = s.quotation_id ORDER BY s.id")).all()
            assert [r[1] for r in rows][:3] == [rows[0][1]] * 3
            assert len({r[1] for r in rows}) == 3  # the bridge (3), taxes, Haddad's bridge
            assert (rows[0][2], rows[0][3], rows[0][5]) == (3, 3, 1)
            assert str(rows[0][4]).startswith("2024-02-01")  # document 2 is the earliest dated
        command.downgrade(alembic_config(database_url), "0004")
        migrate(database_url)  # and up again
    finally:
        engine.dispose()
