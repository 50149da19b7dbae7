"""Database tables (SQLModel).

Denormalised counters (``statement_count``, ``quote_count``, ``clause_count``) and the
statement's copy of its document's ``published_at`` exist so that list pages filter and
sort on indexed columns instead of joining or counting on every request; ingestion keeps
them in step inside the same transaction that writes the rows they summarise.
``*_norm`` columns hold the case-folded value that case-insensitive filters compare.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel


# Public ids appear in URLs that clients store and embed (cards, oEmbed): SQLite must never
# hand a deleted row's id to a new one (AUTOINCREMENT); PostgreSQL sequences never do.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime: SQLite hands stored values back naive (they are UTC), and
    filters and cursors may carry any offset. ``ValueError`` (not ``OverflowError``) when
    the instant falls outside year 1-9999 in UTC (``9999-12-31T23:59:59-14:00``)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{moment.isoformat()} is outside year 1-9999 in UTC") from None


def fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Column:
    """An indexed integer foreign key column; deletes cascade in the database itself."""
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


def owner_key(target: str) -> Column:
    """A foreign key that is part of the primary key, for rows that belong to one parent
    row and have no id of their own; deleting the parent deletes them."""
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), primary_key=True)


def max_length(column: Any) -> int:
    """The length of a string column (``max_length(Statement.via)``): what the store cuts
    a longer value to, so the limit is written once, here."""
    return int(column.type.length)


class Document(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    title: str | None = Field(default=None, sa_column=Column(Text))
    # False: the title was derived from the text, and re-extraction derives it afresh.
    title_given: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    dateline: str | None = Field(default=None, max_length=200)
    published_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), index=True)
    )
    location: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=500)  # file name or publisher
    source_url: str | None = Field(default=None, max_length=2000)
    text: str = Field(sa_column=Column(Text, nullable=False))
    word_count: int = 0
    statement_count: int = 0
    quote_count: int = 0
    extractor_version: str = Field(max_length=40)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


class Speaker(SQLModel, table=True):
    __tablename__ = "speaker"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=200, unique=True)
    name: str = Field(max_length=300)
    name_norm: str = Field(max_length=300, index=True)
    kind: str = Field(default="person", max_length=20, index=True)
    title: str | None = Field(default=None, max_length=200, index=True)
    country: str | None = Field(default=None, max_length=100, index=True)
    statement_count: int = Field(default=0, index=True)
    quote_count: int = 0


class SpeakerAlias(SQLModel, table=True):
    """Every naming form seen for a speaker ("Aliyev", "the Azerbaijani leader", ...)."""

    __tablename__ = "speaker_alias"
    __table_args__ = (UniqueConstraint("speaker_id", "alias_norm", name="uq_speaker_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    speaker_id: int = Field(sa_column=fk("speaker.id"))
    alias: str = Field(max_length=300)
    alias_norm: str = Field(max_length=300, index=True)


class Mention(SQLModel, table=True):
    """A speaker named in a document; a speaker with no mention left is deleted."""

    __tablename__ = "mention"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=fk("document.id"))
    speaker_id: int = Field(sa_column=fk("speaker.id"))
    text: str = Field(max_length=300)
    start_char: int
    end_char: int


class Statement(SQLModel, table=True):
    __tablename__ = "statement"
    __table_args__ = (
        Index("ix_statement_speaker_id_id", "speaker_id", "id"),
        Index("ix_statement_document_id_id", "document_id", "id"),
        Index("ix_statement_kind_id", "kind", "id"),
        Index("ix_statement_form_id", "form", "id"),
        Index("ix_statement_via_id", "via", "id"),
        Index("ix_statement_cue_norm_id", "cue_norm", "id"),
        Index("ix_statement_published_at_id", "published_at", "id"),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), nullable=False)
    )
    speaker_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("speaker.id", ondelete="SET NULL"), nullable=True),
    )
    kind: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    start_char: int
    end_char: int
    fragments: list[list[int]] | None = Field(default=None, sa_column=Column(JSON))
    cue: str | None = Field(default=None, max_length=200)
    cue_norm: str | None = Field(default=None, max_length=200)
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_mention: str | None = Field(default=None, max_length=300)
    speaker_mention_start: int | None = None
    speaker_mention_end: int | None = None
    confidence: float = 0.0
    paragraph: int = 0
    published_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # the quotation this direct quote is an occurrence of (app.provenance keeps it current;
    # a quotation is deleted only once it has no occurrence left, hence no ON DELETE rule)
    quotation_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("quotation.id"), nullable=True, index=True)
    )
    # how the text carries it: "quote" (quotation marks), "transcript" (a "Name: text" turn)
    # or "reported"; rows from before migration 0005 were backfilled from ``kind``
    form: str = Field(
        default="reported", sa_column=Column(String(12), nullable=False, server_default="reported")
    )
    via: str | None = Field(default=None, max_length=200)  # the medium that relayed it ("Interfax")


class Quotation(SQLModel, table=True):
    """One thing a speaker said, however many articles quote it and with whatever small
    differences (quote marks, punctuation, an elision, a partial quote, a changed word).

    Its direct quotes are its occurrences (``statement.quotation_id``); the other columns
    summarise them and are recomputed whenever the occurrences change (``app.provenance``).
    """

    __tablename__ = "quotation"
    __table_args__ = (
        Index("ix_quotation_speaker_id_id", "speaker_id", "id"),
        Index("ix_quotation_first_seen_id", "first_seen", "id"),
        Index("ix_quotation_occurrence_count_id", "occurrence_count", "id"),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    speaker_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("speaker.id", ondelete="SET NULL"), nullable=True),
    )
    text: str = Field(sa_column=Column(Text, nullable=False))  # the longest occurrence
    first_seen: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    occurrence_count: int = 0
    document_count: int = 0


class StatementSpeaker(SQLModel, table=True):
    """Every speaker of a statement, in order of mention (``position`` 0 is the first, the
    one ``statement.speaker_id`` also names). A joint statement has several rows, so listing
    a speaker's statements goes through this table: its ``(speaker_id, statement_id)`` and
    ``(speaker_id, published_at, statement_id)`` indexes give a speaker's statements in id or
    date order, which is why it keeps its own copy of the statement's ``published_at``."""

    __tablename__ = "statement_speaker"
    __table_args__ = (
        Index("ix_statement_speaker_speaker_id_statement_id", "speaker_id", "statement_id"),
        Index("ix_statement_speaker_speaker_id_published_at", "speaker_id", "published_at", "statement_id"),
    )

    statement_id: int = Field(sa_column=owner_key("statement.id"))
    speaker_id: int = Field(sa_column=owner_key("speaker.id"))
    position: int = 0
    published_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class QuoteKey(SQLModel, table=True):
    """A key of a speaker's direct quote (``app.provenance.text.QuoteText.keys``, its words
    joined by a space): grouping finds a new quote's candidates among the speaker's quotes
    sharing a key, not among every quote the full-text index holds with those words. It
    copies the quote's speaker and quotation (kept equal by ``app.provenance.grouping``) so
    that the lookup reads this table's index alone."""

    __tablename__ = "quote_key"
    __table_args__ = (
        # key first: grouping seeks (key, speaker) per key, matching a claim seeks the key alone
        Index("ix_quote_key_by_key", "key", "speaker_id", "quotation_id", "statement_id"),
        Index("ix_quote_key_quotation_id", "quotation_id"),
    )

    statement_id: int = Field(sa_column=Column(
        Integer, ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True, autoincrement=False))
    key: str = Field(sa_column=Column(Text, primary_key=True))
    speaker_id: int = Field(sa_column=Column(Integer, nullable=False))
    quotation_id: int = Field(sa_column=Column(Integer, nullable=False))


