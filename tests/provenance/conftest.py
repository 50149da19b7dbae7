"""Small articles for the quotation tests, stored through the real ingestion path.

The extraction is scripted (quote spans and speakers found in the article text), so these
tests check grouping, not the extractor's output; storage, the full-text index and the
database are real (SQLite file and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import app.documents as documents
from app.documents import normalise_text
from app.extract.types import DocumentInfo, Extraction, Span, Speaker, Statement
from app.models import Quotation, Statement as StatementRow
from app.store import ingest_text

PEOPLE = {"ines-varga": "Ines Varga", "omar-haddad": "Omar Haddad"}


@dataclass(frozen=True)
class Article:
    """A text, its date and its quotes as (speaker slug, content found in the text); an
    empty slug is a quote without a speaker."""

    text: str
    published_at: str | None
    quotes: tuple[tuple[str, str], ...]
    source_url: str | None = None

    def extraction(self) -> Extraction:
        text = normalise_text(self.text)
        slugs = sorted({slug for slug, _ in self.quotes if slug})
        speakers = []
        for slug in slugs:
            name = PEOPLE[slug]
            start = text.index(name)
            speakers.append(Speaker(slug=slug, name=name, aliases=[name], mentions=[Span(start, start + len(name))]))
        statements = []
        for slug, content in self.quotes:
            start = text.index(content)
            statements.append(Statement(kind="direct", text=content, start_char=start, end_char=start + len(content),
                                        cue="said", speaker=slug or None, confidence=0.9))
        return Extraction(document=DocumentInfo(word_count=len(text.split())), statements=statements, speakers=speakers)


@pytest.fixture
def store_article(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[[Article], int]:
    """Ingest an article (its scripted extraction), returning the document id."""
    registry: dict[str, Extraction] = {}
    monkeypatch.setattr(documents, "run_extractor", lambda text: registry[text])

    def put(article: Article) -> int:
        registry[normalise_text(article.text)] = article.extraction()
        with Session(engine) as session:
            return ingest_text(session, article.text, published_at=article.published_at,
                               source_url=article.source_url).document_id

    return put


def groups(engine: Engine) -> set[frozenset[str]]:
    """The stored quotations as sets of their quotes' texts (order and ids left out)."""
    with Session(engine) as session:
        rows = session.exec(select(StatementRow.quotation_id, StatementRow.text)
                            .where(StatementRow.kind == "direct")).all()
        found: dict[int | None, set[str]] = {}
        for quotation_id, text in rows:
            assert quotation_id is not None, f"quote without a quotation: {text!r}"
            found.setdefault(quotation_id, set()).add(text)
        assert set(found) == set(session.exec(select(Quotation.id)).all())  # no empty quotation
        return {frozenset(texts) for texts in found.values()}
