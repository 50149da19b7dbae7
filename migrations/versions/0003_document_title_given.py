"""document.title_given: whether the title was given (API, sidecar) or derived from the text.

Re-extraction derives a derived title afresh and keeps a given one. Existing rows are
marked given when their title differs from the title the text yields today, so a title
someone chose is never overwritten.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from collections.abc import Sequence

import re

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The title rule as it was when this revision was written, frozen here so that later
# changes to the live extractor cannot change what this migration does.
TITLE_MAX = 160
_SENT_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st jr sr co corp inc ltd
    no vs etc jan feb mar apr jun jul aug sep sept oct nov dec mt ft u.s u.k u.n e.g i.e a.m p.m
    pres sec dept gov't univ est approx fig""".split()
)


def _is_abbreviation(text: str, end: int) -> bool:
    start = end - 1
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start : end - 1].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or (len(word) == 1 and text[start].isupper()):
        return True
    return "." in word and len(word) <= 6


def _sentence_ends(text: str) -> list[int]:
    ends = []
    for m in _SENT_END.finditer(text):
        nxt = m.end()
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt >= len(text):
            break
        if not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"“‘'«(["):
            continue
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start() + 1):
            continue
        ends.append(m.end())
    return ends + [len(text)]


def fallback_title(text: str, dateline: str | None) -> str:
    """The first sentence after the dateline, as the title derived from the text read then."""
    body = text[len(dateline) :] if dateline and text.startswith(dateline) else text
    body = " ".join(body.split())
    end = next((e for e in _sentence_ends(body) if e > 20), len(body))
    title = body[:end]
    if len(title) > TITLE_MAX:
        return title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ") + "…"
    last_word = title.rsplit(" ", 1)[-1]
    if title.endswith(".") and not title.endswith("..") and "." not in last_word[:-1] and not last_word[-2:-1].isupper():
        title = title[:-1]
    return title


def upgrade() -> None:
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
