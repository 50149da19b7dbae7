"""Layout: dateline, headline, paragraphs and sentence units with character offsets.

spaCy's parser glues a dateline ("22 Feb. 23:00") to the first sentence and splits quotes
of several sentences; a rule splitter over characters does neither, and it lets the
parser run only on the sentences that need it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract.cues import CUE_HINT
from app.extract.quotes import Quote, strictly_inside
from app.extract.types import Span

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_NUM = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*(?:[ap]\.?m\.?|GMT|UTC))?"
_DATE = (
    rf"(?:\d{{1,2}}\s+{_MONTHS}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?)(?:,?\s+(?P<year>\d{{4}}))?"
)
# "22 Feb. 23:00" or "February 22, 2023" alone on the first line
_DATE_LINE = re.compile(rf"^\s*(?P<date>{_DATE})(?:,?\s+{_TIME})?\s*$", re.I)
# "MOSCOW, Feb 22 (Reuters) -", "WASHINGTON (AP) —", "MOSCOW, April 12 /TASS/.",
# "Ankara, 21 October:", "Sofia, 14 June (BTA)." or "TBILISI, 3 May" alone on its line
_PLACE_WORD = r"[^\W\d_][\w.'’\-]*"
_WIRE = re.compile(
    rf"^\s*(?P<loc>{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,2}}?)(?:,\s*(?!{_MONTHS}\s*\d)(?P<region>{_PLACE_WORD}(?:\s+{_PLACE_WORD})?))?"
    rf"(?:,?\s+(?P<date>{_DATE}))?"
    r"\s*(?:\((?P<src>[^()\n]{1,40})\)|/(?P<src2>[^/\n]{1,40})/)?"
    r"\s*(?P<end>[-—–]+|:|\.(?=\s)|\.?$)\s*"
)

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st jr sr co corp inc ltd
    no vs etc jan feb mar apr jun jul aug sep sept oct nov dec mt ft u.s u.k u.n e.g i.e a.m p.m
    pres sec dept gov't univ est approx fig""".split()
)
_SENT_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")


@dataclass(slots=True)
class Layout:
    """Where things are on the page."""

    paragraphs: list[Span]
    sentences: list[Span]
    sentence_paragraph: list[int]
    dateline: Span | None = None
    dateline_location: str | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None
    wire_source: str | None = None
    body_start: int = 0


def is_headline(text: str, para: Span) -> bool:
    """A paragraph that is one short line: the shape of a headline (``docinfo`` decides
    whether the first one is the title)."""
    line = text[para.start:para.end]
    return "\n" not in line and len(line.split()) <= 20


def split_paragraphs(text: str, start: int = 0) -> list[Span]:
    """Paragraphs are separated by blank lines, or by single newlines that end a paragraph.

    A block of lines with no blank line between them is one paragraph only when it is
    hard-wrapped (short lines that run on); a line break after a finished sentence on a
    shorter-than-full line, or any break in a block of long lines, starts a new paragraph.
    """
    spans: list[Span] = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text[start:]):
        block_start = match.start() + start
        for s, e in _block_paragraphs(text, block_start, match.end() + start):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append(Span(s, e))
    return spans


_WRAP_WIDTH = 80  # lines no longer than this in a block may be a hard-wrapped paragraph
_LINE_END = re.compile(r"[.!?:…][\"'”’»)\]]*\s*$")


def _block_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a block without blank lines at the newlines that end a paragraph."""
    lines: list[tuple[int, int]] = []
    pos = start
    for line in text[start:end].split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    if len(lines) == 1:
        return lines
    width = max(e - s for s, e in lines)
    out: list[tuple[int, int]] = []
    cur = lines[0][0]
    for (s, e), _ in zip(lines, lines[1:]):
        line = text[s:e]
        breaks = width > _WRAP_WIDTH or (
            _LINE_END.search(line) is not None and len(line.rstrip()) < 0.8 * width) or not line.strip()
        if breaks:
            out.append((cur, e))
            cur = e + 1
    out.append((cur, lines[-1][1]))
    return out


def find_dateline(text: str) -> tuple[Span | None, dict[str, str | None]]:
    """A dateline at the very start: its span and parts (date, year, location, source)."""
    first = re.match(r"\s*([^\n]*)", text)
    if first is None:
        return None, {}
    line_start, line_end = first.start(1), first.end(1)
    line = text[line_start:line_end]
    if len(line) <= 40:
        m = _DATE_LINE.match(line)
        if m:
            return Span(line_start, line_start + len(line.rstrip())), {
                "date": m.group("date"), "year": m.group("year")}
    return _wire_dateline(text, line_start, line)


def _wire_dateline(text: str, line_start: int, line: str) -> tuple[Span | None, dict[str, str | None]]:
    """A press-agency dateline opening ``line``: a place with a date or an agency, or an
    all-capitals place before a dash ("WASHINGTON --")."""
    m = _WIRE.match(line)
    caps_dash = m is not None and m.group("loc").isupper() and len(m.group("loc").strip()) >= 4 \
        and m.group("end") is not None and m.group("end")[:1] in "-—–"
    if m and (m.group("date") or m.group("src") or m.group("src2") or caps_dash) and _is_place(m.group("loc")):
        loc = m.group("loc").strip()
        source = (m.group("src") or m.group("src2") or "").strip() or None
        end = m.end("end") if m.group("end") else m.end()
        return Span(line_start, line_start + len(line[:end].rstrip())), {
            "date": m.group("date"), "year": _year_of(m.group("date")),
            "location": loc.title() if loc.isupper() else loc, "source": source}
    return None, {}


def _is_place(words: str) -> bool:
    """A dateline place: capitalised words ("MOSCOW", "Nur-Sultan", "New Delhi")."""
    return all(w[:1].isupper() for w in words.split())


def _year_of(date: str | None) -> str | None:
    if not date:
        return None
    m = re.search(r"\d{4}", date)
    return m.group(0) if m else None


def parse_date(date: str | None) -> tuple[int | None, int | None]:
    """(month, day) of a dateline date such as "22 Feb." or "Feb 22"."""
    if not date:
        return None, None
    month = day = None
    m = re.search(r"[A-Za-z]{3}", date)
    if m:
        month = _MONTH_NUM.get(m.group(0).lower())
    d = re.search(r"\b(\d{1,2})\b", date)
    if d:
        day = int(d.group(1))
    return month, day


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the period at ``end - 1`` closes an abbreviation or an initial."""
    start = end - 1
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start : end - 1].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and text[start].isupper():  # an initial: "John F. Kennedy"
        return True
    return "." in word and len(word) <= 6  # "U.S.", "a.m."


