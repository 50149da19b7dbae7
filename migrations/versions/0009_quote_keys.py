"""Quote keys: each direct quote's pairs of consecutive content words, under its speaker.

Grouping a new quote asked the full-text index for every quote holding a key's words,
whoever said them and wherever in the text, then discarded most. ``quote_key`` holds
exactly the keys, per speaker, with each quote's quotation, so a lookup reads one index and
returns only the speaker's quotations and quotes that share one: the candidates ``related``
can accept, nothing else. The backfill computes the keys of
every stored direct quote with a speaker, with the key rule frozen as it was when this
revision was written (the application's copy lives in ``app/provenance/text.py``):
case-folded, accent-free words split at elision marks; unordered pairs of consecutive
non-stopwords within a segment, sorted and joined by a space, the first 200; a quote with
a single content word has that word alone.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_KEYS, BATCH = 200, 2000
ELISION = re.compile(r"\[\s*(?:…|\.\s*\.\s*\.)\s*\]|\(\s*(?:…|\.\s*\.\s*\.)\s*\)|…|\.\s*\.\s*\.")
WORD = re.compile(r"[^\W_]+")
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves s t d ll m re ve
""".split())


def keys(text: str) -> list[str]:
    """The quote's keys, each its words joined by a space."""
    found: list[tuple[str, ...]] = []
    content_all: list[str] = []
    for part in ELISION.split(text):
        folded = unicodedata.normalize("NFKD", part.casefold())
        words = WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))
        content = [w for w in words if w not in STOPWORDS]
        content_all.extend(content)
        found.extend(tuple(sorted(pair)) for pair in zip(content, content[1:]) if pair[0] != pair[1])
    if not found and content_all:
        found = [(content_all[0],)]
    return [" ".join(key) for key in dict.fromkeys(found[:MAX_KEYS])]


def upgrade() -> None:
    op.create_table(
        "quote_key",
        sa.Column("statement_id", sa.Integer(), sa.ForeignKey("statement.id", ondelete="CASCADE"),
                  autoincrement=False, nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", "key"),
    )
    op.create_index("ix_quote_key_lookup", "quote_key", ["speaker_id", "key", "quotation_id", "statement_id"])
    op.create_index("ix_quote_key_quotation_id", "quote_key", ["quotation_id"])
    backfill(op.get_bind())


def backfill(bind: sa.engine.Connection) -> None:
    """Keys of every stored direct quote that has a speaker, written in batches."""
    statement = sa.table("statement", sa.column("id", sa.Integer), sa.column("speaker_id", sa.Integer),
                         sa.column("kind", sa.String), sa.column("text", sa.Text),
                         sa.column("quotation_id", sa.Integer))
    quote_key = sa.table("quote_key", sa.column("speaker_id", sa.Integer), sa.column("key", sa.Text),
                         sa.column("statement_id", sa.Integer), sa.column("quotation_id", sa.Integer))
    rows = bind.execute(sa.select(statement.c.id, statement.c.speaker_id, statement.c.quotation_id, statement.c.text)
                        .where(statement.c.kind == "direct", statement.c.speaker_id.is_not(None),
                               statement.c.quotation_id.is_not(None)).order_by(statement.c.id))
    pending: list[dict[str, object]] = []
    for statement_id, speaker_id, quotation_id, text in rows.all():
        pending.extend({"speaker_id": speaker_id, "key": key, "statement_id": statement_id,
                        "quotation_id": quotation_id} for key in keys(text))
        if len(pending) >= BATCH:
            bind.execute(sa.insert(quote_key), pending)
            pending = []
    if pending:
        bind.execute(sa.insert(quote_key), pending)


def downgrade() -> None:
    op.drop_index("ix_quote_key_quotation_id", table_name="quote_key")
    op.drop_index("ix_quote_key_lookup", table_name="quote_key")
    op.drop_table("quote_key")
