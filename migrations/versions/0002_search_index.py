"""Full-text search index for statements, clauses and documents.

SQLite: FTS5 external-content tables (porter stemming, diacritics folded) kept in step by
triggers on insert, update and delete, so every writer (ingestion, the write API, bulk
loaders, cascading deletes) updates the index in its own transaction.
PostgreSQL: GIN expression indexes on ``to_tsvector('english', …)``: nothing to keep in
step, the database maintains them.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZER = "porter unicode61 remove_diacritics 2"


class TextIndex(NamedTuple):
    """A searchable table as this revision defines it (frozen: not app.search's live class)."""

    table: str
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    def tsvector(self) -> str:
        prefix = f'"{self.table}".'
        if len(self.columns) == 1:
            document = f"{prefix}{self.columns[0]}"
        else:
            document = " || ' ' || ".join(f"coalesce({prefix}{c}, '')" for c in self.columns)
        return f"to_tsvector('english'::regconfig, {document})"


# Frozen here (not read from app.search.INDEXES) so that a later index is a later revision.
INDEXES = (
    TextIndex("statement", ("text",)),
    TextIndex("clause", ("text",)),
    TextIndex("document", ("title", "text")),
)


def _sqlite_statements(index: TextIndex) -> list[str]:
    t, fts, cols = index.table, index.fts, ", ".join(index.columns)
    new = ", ".join(f"new.{c}" for c in index.columns)
    old = ", ".join(f"old.{c}" for c in index.columns)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{t}', content_rowid='id', "
        f"tokenize='{TOKENIZER}')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {t} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {t} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF id, {cols} ON {t} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for index in INDEXES:
        if sqlite:
            for sql in _sqlite_statements(index):
                op.execute(sql)
        else:
            op.execute(f'CREATE INDEX ix_{index.table}_fts ON "{index.table}" USING gin (({index.tsvector()}))')


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for index in INDEXES:
        if sqlite:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {index.fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {index.fts}")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{index.table}_fts")
