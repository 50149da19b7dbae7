"""Direct quotations: which paired quotes are statements and how their parts join.

A quote is a statement when it says something (three words or more, not a title or a
scare-quoted phrase); a quote interrupted by its attribution ("X," he said, "Y.") becomes
one statement with fragments; a multi-paragraph quote keeps one fragment per paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract.cues import CUE_HINT
from app.extract.quotes import DOUBLE_MARKS, Quote, nested_quotes
from app.extract.types import Span

_NAMING_BEFORE = re.compile(r"(?:so-called|dubbed|titled|entitled|named|called|nicknamed|known as|labell?ed|termed|headlined|the word|the term|the phrase)\s*$", re.I)
_WORD = re.compile(r"[\w’'-]+")
# "so-called", "dubbed" and the like stand right before the quote they name
_NAMING_REACH = 30
# fewer words say nothing: a scare-quoted word or pair ("a “special operation”")
_MIN_STATEMENT_WORDS = 3
# a capitalised run this short without sentence punctuation is a title, not speech
_MAX_TITLE_WORDS = 8
# an attribution between two parts of one quote is short: "X," the minister said, "Y."
_MAX_ATTRIBUTION_CHARS = 140
_MAX_ATTRIBUTION_WORDS = 8
_MAX_ATTRIBUTION_SENTENCE_WORDS = 16  # "X," he said on Monday after the talks. "Y."
# a quote shorter than this reads as borrowed words, not a sentence of its own
_MIN_SENTENCE_WORDS = 6


@dataclass(slots=True)
class DirectQuote:
    """A quotation that is a statement: its quoted parts and the whole outer extent."""

    parts: list[Span]
    outer: Span
    paragraph: int
    speechlike: bool = True

    @property
    def inner(self) -> Span:
        return Span(self.parts[0].start, self.parts[-1].end)


def _trimmed(text: str, span: Span) -> Span:
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
        e -= 1
    return Span(s, e)


def is_statement_quote(text: str, quote: Quote) -> bool:
    """Whether a quoted passage is speech rather than a title or a scare-quoted phrase."""
    content = text[quote.inner.start:quote.inner.end]
    words = _WORD.findall(content)
    if len(words) < _MIN_STATEMENT_WORDS:
        return False
    before = text[max(0, quote.outer.start - _NAMING_REACH):quote.outer.start]
    if _NAMING_BEFORE.search(before):
        return False
    # a title: Every Main Word Capitalised, no sentence punctuation
    if len(words) <= _MAX_TITLE_WORDS and not re.search(r"[.!?,;]", content):
        caps = sum(1 for w in words if w[:1].isupper())
        if caps >= len(words) - 1 and caps >= 2:
            return False
    return True


def direct_quotes(text: str, quotes: list[Quote]) -> list[DirectQuote]:
    """Outermost quotes; ``speechlike`` tells statements from titles and scare quotes."""
    nested = nested_quotes(quotes)
    kept = [q for i, q in enumerate(quotes) if i not in nested]
    kept.sort(key=lambda q: q.outer.start)
    out: list[DirectQuote] = []
    for q in kept:
        parts = [_trimmed(text, p) for p in q.parts] if q.parts else [_trimmed(text, q.inner)]
        parts = [p for p in parts if p.end > p.start]
        if not parts:
            continue
        out.append(DirectQuote(parts, q.outer, q.paragraph, bool(q.parts) or is_statement_quote(text, q)))
    return out


def interruption(text: str, first: DirectQuote, second: DirectQuote) -> bool:
    """Whether ``second`` continues ``first`` across a short attribution.

    Both ``"X," he said, "Y."`` and ``"X," he said. "Y."`` (the quote resumes in the next
    sentence of the same paragraph) are one statement interrupted by its attribution.
    """
    if first.paragraph != second.paragraph or first.outer.end >= second.outer.start:
        return False
    between = text[first.outer.end:second.outer.start]
    if len(between) > _MAX_ATTRIBUTION_CHARS or "\n" in between or any(ch in DOUBLE_MARKS for ch in between):
        return False
    end_of_first = text[first.parts[-1].end:first.outer.end + 1]
    if not re.search(r"[,—–-]", end_of_first + between[:2]):
        return False
    words = len(_WORD.findall(between))
    if re.search(r",\s*$|:\s*$", between):
        return words <= _MAX_ATTRIBUTION_WORDS
    # the quote resumes after the attribution sentence ends
    return bool(re.search(r"\.\s+$", between)) and words <= _MAX_ATTRIBUTION_SENTENCE_WORDS and CUE_HINT.search(between) is not None


def weak_fragment(text: str, parts: list[Span], attributed: bool, floating: bool) -> bool:
    """Quoted fragments too weak to stand as statements on their own.

    A quote with no attribution at all, or a short lower-case fragment ("choked like a
    dog") that reads as words borrowed inside a sentence, is not a statement; a floating
    quote (attributed only from context) must look like a full sentence.
    """
    body = " ".join(text[p.start:p.end] for p in parts)
    words = len(_WORD.findall(body))
    fragment = body[:1].islower() or words < _MIN_SENTENCE_WORDS
    if not attributed and not floating:
        return True
    if floating and not attributed:
        return fragment
    return body[:1].islower() and words < _MIN_SENTENCE_WORDS
