"""Principles split out of the enumeration a clause is about.

Only a list governed by a principle cue ("respect for A, B and C", "the principles of A, B
and C", "values such as A and B") is split: an arbitrary comma list ("roads, schools and
hospitals") names no principles. Weaker cues that govern any list too ("committed
themselves to A, B and C", "commitment to …", "proclaim A and B as the basis of …", "based
on …") count only when every item reads as a principle (sovereignty, mutual respect,
non-interference …). When several cues precede the list ("the principle of cooperation
based on mutual respect for A, B …") the one nearest the list governs it.
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
_WEAK_CUE = re.compile(
    r"\b(?:commit(?:s|ted)?\s+(?:themselves|itself|ourselves|each\s+other)\s+to|"
    r"commitments?\s+to|(?:re)?affirm(?:s|ed)?\s+(?:their|its)\s+adherence\s+to|"
    r"proclaim(?:s|ed|ing)?|based\s+on|founded\s+on|guided\s+by)\b",
    re.IGNORECASE,
)
# Words a principle is made of; an item of a weakly cued list must contain one.
_PRINCIPLE_WORD = re.compile(
    r"\b(?:non-\w+|mutual\w*|respect|sovereign\w*|integrity|inviolability|independence|equal\w*|"
    r"good-?neighbo(?:u)?r\w*|neighbo(?:u)?rliness|peace\w*|friendship|trust|transparen\w*|openness|"
    r"benefit|justice|democra\w*|rights?|law|freedom|solidarity|dialogue|reciprocity|fairness|tolerance|"
    r"self-determination|multilateralism|inclusive\w*|good\s+faith|consensus|pluralism|partnership|"
    r"cooperation|co-operation|stability|security|understanding|dignity|accountability)\b",
    re.IGNORECASE,
)
# The list ends before a relative or participial tail ("… enshrined in the UN Charter").
_TAIL = re.compile(
    r"(?:,?\s+(?:which|that|who|as\s+enshrined|enshrined|as\s+set|set\s+out|laid\s+down|"
    r"in\s+accordance\s+with|as\s+(?:the\s+|their\s+|its\s+|our\s+)?(?:[\w-]+\s+){0,2}(?:basis|bases|foundations?|values|principles|cornerstones?|pillars?|guides?)|as\s+well\s+as\s+(?:to|in|on))\b|[;:.!?()\"“”«»])",
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
    cues = [(m, False) for m in _CUE.finditer(clause)] + [(m, True) for m in _WEAK_CUE.finditer(clause)]
    for cue, weak in sorted(cues, key=lambda c: c[0].end(), reverse=True):
        if re.search(r",\s*(?:the\s+)?$", clause[: cue.start()]) and len(cues) > 1:
            continue  # "the principles of A, respect for B and C": an item of the list, not its cue
        rest = clause[cue.end() :]
        tail = _TAIL.search(rest)
        listing = rest[: tail.start()] if tail else rest
        items = _split(listing)
        if len(items) < 2 or any(len(i.split()) > _MAX_WORDS for i in items):
            continue
        if weak and not all(_PRINCIPLE_WORD.search(i) for i in items):
            continue
        return items
    return []
