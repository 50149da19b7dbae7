"""Matching an extracted speaker to one already stored, so people are shared across documents.

Order: the same slug; else the same name or a stored alias that is a proper name
(case-insensitive); else, for people, the surname rule — "Aliyev" joins the single
stored person whose name ends with "Aliyev", and "Ilham Aliyev" joins a stored
"Aliyev" — provided countries do not conflict. Ambiguity means no match: a new
speaker beats merging two people.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, select

from app.extract.types import Speaker as ExtractedSpeaker
from app.models import Speaker, SpeakerAlias
from app.text import comparison_key

# Words that may precede a surname without being part of the name ("President Aliyev").
HONORIFICS = frozenset(
    "mr mrs ms miss dr prof sir lady lord president vice prime minister chancellor premier "
    "king queen prince princess emperor sheikh emir sultan pope general gen. secretary "
    "senator sen. governor gov. mayor minister chairman chairwoman ambassador judge justice "
    "rep. representative speaker deputy foreign defence defense".split()
)


def _is_proper_name(value: str) -> bool:
    """True for "Ilham Aliyev", False for descriptions like "the Azerbaijani leader"."""
    words = value.split()
    return bool(words) and words[0].casefold() not in {"the", "a", "an", "he", "she", "they"} and any(
        w[:1].isupper() for w in words
    )


def _name_tokens(extracted: ExtractedSpeaker) -> list[str]:
    """The name without leading titles or honorifics."""
    words = extracted.name.split()
    title_words = {w.casefold() for w in (extracted.title or "").split()}
    while len(words) > 1 and (words[0].casefold().rstrip(".") in HONORIFICS or words[0].casefold() in title_words):
        words = words[1:]
    return words


def _compatible(row: Speaker, extracted: ExtractedSpeaker) -> bool:
    if row.kind != extracted.kind:
        return False
    return not (row.country and extracted.country and comparison_key(row.country) != comparison_key(extracted.country))


def _only(rows: list[Speaker], extracted: ExtractedSpeaker) -> Speaker | None:
    candidates = {row.id: row for row in rows if _compatible(row, extracted)}
    return next(iter(candidates.values())) if len(candidates) == 1 else None


def match_speaker(session: Session, extracted: ExtractedSpeaker) -> Speaker | None:
    """The stored speaker this extracted one is, or None when it is new (or ambiguous)."""
    row = session.exec(select(Speaker).where(Speaker.slug == extracted.slug)).first()
    if row is not None:
        return row
    if not _is_proper_name(extracted.name):
        return None
    key = comparison_key(extracted.name)
    aliased = select(SpeakerAlias.speaker_id).where(SpeakerAlias.alias_norm == key)
    rows = session.exec(
        select(Speaker).where(or_(Speaker.name_norm == key, Speaker.id.in_(aliased)))  # type: ignore[union-attr]
    ).all()
    if rows:
        return _only(list(rows), extracted)
    if extracted.kind != "person":
        return None
    tokens = _name_tokens(extracted)
    surname = tokens[-1].casefold()
    if len(tokens) == 1:
        rows = session.exec(
            select(Speaker).where(
                Speaker.kind == "person",
                or_(Speaker.name_norm == surname, Speaker.name_norm.endswith(" " + surname, autoescape=True)),  # type: ignore[attr-defined]
            )
        ).all()
        return _only(list(rows), extracted)
    # A full name joins a person so far known only by that surname.
    rows = session.exec(select(Speaker).where(Speaker.kind == "person", Speaker.name_norm == surname)).all()
    match = _only(list(rows), extracted)
    if match is not None:
        match.name, match.name_norm = " ".join(tokens), comparison_key(" ".join(tokens))
    return match
