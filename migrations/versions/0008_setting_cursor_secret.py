"""A ``setting`` table holding the deployment's cursor-signing secret.

Paging cursors are signed so that a client cannot forge one. Unless the operator sets
``VERBATIM_SECRET_KEY``, the secret is this row: generated here, once per database, so
every worker and replica of the database (read replicas included, by replication) signs
alike and cursors survive restarts. The application recreates the row if it is deleted.

Frozen: no application imports.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    setting = op.create_table(
        "setting",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(setting, [{"name": "cursor_secret", "value": secrets.token_urlsafe(32)}])


def downgrade() -> None:
    op.drop_table("setting")
