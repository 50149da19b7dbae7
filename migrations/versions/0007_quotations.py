"""Quotations: the same words of one speaker across articles, as one row with occurrences.

Adds ``quotation`` (speaker, longest text, first_seen, occurrence and document counts) and
``statement.quotation_id``, then groups the direct quotes already stored. The grouping rule
is frozen here as it was when this revision was written (the application's copy lives in
``app/provenance/text.py`` and may evolve; re-extraction regroups with the current one):
words compared without case, punctuation, quote marks, dashes or accents; equal words, a
contiguous part of at least four words (elided segments in order) or a near-identical text
(rapidfuzz ratio >= 90, or partial ratio >= 92 for parts of eight words or more) is the same
quotation, provided the two share a pair of consecutive content words. Components are
found per speaker through an in-memory index of those pairs, so no speaker is compared
pairwise in full.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from rapidfuzz import fuzz

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIN_PART_WORDS, NEAR_RATIO, NEAR_PART_RATIO, MIN_NEAR_PART_WORDS, MAX_KEYS = 4, 90.0, 92.0, 8, 200
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


class Quote:
    def __init__(self, text: str) -> None:
        parts = []
        for part in ELISION.split(text):
            folded = unicodedata.normalize("NFKD", part.casefold())
            found = tuple(WORD.findall("".join(c for c in folded if not unicodedata.combining(c))))
            if found:
                parts.append(found)
        self.segments = tuple(parts)
        self.words = tuple(w for p in parts for w in p)
        self.joined = " ".join(self.words)
        keys: list[tuple[str, ...]] = []
        content_all: list[str] = []
        for part in parts:
            content = [w for w in part if w not in STOPWORDS]
            content_all.extend(content)
            keys.extend(tuple(sorted(pair)) for pair in zip(content, content[1:]) if pair[0] != pair[1])
        if not keys and content_all:
            keys = [(content_all[0],)]
        self.keys = frozenset(dict.fromkeys(keys[:MAX_KEYS]))


def contains_in_order(longer: tuple[str, ...], segments: tuple[tuple[str, ...], ...]) -> bool:
    haystack, position = " " + " ".join(longer) + " ", 0
    for segment in segments:
        found = haystack.find(" " + " ".join(segment) + " ", position)
        if found < 0:
            return False
        position = found + len(" ".join(segment)) + 1
    return True


def related(a: Quote, b: Quote) -> bool:
    if not a.keys & b.keys:
        return False
    if a.words == b.words:
        return True
    short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if len(short.words) >= MIN_PART_WORDS and contains_in_order(long_.words, short.segments):
        return True
    if fuzz.ratio(a.joined, b.joined, score_cutoff=NEAR_RATIO):
        return True
    return len(short.words) >= MIN_NEAR_PART_WORDS and bool(
        fuzz.partial_ratio(short.joined, long_.joined, score_cutoff=NEAR_PART_RATIO))


def components(quotes: list[tuple[int, Quote]]) -> list[list[int]]:
    """Connected components of ``related``, comparing only quotes that share a key."""
    parent = {sid: sid for sid, _ in quotes}
    by_id = dict(quotes)

    def root(sid: int) -> int:
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for sid, quote in quotes:
        seen: set[int] = set()
        for key in quote.keys:
            for other in index[key]:
                if other not in seen:
                    seen.add(other)
                    if root(other) != root(sid) and related(quote, by_id[other]):
                        a, b = root(other), root(sid)
                        parent[max(a, b)] = min(a, b)
            index[key].append(sid)
    groups: dict[int, list[int]] = defaultdict(list)
    for sid, _ in quotes:
        groups[root(sid)].append(sid)
    return [sorted(groups[k]) for k in sorted(groups)]


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "quotation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speaker.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("occurrence_count", sa.Integer(), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_quotation_speaker_id_id", "quotation", ["speaker_id", "id"])
    op.create_index("ix_quotation_first_seen_id", "quotation", ["first_seen", "id"])
    op.create_index("ix_quotation_occurrence_count_id", "quotation", ["occurrence_count", "id"])
    if bind.dialect.name == "sqlite":  # SQLite cannot add a constraint later: declare it inline
        op.execute("ALTER TABLE statement ADD COLUMN quotation_id INTEGER REFERENCES quotation (id)")
    else:
        op.add_column("statement", sa.Column("quotation_id", sa.Integer(), nullable=True))
        op.create_foreign_key("statement_quotation_id_fkey", "statement", "quotation", ["quotation_id"], ["id"])
    op.create_index("ix_statement_quotation_id", "statement", ["quotation_id"])
    backfill(bind)


def backfill(bind: sa.engine.Connection) -> None:
    """Group every stored direct quote, speaker by speaker (unattributed ones alone)."""
    statement = sa.table("statement", sa.column("id", sa.Integer), sa.column("speaker_id", sa.Integer),
                         sa.column("kind", sa.String), sa.column("text", sa.Text),
                         sa.column("document_id", sa.Integer), sa.column("published_at", sa.DateTime),
                         sa.column("quotation_id", sa.Integer))
    quotation = sa.table("quotation", sa.column("id", sa.Integer), sa.column("speaker_id", sa.Integer),
                         sa.column("text", sa.Text), sa.column("first_seen", sa.DateTime),
                         sa.column("occurrence_count", sa.Integer), sa.column("document_count", sa.Integer))
    rows = bind.execute(sa.select(statement.c.id, statement.c.speaker_id, statement.c.text,
                                  statement.c.document_id, statement.c.published_at)
                        .where(statement.c.kind == "direct").order_by(statement.c.speaker_id, statement.c.id)).all()
    by_speaker: dict[int | None, list] = defaultdict(list)
    for row in rows:
        by_speaker[row.speaker_id].append(row)
    for speaker_id, quotes in by_speaker.items():
        if speaker_id is None:
            groups = [[row.id] for row in quotes]
        else:
            groups = components([(row.id, Quote(row.text)) for row in quotes])
        info = {row.id: row for row in quotes}
        for group in groups:
            members = [info[sid] for sid in group]
            longest = max(members, key=lambda r: (len(r.text), -r.id))
            dates = [r.published_at for r in members if r.published_at is not None]
            new_id = bind.execute(sa.insert(quotation).values(
                speaker_id=speaker_id, text=longest.text, first_seen=min(dates) if dates else None,
                occurrence_count=len(members), document_count=len({r.document_id for r in members}),
            ).returning(quotation.c.id)).scalar_one()
            for start in range(0, len(group), 500):
                bind.execute(sa.update(statement).where(statement.c.id.in_(group[start:start + 500]))
                             .values(quotation_id=new_id))


def downgrade() -> None:
    op.drop_index("ix_statement_quotation_id", table_name="statement")
    # plain DROP COLUMN (SQLite 3.35+): a batch table copy would drop the search triggers
    op.execute("ALTER TABLE statement DROP COLUMN quotation_id")
    op.drop_table("quotation")
