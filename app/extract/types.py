"""Typed results of extraction.

Every span is a pair of Python string indices into the document text (end exclusive),
so ``text[start:end]`` is always the exact source of an extracted item.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

StatementKind = Literal["direct", "indirect"]
# How the text carries the statement: inside quotation marks, as a "Name: text" turn of a
# transcript, or reported in the writer's words.
StatementForm = Literal["quote", "transcript", "reported"]
SpeakerKind = Literal["person", "organization"]
# An instrument signed or adopted in the reported event, or one only referred to.
DeclarationStatus = Literal["signed", "referenced"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the document text."""

    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(slots=True)
class Speaker:
    """A person or organisation named in the document; ``slug`` is its identity key."""

    slug: str
    name: str
    kind: SpeakerKind = "person"
    title: str | None = None
    country: str | None = None
    gender: Literal["m", "f"] | None = None
    aliases: list[str] = field(default_factory=list)  # every naming surface form (no pronouns)
    mentions: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Statement:
    """A direct quote or a piece of reported speech, attributed when possible."""

    kind: StatementKind
    text: str
    start_char: int
    end_char: int
    fragments: list[tuple[int, int]] | None = None  # only for quotes interrupted by attribution
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_mention: str | None = None
    speaker_mention_start: int | None = None
    speaker_mention_end: int | None = None
    speaker: str | None = None  # slug of a Speaker in the same result; the first of ``speakers``
    confidence: float = 0.0
    paragraph: int = 0  # 1-based number of the body paragraph; the dateline is not one
    form: StatementForm = "reported"
    via: str | None = None  # the medium that relayed it ("Interfax" in "Interfax quoted X as saying")
    speakers: list[str] = field(default_factory=list)  # slugs of every speaker, in order of mention

    def __post_init__(self) -> None:
        # ``speaker`` and ``speakers`` describe one fact: keep them in step whichever is set.
        if self.speaker and not self.speakers:
            self.speakers = [self.speaker]
        elif self.speakers and self.speaker is None:
            self.speaker = self.speakers[0]


@dataclass(slots=True)
class Clause:
    """A provision of a declaration as the text describes it."""

    text: str
    start_char: int
    end_char: int
    ordinal: int | None = None
    principles: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Declaration:
    """A named instrument (declaration, treaty, agreement, memorandum, ...)."""

    title: str
    kind: str  # "declaration", "treaty", "agreement", "memorandum", "convention", "joint_statement", ...
    start_char: int
    end_char: int
    parties: list[str] = field(default_factory=list)  # country names
    clauses: list[Clause] = field(default_factory=list)
    status: DeclarationStatus = "signed"


@dataclass(slots=True)
class DocumentInfo:
    """What layout analysis learns about the document as a whole."""

    title: str | None = None
    dateline: str | None = None
    location: str | None = None
    published_at: str | None = None  # ISO 8601, only when the year is known
    source: str | None = None  # the agency a dateline names ("BAKU, Sept. 11 (AZERTAC) —")
    word_count: int = 0
    paragraphs: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Extraction:
    """The full result of extracting one document."""

    document: DocumentInfo
    statements: list[Statement] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)

    def speaker_by_slug(self) -> dict[str, Speaker]:
        return {s.slug: s for s in self.speakers}

    def to_json(self) -> dict[str, Any]:
        """The public JSON form (``verbatim extract``, ``POST /extract``)."""
        speakers = self.speaker_by_slug()
        statements = []
        for st in self.statements:
            item = asdict(st)
            if item["fragments"] is None:
                del item["fragments"]
            else:
                item["fragments"] = [list(f) for f in st.fragments or []]
            refs = [{"slug": sp.slug, "name": sp.name} for sp in (speakers.get(s) for s in st.speakers) if sp]
            item["speaker"] = refs[0] if refs else None
            item["speakers"] = refs
            statements.append(item)
        counts: dict[str, tuple[int, int]] = {}
        for st in self.statements:
            for slug in dict.fromkeys(st.speakers):
                total, quotes = counts.get(slug, (0, 0))
                counts[slug] = (total + 1, quotes + (st.kind == "direct"))
        return {
            "document": {
                "title": self.document.title,
                "dateline": self.document.dateline,
                "location": self.document.location,
                "published_at": self.document.published_at,
                "source": self.document.source,
                "word_count": self.document.word_count,
            },
            "statements": statements,
            "speakers": [
                {
                    "slug": sp.slug,
                    "name": sp.name,
                    "kind": sp.kind,
                    "title": sp.title,
                    "country": sp.country,
                    "aliases": sp.aliases,
                    "statement_count": counts.get(sp.slug, (0, 0))[0],
                    "quote_count": counts.get(sp.slug, (0, 0))[1],
                }
                for sp in self.speakers
            ],
            "declarations": [
                {
                    "title": d.title,
                    "kind": d.kind,
                    "status": d.status,
                    "start_char": d.start_char,
                    "end_char": d.end_char,
                    "parties": d.parties,
                    "clause_count": len(d.clauses),
                    "clauses": [asdict(c) for c in d.clauses],
                }
                for d in self.declarations
            ],
        }
