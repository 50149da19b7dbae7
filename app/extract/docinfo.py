"""Document facts: dateline, location, publication date (only with a year), word count."""

from __future__ import annotations

import re

from app.extract.geo import canonical_country
from app.extract.layout import Layout
from app.extract.types import DocumentInfo, Span

_WORDS = re.compile(r"\w+(?:[’'\-]\w+)*")
LEAD_PARAGRAPHS = 2


def word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def _location(text: str, layout: Layout, places: list[Span]) -> str | None:
    """The dateline's city, else the first place in the lead that is not a country."""
    if layout.dateline_location:
        return layout.dateline_location
    lead_end = layout.paragraphs[min(LEAD_PARAGRAPHS, len(layout.paragraphs)) - 1].end if layout.paragraphs else 0
    for span in sorted(places, key=lambda s: s.start):
        if span.start >= lead_end:
            break
        name = re.sub(r"^(?:the|The)\s+", "", text[span.start:span.end]).strip()
        name = re.sub(r"['’]s$", "", name)
        if name and name[0].isupper() and canonical_country(name) is None:
            return name
    return None


def _title(text: str, layout: Layout) -> str | None:
    """A first line without sentence punctuation, short, before the body, is a headline."""
    if not layout.paragraphs:
        return None
    first = layout.paragraphs[0]
    line = text[first.start:first.end]
    if "\n" in line or len(line.split()) > 20 or line.rstrip()[-1:] in ".!?\"”:" or len(layout.paragraphs) < 2:
        return None
    return line.strip()


def document_info(text: str, layout: Layout, places: list[Span]) -> DocumentInfo:
    published = None
    if layout.year and layout.month and layout.day:
        published = f"{layout.year:04d}-{layout.month:02d}-{layout.day:02d}"
    return DocumentInfo(
        title=_title(text, layout),
        dateline=text[layout.dateline.start:layout.dateline.end].strip() if layout.dateline else None,
        location=_location(text, layout, places),
        published_at=published,
        word_count=word_count(text),
        paragraphs=list(layout.paragraphs),
    )
