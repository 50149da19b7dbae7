"""What the pages draw: a statement inside its source paragraph, and a monthly timeline.

Both work on character offsets only (``document.text[start:end]``); templates receive
plain text pieces and escape them, so no markup is ever assembled from stored text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from app.models import Statement


@dataclass(frozen=True)
class Piece:
    """A run of source text; ``role`` is ``quote``, ``speaker``, ``cue`` or ``None``."""

    text: str
    role: str | None = None


def _paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """From the start of ``start``'s paragraph to the end of ``end``'s (blank-line separated)."""
    left = text.rfind("\n\n", 0, start)
    right = text.find("\n\n", end)
    return (0 if left < 0 else left + 2), (len(text) if right < 0 else right)


def in_paragraph(text: str, st: Statement) -> list[Piece]:
    """The statement's paragraph split into pieces: quoted span(s), speaker mention, cue.

    A mention or cue outside that paragraph (a pronoun resolved from the one before) is
    simply not highlighted; overlapping spans keep the first (quote over mention).
    """
    spans = [(a, b, "quote") for a, b in (st.fragments or [[st.start_char, st.end_char]])]
    if st.speaker_mention_start is not None and st.speaker_mention_end is not None:
        spans.append((st.speaker_mention_start, st.speaker_mention_end, "speaker"))
    if st.cue_start is not None and st.cue_end is not None:
        spans.append((st.cue_start, st.cue_end, "cue"))
    low, high = _paragraph_bounds(text, st.start_char, st.end_char)
    pieces: list[Piece] = []
    at = low
    for a, b, role in sorted(spans):
        if a < at or b > high or a >= b:
            continue  # outside the paragraph, or overlapping an earlier span
        if a > at:
            pieces.append(Piece(text[at:a]))
        pieces.append(Piece(text[a:b], role))
        at = b
    if at < high:
        pieces.append(Piece(text[at:high]))
    return pieces


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Timeline:
    """Bars of statements per month (undated ones last), sized for an inline SVG."""

    bars: list[Bar]
    width: int
    height: int
    total: int
    noun: str = "statements"

    @property
    def summary(self) -> str:
        parts = [f"{b.label}: {b.count}" for b in self.bars]
        return f"{self.total} {self.noun} by month — " + ("; ".join(parts) if parts else "none")


BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 36, 12, 120


def timeline(dates: list[datetime | None], noun: str = "statements") -> Timeline:
    """Count per calendar month, every month between the first and last shown (gaps as 0)."""
    months = Counter((d.year, d.month) for d in dates if d is not None)
    undated = sum(1 for d in dates if d is None)
    keys: list[tuple[int, int]] = []
    if months:
        (y, m), last = min(months), max(months)
        while (y, m) <= last and len(keys) < 120:
            keys.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    labelled = [(datetime(y, m, 1).strftime("%b %Y"), months.get((y, m), 0)) for y, m in keys]
    if undated:
        labelled.append(("undated", undated))
    peak = max((n for _, n in labelled), default=1) or 1
    bars = []
    for i, (label, count) in enumerate(labelled):
        h = round(count / peak * (CHART_HEIGHT - 40))  # room for the count above the bar
        bars.append(Bar(label, count, i * (BAR_WIDTH + BAR_GAP) + BAR_GAP, CHART_HEIGHT - 20 - h, h))
    width = max(len(bars) * (BAR_WIDTH + BAR_GAP) + BAR_GAP, 120)
    return Timeline(bars, width, CHART_HEIGHT, len(dates), noun)
