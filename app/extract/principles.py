"""Principles split out of the enumeration a clause is about.

Only a list governed by a principle cue ("respect for A, B and C", "the principles of A, B
and C", "values such as A and B") is split: an arbitrary comma list ("roads, schools and
hospitals") names no principles. When several cues precede the list ("the principle of
cooperation based on mutual respect for A, B …") the one nearest the list governs it.
"""

from __future__ import annotations

import re
from typing import Final

_CUE = re.compile(
    r"\b(?:(?:mutual\s+|full\s+|strict\s+)?respect(?:ing)?\s+(?:for|of)\b|respecting\b|"
    r"(?:principles?|values|norms)\s+(?:of|such\s+as|including|namely|like)\b|"
    r"(?:principles?|values|norms)\s*:|adherence\s+to\b)",
    re.IGNORECASE,
)
# The list ends before a relative or participial tail ("… enshrined in the UN Charter").
_TAIL = re.compile(
    r"(?:,?\s+(?:which|that|who|as\s+enshrined|enshrined|as\s+set|set\s+out|laid\s+down|"
    r"in\s+accordance\s+with|as\s+well\s+as\s+(?:to|in|on))\b|[;:.!?()\"“”«»])",
    re.IGNORECASE,
)
_LEADING = re.compile(r"^(?:and|or|the|their|its)\s+", re.IGNORECASE)
_MAX_WORDS: Final = 8


def _clean(item: str) -> str:
    item = item.strip().strip(",")
    while True:
        stripped = _LEADING.sub("", item, count=1)
        if stripped == item:
            return item
        item = stripped


def _split(listing: str) -> list[str]:
    """Split "A, B, C and D" (Oxford comma or not, "as well as" counts as "and")."""
    listing = re.sub(r"\s+as\s+well\s+as\s+", ", ", listing)
    parts = [p for p in re.split(r"\s*,\s*", listing) if p.strip()]
    if not parts:
        return []
    parts.extend(re.split(r"\s+(?:and|or)\s+", parts.pop(), maxsplit=1))
    return [c for c in (_clean(p) for p in parts) if c]


def find_principles(clause: str) -> list[str]:
    """The principles enumerated after the governing cue of a clause, or [] when none."""
    cues = list(_CUE.finditer(clause))
    for cue in reversed(cues):
        rest = clause[cue.end() :]
        tail = _TAIL.search(rest)
        listing = rest[: tail.start()] if tail else rest
        items = _split(listing)
        if len(items) >= 2 and all(len(i.split()) <= _MAX_WORDS for i in items):
            return items
    return []
