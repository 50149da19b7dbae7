"""Public response schemas: the JSON shape of each resource, one family per entity.

They are also the one definition of an item's fields: ``app.api.common.Listing`` reads
the columns a schema names and builds each item in its field order, straight to dicts
encoded by orjson (no validation of outgoing rows); OpenAPI shows these models and the
tests validate every item against them, so the docs and the bytes cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


def _example(data: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [data]})


class SpeakerRef(BaseModel):
    """The speaker a statement is attributed to (``null`` when unresolved)."""

    model_config = _example({"id": 1, "slug": "ilham-aliyev", "name": "Ilham Aliyev"})
    id: int
    slug: str
    name: str


STATEMENT_EXAMPLE: dict[str, Any] = {
    "id": 4,
    "document_id": 1,
    "kind": "direct",
    "form": "quote",
    "text": "We discussed issues related to the participation of Russian companies …",
    "start_char": 866,
    "end_char": 1103,
    "cue": "said",
    "cue_start": 1109,
    "cue_end": 1113,
    "speaker_mention": "he",
    "speaker_mention_start": 1106,
    "speaker_mention_end": 1108,
    "speaker": {"id": 1, "slug": "ilham-aliyev", "name": "Ilham Aliyev"},
    "speakers": [{"id": 1, "slug": "ilham-aliyev", "name": "Ilham Aliyev"}],
    "via": None,
    "confidence": 0.93,
    "paragraph": 4,
    "published_at": None,
    "quotation_id": 3,
    "url": "http://127.0.0.1:8000/statements/4",
}


class StatementOut(BaseModel):
    """A direct quote or a piece of reported speech; ``text == document.text[start_char:end_char]``
    except for an interrupted quote, whose ``fragments`` list each quoted part."""

    model_config = _example(STATEMENT_EXAMPLE)
    id: int
    document_id: int
    kind: Literal["direct", "indirect"]
    form: Literal["quote", "transcript", "reported"] = Field(
        description="How the text carries it: in quotation marks, as a `Name: text` turn of a "
                    "transcript (`kind` direct, `cue` null), or reported in the writer's words.",
        examples=["transcript"],
    )
    text: str
    start_char: int
    end_char: int
    fragments: list[list[int]] | None = Field(
        default=None, description="Only for a quote interrupted by its attribution."
    )
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    speaker_mention: str | None
    speaker_mention_start: int | None
    speaker_mention_end: int | None
    speaker: SpeakerRef | None = Field(description="The first of `speakers` (null when unattributed).")
    speakers: list[SpeakerRef] = Field(
        description="Every speaker, in order of mention: several for a joint statement "
                    "(\"X and Y announced that …\"), which is listed and counted under each.",
        examples=[[{"id": 7, "slug": "maria-ionescu", "name": "Maria Ionescu"},
                   {"id": 9, "slug": "jan-novak", "name": "Jan Novak"}]],
    )
    via: str | None = Field(
        description="The medium that relayed it (\"Interfax\" in \"Interfax quoted X as saying\"), or null.",
        examples=["Interfax"],
    )
    confidence: float
    paragraph: int
    published_at: datetime | None = Field(description="The document's publication time, if known.")
    quotation_id: int | None = Field(
        default=None, description="The quotation this direct quote is an occurrence of (null for reported speech)."
    )
    url: str = Field(description="This statement's own URL.")


class SpeakerOut(BaseModel):
    """A person or organisation that is named in the corpus (possibly with no statements)."""

    model_config = _example(
        {
            "id": 1,
            "slug": "ilham-aliyev",
            "name": "Ilham Aliyev",
            "title": "President",
            "country": "Azerbaijan",
            "aliases": ["Aliyev", "the Azerbaijani leader", "the republican leader"],
            "statement_count": 8,
            "quote_count": 3,
        }
    )
    id: int
    slug: str
    name: str
    title: str | None
    country: str | None
    aliases: list[str]
    statement_count: int
    quote_count: int


class DeclarationOut(BaseModel):
    """A named instrument (declaration, treaty, agreement, …) described by a document."""

    model_config = _example(
        {
            "id": 1,
            "title": "Declaration on Allied Cooperation",
            "kind": "declaration",
            "status": "signed",
            "document_id": 1,
            "parties": ["Azerbaijan", "Russia"],
            "clause_count": 3,
        }
    )
    id: int
    title: str
    kind: str = Field(description="declaration, treaty, agreement, memorandum, protocol, joint_statement, "
                                  "convention, roadmap, action_plan, programme, charter")
    status: Literal["signed", "referenced"] = Field(
        description="`signed` in the reported event, or `referenced` as an earlier instrument")
    document_id: int
    parties: list[str]
    clause_count: int


class ClauseOut(BaseModel):
    """A provision of a declaration, as the document describes it."""

    model_config = _example(
        {
            "id": 1,
            "declaration_id": 1,
            "document_id": 1,
            "ordinal": 1,
            "text": "the principle of cooperation based on mutual respect for independence, …",
            "start_char": 356,
            "end_char": 547,
            "principles": ["independence", "state sovereignty", "territorial integrity"],
        }
    )
    id: int
    declaration_id: int
    document_id: int
    ordinal: int | None
    text: str
    start_char: int
    end_char: int
    principles: list[str]


DOCUMENT_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "title": "Azerbaijani President Ilham Aliyev and Russian President Vladimir Putin made …",
    "dateline": "22 Feb. 23:00",
    "published_at": None,
    "location": "Moscow",
    "source": "000_7dc904b87ea3e2fe.txt",
    "source_url": None,
    "sha256": "9f2c…",
    "word_count": 512,
    "statement_count": 8,
}


class DocumentOut(BaseModel):
    """A stored article; ``published_at`` is null when the text gives no year."""

    model_config = _example(DOCUMENT_EXAMPLE)
    id: int
    title: str | None
    dateline: str | None
    published_at: datetime | None
    location: str | None
    source: str | None
    source_url: str | None = Field(default=None, description="Where the article was published (sidecar or write API).")
    sha256: str
    word_count: int
    statement_count: int


class DocumentDetail(DocumentOut):
    """A document with its full text, which every span indexes."""

    model_config = _example({**DOCUMENT_EXAMPLE, "text": "22 Feb. 23:00\n\nAzerbaijani President …"})
    text: str


class FacetValue(BaseModel):
    """One value of a facet and how many matching rows have it."""

    model_config = _example({"value": "ilham-aliyev", "label": "Ilham Aliyev", "count": 8,
                             "url": "http://127.0.0.1:8000/statements?facet=speaker&speaker=ilham-aliyev"})

    value: Any = Field(description="The value (what the filter in `url` selects); null counts rows without one.")
    label: Any = Field(description="A readable name for the value (a speaker's name, a document's title).")
    count: int
    url: str | None = Field(description="This list with the value applied as a filter, when a filter exists.")


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` (or the ``Link: rel="next"`` header) for more."""

    items: list[T]
    total: int | None = Field(
        description=(
            "Rows matching the filters (across all pages), exact up to a cap (`VERBATIM_TOTAL_CAP`, "
            "default 10000); null when more rows than that match: follow `next`."
        )
    )
    limit: int = Field(description="Page size used.", examples=[50])
    next: str | None = Field(description="Full URL of the next page, or null on the last one.")
    facets: dict[str, list[FacetValue]] | None = Field(
        default=None, description="Only with `?facet=`: counts per value over all matching rows, top first."
    )


