"""``quote_key``'s lookup index leads with the key instead of the speaker.

Matching a claim (``/quotes/match``) counts and reads the quotes holding each of the claim's
keys whoever the speaker is: an index beginning with the speaker cannot answer that without
reading every speaker's range. Grouping's lookup (one speaker, a list of keys) is answered
as well by (key, speaker, ...) as by (speaker, key, ...): one seek per key either way. So
the index is replaced, not joined by a second one, and a write maintains as many index
entries as before.

Frozen: no application imports.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_quote_key_lookup", table_name="quote_key")
    op.create_index("ix_quote_key_by_key", "quote_key", ["key", "speaker_id", "quotation_id", "statement_id"])


def downgrade() -> None:
    op.drop_index("ix_quote_key_by_key", table_name="quote_key")
    op.create_index("ix_quote_key_lookup", "quote_key", ["speaker_id", "key", "quotation_id", "statement_id"])
