""""Did X really say this?": the stored quotes most like a claimed quote.

The full-text index proposes the quotes that hold two thirds of the claim's content words
(``two_thirds``; failing that, any pair of them), best ranked first, at most ``CANDIDATES``
(``candidates.ranked_quotes``); rapidfuzz scores each against the
claim (``text.similarity``), so a claim with a few words changed, dropped or moved still
finds its source. Quotes scoring below ``MIN_SIMILARITY`` are not evidence and are left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from app.models import Document, Statement
from app.provenance.candidates import ranked_quotes
from app.provenance.text import QuoteText, similarity
from app.queries import speaker_ids

CANDIDATES = 50
MIN_SIMILARITY = 0.7
MAX_CLAIM_CHARS = 2000


def two_thirds(claim: QuoteText) -> frozenset[tuple[str, ...]]:
    """Conjunctions that a quote containing all but one stretch of the claim's content words
    still satisfies: the words split in three runs, any two of them together. A changed or
    missing word, a dropped clause or moved words leave at least one intact, and each is
    selective enough for the index to rank its few matches quickly."""
    words = claim.content
    if len(words) < 3:
        return frozenset({words}) if words else frozenset()
    third = len(words) / 3
    runs = [words[round(i * third):round((i + 1) * third)] for i in range(3)]
    return frozenset(tuple(sorted(set(runs[a] + runs[b]))) for a, b in ((0, 1), (0, 2), (1, 2)))


def best_matches(session: Session, claim_text: str, *, speaker: str | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` quotes, best first: ``{id, text, speaker_id, quotation_id, document_id,
    published_at, source_url, similarity}``."""
    claim = QuoteText(claim_text)
    speakers = sorted(session.scalars(speaker_ids(speaker))) if speaker and speaker.strip() else None
    wanted = max(CANDIDATES, limit)
    ids = ranked_quotes(session, two_thirds(claim), speaker_ids=speakers, limit=wanted)
    if not ids:  # more than one third changed: any shared pair of words, a wider and slower read
        ids = ranked_quotes(session, claim.keys, speaker_ids=speakers, limit=wanted)
    if not ids:
        return []
    rows = session.connection().execute(
        select(Statement.id, Statement.text, Statement.speaker_id, Statement.quotation_id, Statement.document_id,
               Statement.published_at, Document.source_url)
        .join(Document, Document.id == Statement.document_id)  # type: ignore[arg-type]
        .where(Statement.id.in_(ids))).all()  # type: ignore[union-attr]
    scored = []
    for row in rows:
        score = similarity(claim, QuoteText(row.text))
        if score >= MIN_SIMILARITY:
            scored.append((score, row))
    # best first; among equals the earliest quote (where the words were first seen)
    scored.sort(key=lambda item: (-item[0], item[1].published_at is None,
                                  item[1].published_at.timestamp() if item[1].published_at else 0, item[1].id))
    return [{**row._mapping, "similarity": score} for score, row in scored[:limit]]