class ProblemOut(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = _example(
        {
            "type": "/problems/invalid-parameter",
            "title": "Invalid parameter",
            "status": 400,
            "detail": "Cannot sort by 'colour'; allowed: id, -id, published_at, -published_at.",
            "instance": "/statements",
            "errors": [{"in": "query", "name": "sort", "detail": "Cannot sort by 'colour'; …"}],
        }
    )
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None



class ExtractIn(BaseModel):
    """Text to extract from; nothing is stored."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": '"We will win," Ilham Aliyev said. He noted that talks went well.'}]
        },
    )
    text: str = Field(min_length=1, description="The document text (UTF-8).")


class ExtractOut(BaseModel):
    """What ``verbatim extract --jsonl`` prints for one document, plus document facts.

    Statements carry ``speaker: {slug, name}`` and ``speakers`` (every speaker, in order; no
    database ids: nothing is stored), ``form`` and ``via`` as in ``/statements``."""

    model_config = _example(
        {
            "document": {
                "title": None,
                "dateline": None,
                "location": None,
                "published_at": None,
                "word_count": 12,
            },
            "statements": [
                {
                    "kind": "direct",
                    "text": "We will win,",
                    "start_char": 1,
                    "end_char": 13,
                    "cue": "said",
                    "speaker": {"slug": "ilham-aliyev", "name": "Ilham Aliyev"},
                    "speakers": [{"slug": "ilham-aliyev", "name": "Ilham Aliyev"}],
                    "form": "quote",
                    "via": None,
                }
            ],
            "speakers": [{"slug": "ilham-aliyev", "name": "Ilham Aliyev", "statement_count": 2}],
            "declarations": [],
        }
    )
    document: dict[str, Any]
    statements: list[dict[str, Any]]
    speakers: list[dict[str, Any]]
    declarations: list[dict[str, Any]]


QUOTATION_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "text": "We discussed issues related to the participation of Russian companies …",
    "speaker": {"id": 1, "slug": "ilham-aliyev", "name": "Ilham Aliyev"},
    "first_seen": "2023-02-22T20:00:00Z",
    "occurrence_count": 4,
    "document_count": 3,
    "url": "http://127.0.0.1:8000/quotations/3",
}


class QuotationOut(BaseModel):
    """One thing a speaker said, with how often and since when it has been quoted: direct
    quotes of the same speaker whose words match (ignoring case, punctuation and quote marks),
    one a part of the other, or near-identical (an elision, a changed word)."""

    model_config = _example(QUOTATION_EXAMPLE)
    id: int
    text: str = Field(description="The longest occurrence's text.")
    speaker: SpeakerRef | None
    first_seen: datetime | None = Field(description="Earliest publication date of an occurrence (null if none is dated).")
    occurrence_count: int = Field(description="Direct quotes that are occurrences of it.")
    document_count: int = Field(description="Documents quoting it.")
    url: str


OCCURRENCE_EXAMPLE: dict[str, Any] = {
    "quote_id": 4, "document_id": 1, "text": "We discussed issues related to …",
    "published_at": "2023-02-22T20:00:00Z", "source": "Press office", "source_url": "https://example.org/a",
    "document_title": "Talks in Moscow", "url": "http://127.0.0.1:8000/quotes/4",
}


class OccurrenceOut(BaseModel):
    """Where a quotation was quoted: one direct quote and its document."""

    model_config = _example(OCCURRENCE_EXAMPLE)

    quote_id: int
    document_id: int
    text: str = Field(description="The words as this document quotes them.")
    published_at: datetime | None
    source: str | None
    source_url: str | None
    document_title: str | None
    url: str = Field(description="The quote's own URL.")


class QuotationDetail(QuotationOut):
    """A quotation with its occurrences, earliest first (undated last)."""

    model_config = _example({**QUOTATION_EXAMPLE, "occurrences": [OCCURRENCE_EXAMPLE],
        "occurrences_url": "http://127.0.0.1:8000/quotes?quotation_id=3&sort=published_at"})
    occurrences: list[OccurrenceOut] = Field(description="Up to 1000; all of them page through `occurrences_url`.")
    occurrences_url: str


class QuoteMatchOut(BaseModel):
    """A stored direct quote resembling a claimed quote."""

    model_config = _example({
        "id": 4, "text": "We discussed issues related to …", "similarity": 0.93, "quotation_id": 3,
        "speaker": {"id": 1, "slug": "ilham-aliyev", "name": "Ilham Aliyev"}, "document_id": 1,
        "published_at": "2023-02-22T20:00:00Z", "source_url": "https://example.org/a",
        "url": "http://127.0.0.1:8000/quotes/4", "quotation_url": "http://127.0.0.1:8000/quotations/3"})
    id: int
    text: str
    similarity: float = Field(ge=0, le=1, description="1 for the same words; a part, a reordering or a "
                                                      "changed word scores lower.")
    quotation_id: int | None
    speaker: SpeakerRef | None
    document_id: int
    published_at: datetime | None
    source_url: str | None
    url: str
    quotation_url: str | None


class QuoteMatchPage(BaseModel):
    """Stored quotes most like the claim, best first (empty when nothing is alike)."""

    model_config = _example({"items": [QuoteMatchOut.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
                             "total": 1, "limit": 10, "next": None})

    items: list[QuoteMatchOut]
    total: int
    limit: int
    next: None = None
