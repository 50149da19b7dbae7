"""document.title_given: whether the title was given (API, sidecar) or derived from the text.

Re-extraction derives a derived title afresh and keeps a given one. Existing rows are
marked given when their title differs from the title the text yields today, so a title
someone chose is never overwritten.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from app.store import fallback_title

    op.add_column("document", sa.Column("title_given", sa.Boolean(), nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    document = sa.table("document", sa.column("id", sa.Integer), sa.column("title", sa.Text),
                        sa.column("text", sa.Text), sa.column("dateline", sa.String),
                        sa.column("title_given", sa.Boolean))
    rows = bind.execute(sa.select(document.c.id, document.c.title, document.c.text, document.c.dateline)
                        .where(document.c.title.is_not(None))).all()
    given = [row.id for row in rows if row.title != fallback_title(row.text, row.dateline)]
    for start in range(0, len(given), 500):
        bind.execute(sa.update(document).where(document.c.id.in_(given[start : start + 500])).values(title_given=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch table copy would drop the search triggers.
    op.execute("ALTER TABLE document DROP COLUMN title_given")