_QUOTE_CLOSE = re.compile(r"[?!][\"”’»]$")


def _attribution_follows(text: str, end_mark: str, nxt: int, limit: int) -> bool:
    """A quoted question or exclamation followed by its short attribution ("Trump said")."""
    if not _QUOTE_CLOSE.search(end_mark):
        return False
    head = " ".join(text[nxt:min(limit, nxt + 50)].split()[:4])
    return CUE_HINT.search(head) is not None


def split_sentences(text: str, para: Span) -> list[Span]:
    """Rule-based sentence spans inside one paragraph."""
    spans: list[Span] = []
    start = para.start
    for m in _SENT_END.finditer(text, para.start, para.end):
        end = m.end()
        nxt = end
        while nxt < para.end and text[nxt].isspace():
            nxt += 1
        if nxt >= para.end:
            break
        following = text[nxt]
        if not (following.isupper() or following.isdigit() or following in "\"“‘'«(["):
            continue
        if _attribution_follows(text, m.group(0), nxt, para.end):
            continue  # '"… votes?" Trump said.': the question or exclamation is quoted, not ended
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start() + 1):
            # "Mr. Aliyev", "U.S. officials": but "the U.S. He said" is rare; keep together
            continue
        spans.append(Span(start, end))
        start = nxt
    if start < para.end:
        spans.append(Span(start, para.end))
    return spans


def merge_quoted(sentences: list[Span], quotes: list[Quote]) -> list[Span]:
    """Join sentences whose boundary falls inside a quotation, so a quote is one unit."""
    if not quotes:
        return sentences
    inside = strictly_inside(q.inner for q in quotes if q.double or q.inner.end - q.inner.start > 0)
    merged: list[Span] = []
    for sent in sentences:
        if merged and inside(sent.start):
            merged[-1] = Span(merged[-1].start, sent.end)
        else:
            merged.append(sent)
    return merged


def analyse_layout(text: str, quotes_for: "callable[[list[Span]], list[Quote]]") -> tuple[Layout, list[Quote]]:
    """Dateline, paragraphs, quotes and sentence units of ``text``."""
    dateline, parts = find_dateline(text)
    body_start = dateline.end if dateline else 0
    paragraphs = split_paragraphs(text, body_start)
    if dateline is None and len(paragraphs) >= 2 and is_headline(text, paragraphs[0]):
        # "Headline\n\nWASHINGTON -- President …": the dateline opens the first body paragraph
        second = paragraphs[1]
        dateline, parts = _wire_dateline(text, second.start, text[second.start:second.end].split("\n")[0])
        if dateline is not None:
            rest = dateline.end
            while rest < second.end and text[rest].isspace():
                rest += 1
            paragraphs[1:2] = [Span(rest, second.end)] if rest < second.end else []
    quotes = quotes_for(paragraphs)
    sentences: list[Span] = []
    sentence_paragraph: list[int] = []
    by_paragraph: dict[int, list[Quote]] = {}
    for q in quotes:
        if not q.parts:
            by_paragraph.setdefault(q.paragraph, []).append(q)
    for p_index, para in enumerate(paragraphs):
        for sent in merge_quoted(split_sentences(text, para), by_paragraph.get(p_index, [])):
            sentences.append(sent)
            sentence_paragraph.append(p_index)
    month, day = parse_date(parts.get("date"))
    year = parts.get("year")
    layout = Layout(
        paragraphs=paragraphs,
        sentences=sentences,
        sentence_paragraph=sentence_paragraph,
        dateline=dateline,
        dateline_location=parts.get("location"),
        month=month,
        day=day,
        year=int(year) if year else None,
        wire_source=parts.get("source"),
        body_start=body_start,
    )
    return layout, quotes
