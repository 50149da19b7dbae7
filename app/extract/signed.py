"""Signed quotes: a quotation followed by a dash and its author's name ("…” ― Ana Ruiz").

Collections of reader or witness voices, epigraphs and social-media round-ups put the
speaker after the quote with no verb at all; the dash and a name closing the paragraph
are the attribution.
"""

from __future__ import annotations

import re

from app.extract.mentions import PARTICLES
from app.extract.types import Span

_SIGNATURE = re.compile(
    r"[”\"»]\s*[―—–]\s*(?P<name>[^\W\d_][\w.'’‘\-]*(?:[ \t]+[\w.'’‘\-]+){0,4}?)[\s.,\u00a0]*(?=\n|$)"
)


def signatures(text: str) -> list[tuple[int, Span]]:
    """(position just after the closing quote mark, name span) of each signed quote."""
    found: list[tuple[int, Span]] = []
    for m in _SIGNATURE.finditer(text):
        name = m.group("name").rstrip(".")
        words = name.split()
        if not all(w[:1].isupper() or w.lower() in PARTICLES for w in words) or not words[-1][:1].isupper():
            continue
        found.append((m.start() + 1, Span(m.start("name"), m.start("name") + len(name))))
    return found
