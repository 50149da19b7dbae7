""""Did X really say this?": the stored quotes most like a claimed quote.

Candidates are read from indexes, never a scan, and their number is bounded. First the
claim's keys (pairs of consecutive content words, ``QuoteText.keys``) in ``quote_key``: a
word pair is far more selective than either word, so counting each key up to
``candidates.KEY_COMMON`` and reading the quotes of the rarest few finds a quote's source in
a few hundred index entries (``candidates.quotes_by_keys``). ``quote_key`` holds only quotes
with a speaker, and a claim can share only common pairs with its source (words changed or
left out around its rare words): when no key candidate scores ``SETTLED``, the full-text
index is asked as well. There the claim's words are counted only up to
``candidates.COMMON`` and the statements of its rarest words are read, the quotes holding
most (rarer words weigh more) first (``candidates.rarest_words``,
``candidates.quotes_by_hits``); when fewer than two rare words remain, the index also ranks
conjunctions holding two thirds of the claim's content words (``two_thirds``; failing
that, any pair of them) by relevance (``candidates.ranked_quotes``). At most
``CANDIDATES`` from each are scored by rapidfuzz against the claim (``text.similarity``), so
a claim with a few words changed, dropped or moved still finds its source. Quotes scoring
below ``MIN_SIMILARITY`` are not evidence and are left out.
"""

from __future__ import annotations

import heapq
from typing import Any

from sqlalchemy import Connection, select
from sqlmodel import Session

from app.models import Document, Statement
from app.provenance.candidates import quotes_by_hits, quotes_by_keys, ranked_quotes, rarest_words, rarity
from app.provenance.text import QuoteText, similarity
from app.queries import speaker_ids

CANDIDATES = 50
MIN_SIMILARITY = 0.7
# A key candidate scoring this much is the claim's source or holds the claim whole (rapidfuzz
# scores an exact part 0.9): the full-text index is not asked. Below it (a speakerless source,
# or every word pair the claim shares with its source common) the index adds its candidates.
SETTLED = 0.9
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
    db = session.connection()
    speakers = sorted(session.scalars(speaker_ids(speaker))) if speaker and speaker.strip() else None
    wanted = max(CANDIDATES, limit)
    keyed = quotes_by_keys(db, claim.ordered_keys, speaker_ids=speakers, limit=wanted)
    found = _scored(db, claim, keyed, limit)
    if not found or found[0]["similarity"] < SETTLED:  # the full-text index may know better: ask it too
        found = _scored(db, claim, list(dict.fromkeys(keyed + _by_words(session, claim, speakers, wanted))), limit)
    return found


def _by_words(session: Session, claim: QuoteText, speakers: list[int] | None, wanted: int) -> list[int]:
    """Candidates from the full-text index (every direct quote, with a speaker or not): the
    statements of the claim's rarest words, and ranked conjunctions when fewer than two
    words are rare."""
    rare = rarest_words(session, claim.content)
    ids = quotes_by_hits(session, [((word,), rarity(count)) for word, count in rare], speaker_ids=speakers,
                         limit=wanted)
    if len(rare) < 2:  # nothing narrows it down, or the one rare word is the changed one: the index ranks
        ranked = (ranked_quotes(session, two_thirds(claim), speaker_ids=speakers, limit=wanted)
                  # more than one third changed: any shared pair of words, a wider and slower read
                  or ranked_quotes(session, claim.keys, speaker_ids=speakers, limit=wanted))
        ids = list(dict.fromkeys(ranked + ids))[:wanted]
    return ids


def _scored(db: Connection, claim: QuoteText, ids: list[int], limit: int) -> list[dict[str, Any]]:
    """The ``limit`` best of the candidate quotes ``ids`` (likeliest first) scoring at least
    ``MIN_SIMILARITY``, best first."""
    if not ids:
        return []
    rows = db.execute(
        select(Statement.id, Statement.text, Statement.speaker_id, Statement.quotation_id, Statement.document_id,
               Statement.published_at, Document.source_url)
        .join(Document, Document.id == Statement.document_id)  # type: ignore[arg-type]
        .where(Statement.id.in_(ids))).all()  # type: ignore[union-attr]
    order = {statement_id: rank for rank, statement_id in enumerate(ids)}
    scored = []
    best: list[float] = []  # the ``limit`` best scores so far, a min-heap
    for row in sorted(rows, key=lambda r: order[r.id]):  # likeliest first, so the bar rises early
        floor = max(MIN_SIMILARITY, best[0]) if len(best) == limit else MIN_SIMILARITY
        score = similarity(claim, QuoteText(row.text), at_least=floor)
        if score and score >= floor:  # only a quote that can still be among the ``limit`` best
            scored.append((score, row))
            if len(best) < limit:
                heapq.heappush(best, score)
            else:
                heapq.heappushpop(best, score)
    # best first; among equals the earliest quote (where the words were first seen)
    scored.sort(key=lambda item: (-item[0], item[1].published_at is None,
                                  item[1].published_at.timestamp() if item[1].published_at else 0, item[1].id))
    return [{**row._mapping, "similarity": score} for score, row in scored[:limit]]
