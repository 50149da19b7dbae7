"""Pairing quotation marks by character, paragraph by paragraph.

spaCy's tokens cannot tell an apostrophe (’ in "Azerbaijan’s", "don’t", "’90s") from a
closing single quote, and one misread mark would shift every later pair; so marks are
classified from their neighbouring characters and paired here, one paragraph at a time,
with multi-paragraph quotes (an unclosed paragraph whose successor reopens) joined.
Unbalanced marks are dropped, never fatal.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.extract.types import Span

# opening mark -> closing marks accepted for it
_DOUBLE_OPEN = {"“": "”\"", "„": "“”\"", "«": "»", "»": "«", "\"": "\"”", "‟": "”\""}
_SINGLE_OPEN = {"‘": "’'", "‚": "‘’", "'": "'’", "‹": "›"}
DOUBLE_MARKS = frozenset("“”„‟«»\"")
SINGLE_MARKS = frozenset("‘’‚‹›'")


@dataclass(frozen=True, slots=True)
class Quote:
    """A paired quotation: ``outer`` includes the marks, ``inner`` is the content."""

    outer: Span
    inner: Span
    double: bool
    paragraph: int
    parts: tuple[Span, ...] = ()  # per-paragraph inner spans of a multi-paragraph quote


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _role(text: str, i: int) -> str | None:
    """'open', 'close', 'both' or None (an apostrophe or a stray mark) for the mark at ``i``."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in SINGLE_MARKS and ch not in "‹›":
        # apostrophes: letter on both sides (don’t), elided years (’90s), plural possessive (leaders’ )
        if _is_word(prev) and _is_word(nxt):
            return None
        if ch in "’'" and nxt.isdigit() and not _is_word(prev):
            return None
        if ch in "’'" and prev in "sS" and not _is_word(nxt):
            # "the leaders’ talks": treat as apostrophe unless punctuation says close
            return "maybe_close"
    if ch in "“„‟«‘‚‹":
        if ch == "«" and prev.isalnum():
            return "close"  # Danish/German style »…«
        return "open"
    if ch in "”»›’":
        if ch == "»" and nxt.isalnum() and not prev.isalnum():
            return "open"
        return "close"
    # straight marks: decide by surroundings
    prev_space = prev.isspace() or prev in "([{—–-/" or i == 0
    next_space = nxt.isspace() or nxt in ".,;:!?)]}—–-" or i + 1 == len(text)
    if prev_space and not next_space:
        return "open"
    if next_space and not prev_space:
        return "close"
    if prev_space and next_space:
        return None
    return "both"


def _pair_paragraph(text: str, start: int, end: int, double: bool) -> tuple[list[tuple[int, int]], int | None]:
    """Pairs of (open, close) indices for one mark family in ``text[start:end]``.

    Returns the pairs and the index of an opening mark left unclosed at the paragraph end.
    """
    marks = DOUBLE_MARKS if double else SINGLE_MARKS
    opens = _DOUBLE_OPEN if double else _SINGLE_OPEN
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for i in range(start, end):
        ch = text[i]
        if ch not in marks:
            continue
        role = _role(text, i)
        if role is None:
            continue
        if role == "maybe_close":
            if stack and text[stack[-1]] in opens and ch in opens[text[stack[-1]]]:
                # close only if the quote has at least a few words in it
                if text.count(" ", stack[-1], i) >= 1:
                    pairs.append((stack.pop(), i))
            continue
        if stack and role in ("close", "both") and ch in opens.get(text[stack[-1]], ""):
            pairs.append((stack.pop(), i))
        elif role in ("open", "both") and ch in opens:
            if double:
                stack = [i]  # double quotes do not nest: a new opener replaces a lost one
            else:
                stack.append(i)
    unclosed = stack[0] if stack else None
    return pairs, unclosed


