""""Did X really say this?": the stored quotes most like a claimed quote.

The full-text index proposes the quotes sharing the most key word pairs with the claim
(``candidates.ranked_quotes``, at most ``CANDIDATES``); rapidfuzz scores each against the
claim (``text.similarity``), so a claim with a few words changed, dropped or moved still
finds its source. Quotes scoring below ``MIN_SIMILARITY`` are not evidence and are left out.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from app.models import Document, Statement
from app.provenance.candidates import ranked_quotes
from app.provenance.text import QuoteText, similarity
from app.queries import speaker_ids

CANDIDATES = 200
MIN_SIMILARITY = 0.7
MAX_CLAIM_CHARS = 2000


def best_matches(session: Session, claim_text: str, *, speaker: str | None, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` quotes, best first: ``{statement, document fields, similarity}`` rows."""
    claim = QuoteText(claim_text)
    speakers = sorted(session.scalars(speaker_ids(speaker))) if speaker and speaker.strip() else None
    ids = ranked_quotes(session, claim.keys, speaker_ids=speakers, limit=CANDIDATES)
    if not ids:
        return []
    rows = session.execute(
        select(Statement, Document.source_url)
        .join(Document, Document.id == Statement.document_id)  # type: ignore[arg-type]
        .where(Statement.id.in_(ids)))  # type: ignore[union-attr]
    scored = []
    for statement, source_url in rows:
        score = similarity(claim, QuoteText(statement.text))
        if score >= MIN_SIMILARITY:
            scored.append((score, statement, source_url))
    # best first; among equals the earliest quote (where the words were first seen)
    scored.sort(key=lambda item: (-item[0], item[1].published_at is None,
                                  item[1].published_at.timestamp() if item[1].published_at else 0, item[1].id))
    return [{"statement": st, "source_url": url, "similarity": score} for score, st, url in scored[:limit]]
