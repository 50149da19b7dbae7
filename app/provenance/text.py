"""When two quotes are the same quotation, and how alike a claim is to a quote (pure).

Quotes are compared as normalised words: case, punctuation, quote marks, dashes,
whitespace and diacritics are dropped, so "“Peace—now!”" and "'peace now'" are equal.
An elision mark ("[…]", "...") splits a quote into segments that must appear in order.

Two quotes of one speaker are the same quotation when their words are equal, when one is a
contiguous part of the other (a partial quote, or an elided one whose segments all appear in
order), or when they are near-identical (a changed word, a spelling variant: a high Indel
similarity). Every such pair also shares a *key*: an unordered pair of consecutive content
words (or the single content word of a short quote). Keys are what the full-text index is
asked for (``app.provenance.candidates``), and ``related`` requires one in common, so the
index returns every quote the predicate could accept: grouping does not depend on the
order in which documents arrive.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz

MIN_PART_WORDS = 4  # a partial quote shorter than this joins nothing ("we will", "not now")
NEAR_RATIO = 90.0  # fuzz.ratio (Indel similarity, 0-100) of near-identical quotes
NEAR_PART_RATIO = 92.0  # fuzz.partial_ratio of a partial quote with a changed word ...
MIN_NEAR_PART_WORDS = 8  # ... of at least this many words
MAX_KEYS = 200  # keys per quote (the first ones): bounds the index probe of a very long quote

_ELISION = re.compile(r"\[\s*(?:…|\.\s*\.\s*\.)\s*\]|\(\s*(?:…|\.\s*\.\s*\.)\s*\)|…|\.\s*\.\s*\.")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: the full-text index's own token characters

# Function words carry no identity; keys are built from the rest. Small on purpose: a word
# missing here only makes a probe less selective, never wrong.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves s t d ll m re ve
""".split())


class _WithoutCombining(dict[int, int | None]):
    """A ``str.translate`` table dropping combining marks, filled as characters are met (a
    lookup per character in C instead of a Python call per character)."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_WITHOUT_COMBINING = _WithoutCombining()


def words(text: str) -> tuple[str, ...]:
    """Case-folded, accent-free words of ``text`` (apostrophes and dashes split words)."""
    folded = text.casefold()
    if not folded.isascii():  # ASCII has nothing to decompose
        folded = unicodedata.normalize("NFKD", folded).translate(_WITHOUT_COMBINING)
    return tuple(_WORD.findall(folded))


@dataclass(frozen=True)
class QuoteText:
    """A quote's text as the comparisons see it."""

    raw: str

    @cached_property
    def segments(self) -> tuple[tuple[str, ...], ...]:
        """Words of each part between elision marks (one part when nothing is elided)."""
        parts = (words(part) for part in _ELISION.split(self.raw))
        return tuple(part for part in parts if part)

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(word for part in self.segments for word in part)

    @cached_property
    def joined(self) -> str:
        return " ".join(self.words)

    @cached_property
    def content(self) -> tuple[str, ...]:
        """The content words (no function words), in order, each once."""
        return tuple(dict.fromkeys(w for w in self.words if w not in STOPWORDS))

    @cached_property
    def keys(self) -> frozenset[tuple[str, ...]]:
        """Unordered pairs of consecutive content words within a segment, sorted; a quote
        with one content word has that word alone; one with none has no key."""
        return frozenset(self.ordered_keys)

    @cached_property
    def ordered_keys(self) -> tuple[tuple[str, ...], ...]:
        """``keys`` in the order they first occur in the quote (a claim probes a sample of
        them spread over its whole length)."""
        found: list[tuple[str, ...]] = []
        content_total = []
        for part in self.segments:
            content = [w for w in part if w not in STOPWORDS]
            content_total.extend(content)
            found.extend(tuple(sorted(pair)) for pair in zip(content, content[1:]) if pair[0] != pair[1])
        if not found and content_total:
            found = [(content_total[0],)]
        return tuple(dict.fromkeys(found[:MAX_KEYS]))


def _contains_in_order(longer: tuple[str, ...], segments: tuple[tuple[str, ...], ...]) -> bool:
    """Every segment is a contiguous run of ``longer``'s words, each after the previous."""
    haystack = " " + " ".join(longer) + " "
    position = 0
    for segment in segments:
        found = haystack.find(" " + " ".join(segment) + " ", position)
        if found < 0:
            return False
        position = found + len(" ".join(segment)) + 1
    return True


def related(a: QuoteText, b: QuoteText) -> bool:
    """True when ``a`` and ``b`` (by the same speaker) are one quotation (module docstring)."""
    if not a.keys & b.keys:
        return False
    if a.words == b.words:
        return True
    short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if len(short.words) >= MIN_PART_WORDS and _contains_in_order(long_.words, short.segments):
        return True
    if fuzz.ratio(a.joined, b.joined, score_cutoff=NEAR_RATIO):
        return True
    return len(short.words) >= MIN_NEAR_PART_WORDS and bool(
        fuzz.partial_ratio(short.joined, long_.joined, score_cutoff=NEAR_PART_RATIO))


def similarity(claim: QuoteText, quote: QuoteText, *, at_least: float = 0.0) -> float:
    """How well a stored quote supports a claimed one, in [0, 1] (rapidfuzz's WRatio: the
    best of whole, partial and word-order-free comparisons, a part or a reordering scoring
    slightly below an exact match). 0 when below ``at_least``: rapidfuzz then gives up early."""
    cutoff = max(0.0, at_least * 100.0 - 0.005)  # what rounds to ``at_least`` still counts
    score = round(fuzz.WRatio(claim.joined, quote.joined, score_cutoff=cutoff) / 100.0, 4)
    return score if score >= at_least else 0.0
