"""declaration.status: whether an instrument is signed in the reported event or only referred to.

Rows written before this revision were all taken for instruments of the event, so they
default to 'signed' (re-extraction sets the real value). Indexes on ``kind`` and ``status``
serve the ``/declarations?kind=…&status=…`` filters.

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "declaration",
        sa.Column("status", sa.String(length=20), nullable=False, server_default="signed"),
    )
    op.create_index("ix_declaration_status", "declaration", ["status"])
    op.create_index("ix_declaration_kind", "declaration", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_declaration_kind", table_name="declaration")
    op.drop_index("ix_declaration_status", table_name="declaration")
    # Plain DROP COLUMN (SQLite 3.35+): a batch table copy would drop the foreign keys' pragmas.
    op.execute("ALTER TABLE declaration DROP COLUMN status")