class Declaration(SQLModel, table=True):
    __tablename__ = "declaration"
    __table_args__ = (NEVER_REUSE_IDS,)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=fk("document.id"))
    title: str = Field(max_length=500, index=True)
    kind: str = Field(max_length=40, index=True)
    # "signed" in the reported event, or "referenced" as an earlier instrument
    status: str = Field(default="signed", max_length=20, index=True, sa_column_kwargs={"server_default": "signed"})
    start_char: int
    end_char: int
    clause_count: int = 0


class DeclarationParty(SQLModel, table=True):
    __tablename__ = "declaration_party"

    declaration_id: int = Field(sa_column=owner_key("declaration.id"))
    party: str = Field(max_length=200)
    party_norm: str = Field(max_length=200, primary_key=True, index=True)


class Clause(SQLModel, table=True):
    __tablename__ = "clause"
    __table_args__ = (Index("ix_clause_declaration_id_id", "declaration_id", "id"), NEVER_REUSE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(
        sa_column=Column(Integer, ForeignKey("declaration.id", ondelete="CASCADE"), nullable=False)
    )
    document_id: int = Field(sa_column=fk("document.id"))
    ordinal: int | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    start_char: int
    end_char: int


class ClausePrinciple(SQLModel, table=True):
    __tablename__ = "clause_principle"

    clause_id: int = Field(sa_column=owner_key("clause.id"))
    principle: str = Field(max_length=300)
    principle_norm: str = Field(max_length=300, primary_key=True, index=True)


class Setting(SQLModel, table=True):
    """Deployment values kept with the data (the generated cursor-signing secret)."""

    __tablename__ = "setting"

    name: str = Field(max_length=100, primary_key=True)
    value: str = Field(sa_column=Column(Text, nullable=False))
