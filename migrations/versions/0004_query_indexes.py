"""Indexes for the slow query plans found at 1M statements (bench/README.md, "Query plans").

Both backends: ``(speaker_id, published_at, id)`` on statement, so a speaker's statements
by date are read in index order instead of sorting all of that speaker's rows.
PostgreSQL only:
- a stored generated ``text_fts tsvector`` column on statement and clause with the GIN
  index on it (replacing 0002's expression index): a match no longer re-parses the text of
  every row it visits, and ANALYZE gathers word statistics, so a rare word is planned as
  the few index hits it is instead of a primary-key walk over the whole table;
- ``(published_at DESC NULLS LAST, id DESC)`` on statement: the newest-first sort (nulls
  last) cannot use ``(published_at, id)`` backwards, which gives NULLS FIRST.
SQLite keeps FTS5 (its ``_au`` trigger already re-indexes an UPDATE of the text) and its
descending scan of ``(published_at, id)`` already puts NULLs last.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VECTOR = "to_tsvector('english'::regconfig, coalesce(text, ''))"
SEARCHED = ("statement", "clause")


def upgrade() -> None:
    op.create_index("ix_statement_speaker_id_published_at_id", "statement", ["speaker_id", "published_at", "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SEARCHED:
        op.execute(f'ALTER TABLE "{table}" ADD COLUMN text_fts tsvector GENERATED ALWAYS AS ({VECTOR}) STORED')
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_fts")
        op.execute(f'CREATE INDEX ix_{table}_fts ON "{table}" USING gin (text_fts)')
        op.execute(f'ANALYZE "{table}"')
    op.execute("CREATE INDEX ix_statement_published_at_desc ON statement (published_at DESC NULLS LAST, id DESC)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_statement_published_at_desc")
        for table in SEARCHED:
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN text_fts')  # drops its GIN index too
            op.execute(f"CREATE INDEX ix_{table}_fts ON \"{table}\" USING gin ((to_tsvector('english'::regconfig, "
                       f'"{table}".text)))')
    op.drop_index("ix_statement_speaker_id_published_at_id", table_name="statement")