def find_quotes(text: str, paragraphs: list[Span]) -> list[Quote]:
    """All paired quotations (double and single), sorted by position.

    A paragraph whose last double quote is never closed continues into the next paragraph
    when that one opens with a quote mark (the newspaper convention for long quotes).
    """
    quotes: list[Quote] = []
    pending: tuple[int, int, list[Span]] | None = None  # (open index, paragraph, parts)
    for p_index, para in enumerate(paragraphs):
        pairs, unclosed = _pair_paragraph(text, para.start, para.end, True)
        first_mark = _first_nonspace(text, para.start, para.end)
        if pending is not None:
            open_i, open_p, parts = pending
            pending = None
            if first_mark is not None and text[first_mark] in DOUBLE_MARKS and (
                not pairs or pairs[0][0] == first_mark or unclosed == first_mark
            ):
                # this paragraph reopens the quote; where does it close?
                if pairs and pairs[0][0] == first_mark:
                    close = pairs.pop(0)[1]
                    parts.append(Span(first_mark + 1, close))
                    quotes.append(_multi(text, open_i, close, open_p, parts))
                elif unclosed == first_mark:
                    parts.append(Span(first_mark + 1, _rstrip(text, para.start, para.end)))
                    pending = (open_i, open_p, parts)
                    unclosed = None
        for o, c in pairs:
            quotes.append(Quote(Span(o, c + 1), Span(o + 1, c), True, p_index))
        if unclosed is not None and pending is None:
            end = _rstrip(text, para.start, para.end)
            # only a quote that runs to the end of its paragraph can continue
            if end > unclosed + 1:
                pending = (unclosed, p_index, [Span(unclosed + 1, end)])
        singles, _ = _pair_paragraph(text, para.start, para.end, False)
        for o, c in singles:
            quotes.append(Quote(Span(o, c + 1), Span(o + 1, c), False, p_index))
    quotes.sort(key=lambda q: (q.outer.start, -q.outer.end))
    return quotes


def _multi(text: str, open_i: int, close: int, para: int, parts: list[Span]) -> Quote:
    return Quote(Span(open_i, close + 1), Span(open_i + 1, close), True, para, tuple(parts))


def _first_nonspace(text: str, start: int, end: int) -> int | None:
    for i in range(start, end):
        if not text[i].isspace():
            return i
    return None


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def strictly_inside(spans: Iterable[Span]) -> Callable[[int], bool]:
    """A test for "``pos`` lies strictly inside one of ``spans``" in O(log n) per query.

    Asking ``any(s.start < pos < s.end for s in spans)`` for every sentence or unit is
    quadratic, and a hostile text can hold a hundred thousand quotes; here the spans are
    sorted once by start with a running maximum of their ends.
    """
    ordered = sorted((s.start, s.end) for s in spans)
    starts = [start for start, _ in ordered]
    reach: list[int] = []
    for _, end in ordered:
        reach.append(max(end, reach[-1]) if reach else end)

    def test(pos: int) -> bool:
        k = bisect.bisect_left(starts, pos)  # spans starting before pos
        return k > 0 and reach[k - 1] > pos

    return test


def nested_quotes(quotes: Iterable[Quote]) -> set[int]:
    """Indices (in ``quotes``' order) of the quotes inside another one, found in one sweep.

    A double quote is nested only inside a double quote; a single quote inside any quote
    (a double quote inside single marks is a quote of its own). Sweeping by start, ends
    descending, every earlier span starts at or before the current one, so it contains the
    current one exactly when its end reaches as far: a running maximum of ends decides.
    """
    items = list(quotes)
    twins = Counter((q.outer.start, q.outer.end, q.double) for q in items)
    order = sorted(range(len(items)), key=lambda i: (items[i].outer.start, -items[i].outer.end))
    reach_double = reach_any = -1
    nested: set[int] = set()
    for i in order:
        q = items[i]
        reach = reach_double if q.double else reach_any
        same_span = twins[(q.outer.start, q.outer.end, True)] + (0 if q.double else twins[(q.outer.start, q.outer.end, False)])
        if reach >= q.outer.end or same_span > 1:
            nested.add(i)
        reach_any = max(reach_any, q.outer.end)
        if q.double:
            reach_double = max(reach_double, q.outer.end)
    return nested
