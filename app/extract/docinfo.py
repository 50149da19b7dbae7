"""Document facts: title, dateline, location, publication date (only with a year), word count.

Every rule about a document's title lives here: the headline a text opens with, and the
title made from its first sentence when it has none (``fallback_title``).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from app.extract.geo import canonical_country
from app.extract.layout import Layout, find_dateline, is_headline, parse_date, split_sentences
from app.extract.types import DocumentInfo, Span

_WORDS = re.compile(r"\w+(?:[’'\-]\w+)*")
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\b(?:\s*([ap])\.?m\.?)?", re.I)
LEAD_PARAGRAPHS = 2
TITLE_MAX = 160  # a fallback title longer than this is cut at a word, with an ellipsis


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
    if len(layout.paragraphs) < 2 or not is_headline(text, layout.paragraphs[0]):
        return None
    line = text[layout.paragraphs[0].start:layout.paragraphs[0].end]
    if line.rstrip()[-1:] in ".!?\"”:":
        return None
    return line.strip()


def fallback_title(text: str, dateline: str | None) -> str:
    """The first sentence after the dateline, made to read as a title (for a text that
    opens with no headline).

    The sentence's closing period goes (a card shows "…in Moscow, 22 Feb.", not "Moscow.,");
    a long one is shortened at a word boundary with an ellipsis.
    """
    body = text
    if dateline and body.startswith(dateline):
        body = body[len(dateline) :]
    body = " ".join(body.split())
    end = len(body)
    for sentence in split_sentences(body, Span(0, len(body))):  # knows "U.S.", "Mr.", initials
        if sentence.end > 20:
            end = sentence.end
            break
    title = body[:end]
    if len(title) > TITLE_MAX:
        cut = title[: TITLE_MAX - 1].rsplit(" ", 1)[0]
        return cut.rstrip(",;:.-–— ") + "…"
    last_word = title.rsplit(" ", 1)[-1]
    if title.endswith(".") and not title.endswith("..") and "." not in last_word[:-1] and not last_word[-2:-1].isupper():
        title = title[:-1]  # a sentence period, not "U.S." or "Gen. J. Smith Jr." style initials
    return title


def document_info(text: str, layout: Layout, places: list[Span]) -> DocumentInfo:
    published = None
    if layout.year and layout.month and layout.day:
        published = f"{layout.year:04d}-{layout.month:02d}-{layout.day:02d}"
    return DocumentInfo(
        title=_title(text, layout),
        dateline=text[layout.dateline.start:layout.dateline.end].strip() if layout.dateline else None,
        location=_location(text, layout, places),
        published_at=published,
        source=layout.wire_source,
        word_count=word_count(text),
        paragraphs=list(layout.paragraphs),
    )


def dateline_moment(dateline: str | None, published: datetime | None) -> datetime | None:
    """The moment a dateline without a year names ("22 Feb. 23:00"), its year taken from the
    document's known publication date: the year that puts it nearest that date, so a
    "31 Dec." dateline on a story published on 1 January is of the year before.

    None when the dateline has a year of its own (the extractor dates it) or names no day,
    and when no publication date is known: a year is never guessed (nor taken from a
    file's time). The time is the dateline's clock, in the publication date's zone.
    """
    if not dateline or published is None:
        return None
    found, parts = find_dateline(dateline)
    if found is None or parts.get("year"):
        return None
    month, day = parse_date(parts.get("date"))
    if not (month and day):
        return None
    hour = minute = 0
    clock = _CLOCK.search(dateline[dateline.find(parts["date"] or "") + len(parts["date"] or ""):])
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        if clock.group(3) and hour <= 12:
            hour = hour % 12 + (12 if clock.group(3).lower() == "p" else 0)
        if hour > 23 or minute > 59:
            hour = minute = 0
    zone = published.tzinfo or timezone.utc
    reference = published if published.tzinfo else published.replace(tzinfo=timezone.utc)
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(datetime(year, month, day, hour, minute, tzinfo=zone))
        except ValueError:  # 29 February of a year without one
            continue
    return min(candidates, key=lambda moment: abs(moment - reference)) if candidates else None


def publication_moment(published: datetime | None, dateline: str | None) -> datetime | None:
    """The given publication date, made precise by the dateline when it is a date alone
    (midnight) and the yearless dateline names a time on that same day."""
    moment = dateline_moment(dateline, published)
    if (
        published is not None
        and moment is not None
        and (published.hour, published.minute, published.second, published.microsecond) == (0, 0, 0, 0)
        and moment.date() == published.date()
    ):
        return moment
    return published
