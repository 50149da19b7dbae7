"""Joint statements and how a statement is carried: ``statement_speaker``, ``form``, ``via``.

- ``statement.form``: ``quote``, ``transcript`` or ``reported``; existing rows are backfilled
  from ``kind`` (direct → quote, indirect → reported). Added with a server default so that
  SQLite can add a NOT NULL column in place (a batch rebuild of ``statement`` would drop the
  full-text triggers of migration 0002).
- ``statement.via``: the medium that relayed the statement, or null.
- ``(form, id)`` and ``(via, id)`` indexes for the ``form`` and ``via`` filters.
- ``statement_speaker``: every speaker of a statement in order of mention, with a copy of the
  statement's ``published_at``; a speaker's statements are listed through its
  ``(speaker_id, statement_id)`` and ``(speaker_id, published_at, statement_id)`` indexes.
  Each existing attributed statement gets its one row (position 0).
- ``ix_statement_speaker_id_published_at_id`` (0004) is dropped: the link table's date index
  replaces it.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("statement", sa.Column("form", sa.String(length=12), nullable=False, server_default="reported"))
    op.add_column("statement", sa.Column("via", sa.String(length=200), nullable=True))
    op.execute("UPDATE statement SET form = CASE WHEN kind = 'direct' THEN 'quote' ELSE 'reported' END")
    op.create_index("ix_statement_form_id", "statement", ["form", "id"])
    op.create_index("ix_statement_via_id", "statement", ["via", "id"])
    op.create_table(
        "statement_speaker",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["speaker_id"], ["speaker.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("statement_id", "speaker_id"),
    )
    op.execute(
        "INSERT INTO statement_speaker (statement_id, speaker_id, position, published_at) "
        "SELECT id, speaker_id, 0, published_at FROM statement WHERE speaker_id IS NOT NULL"
    )
    op.create_index("ix_statement_speaker_speaker_id_statement_id", "statement_speaker",
                    ["speaker_id", "statement_id"])
    op.create_index("ix_statement_speaker_speaker_id_published_at", "statement_speaker",
                    ["speaker_id", "published_at", "statement_id"])
    op.drop_index("ix_statement_speaker_id_published_at_id", table_name="statement")


def downgrade() -> None:
    op.create_index("ix_statement_speaker_id_published_at_id", "statement", ["speaker_id", "published_at", "id"])
    op.drop_index("ix_statement_speaker_speaker_id_published_at", table_name="statement_speaker")
    op.drop_index("ix_statement_speaker_speaker_id_statement_id", table_name="statement_speaker")
    op.drop_table("statement_speaker")
    op.drop_index("ix_statement_via_id", table_name="statement")
    op.drop_index("ix_statement_form_id", table_name="statement")
    # plain ALTER TABLE ... DROP COLUMN (SQLite ≥ 3.35), not a batch rebuild that loses triggers
    op.drop_column("statement", "via")
    op.drop_column("statement", "form")
