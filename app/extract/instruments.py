"""Mentions of instruments: named declarations, treaties, agreements … and references back.

A *named* mention gives the instrument its identity ("the Declaration on Allied Cooperation",
"the Paris Agreement"); a *reference* ("the document", "the signed Declaration") only points
back to the most recent compatible named one. Detection is by capitalisation and a small
lexicon of instrument kinds, so it needs no parse and runs over the whole text cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# kind word (lower case) -> the family a reference back must share with its antecedent
KINDS: Final[dict[str, str]] = {
    "declaration": "declaration",
    "treaty": "treaty",
    "agreement": "agreement",
    "accord": "agreement",
    "accords": "agreement",
    "pact": "agreement",
    "memorandum": "memorandum",
    "convention": "convention",
    "protocol": "protocol",
    "charter": "charter",
    "communiqué": "joint statement",
    "communique": "joint statement",
    "joint statement": "joint statement",
}
# Words that only ever refer back (never name an instrument themselves).
_REFERENCE_ONLY: Final[dict[str, str | None]] = {"document": None, "deal": "agreement"}

_KIND_RE = r"(?:joint\s+statement|communiqu[ée]|declaration|treaty|agreement|accords?|pact|memorandum|convention|protocol|charter)"
_KIND = re.compile(rf"\b{_KIND_RE}s?\b", re.IGNORECASE)
_WORD = re.compile(r"[\w’'.&-]+", re.UNICODE)

# Lower-case words allowed inside a capitalised title when a capitalised word follows;
# "in" and "with" are left out because they far more often start a place or a party
# ("signed the X Agreement in Beijing") than continue a title.
_TITLE_CONNECTORS: Final[frozenset[str]] = frozenset(
    {"of", "on", "the", "and", "for", "to", "against", "de", "&", "concerning"}
)
# Capitalised words that never start or extend a title backwards (headline verbs, articles).
# Capitalised words after a title that date it rather than name it ("… Protocol on Tuesday").
_TIME_WORDS: Final[frozenset[str]] = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)
# Connectors that may open a complement right after the kind word.
_OPENERS: Final[frozenset[str]] = frozenset({"of", "on", "for", "to", "concerning", "against"})
_NOT_MODIFIERS: Final[frozenset[str]] = frozenset(
    {"the", "a", "an", "and", "to", "with", "on", "of", "for", "in", "by", "sign", "signs",
     "signed", "signing", "ratify", "ratifies", "ratified", "adopt", "adopts", "adopted",
     "reach", "reached", "new-look", "this", "that", "under", "after", "before", "president",
     "minister", "as", "at", "his", "her", "their", "its", "our", "we", "they", "it"}
)
_SIGNING = re.compile(
    r"\b(?:sign(?:s|ed|ing)?|conclud(?:e|es|ed|ing)|ratif(?:y|ies|ied|ying)|adopt(?:s|ed|ing)?|"
    r"initial(?:l)?(?:ed|ing|s)?|ink(?:s|ed)?|enter(?:s|ed)?\s+into|approv(?:e|es|ed|ing))\b",
    re.IGNORECASE,
)
_LOWER_TOPIC_START = re.compile(
    r"\s+(?:of\s+understanding\s+)?(?:on|concerning|regarding|in\s+the\s+field\s+of)\s+", re.IGNORECASE
)
# A lower-case topic ends at punctuation or at a word that starts an adjunct or a new clause.
_TOPIC_STOP: Final[frozenset[str]] = frozenset(
    {"which", "that", "who", "whose", "during", "at", "in", "after", "before", "by", "with", "following",
     "under", "within", "from", "until", "as", "when", "while", "last", "this", "next", "on",
     "between", "signed", "was", "were", "is", "are", "will", "would", "has", "have", "had",
     "to", "said", "says", "and", "or", "but", "earlier", "today", "yesterday", "tomorrow"}
)
_FUNCTION_WORDS: Final[frozenset[str]] = frozenset(
    {"of", "on", "the", "and", "for", "in", "to", "between", "with", "a", "an", "or", "against", "concerning"}
)
_REFERENCE = re.compile(
    r"\b(?:the|this|that|said)\s+"
    r"(?:(?:signed|new|joint|bilateral|trilateral|landmark|historic|final|above|aforementioned|"
    r"adopted|same|whole|entire|original|present|latest|ratified)\s+)*"
    rf"(?P<kind>{_KIND_RE}|document|deal)\b(?!\s*(?:s\b|-))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of an instrument; ``title`` is set only for named mentions."""

    start: int
    end: int
    kind: str | None  # family of KINDS, or None for "the document"
    title: str | None = None

    @property
    def named(self) -> bool:
        return self.title is not None


def kind_family(word: str) -> str | None:
    """The family of a kind word ("Accord" -> "agreement"); None for "document"."""
    key = re.sub(r"\s+", " ", word.lower())
    if key in _REFERENCE_ONLY:
        return _REFERENCE_ONLY[key]
    return KINDS.get(key) or (KINDS.get(key[:-1]) if key.endswith("s") else None)


def title_key(title: str) -> str:
    """The identity of a title: case, spacing, apostrophes and a leading article ignored."""
    key = re.sub(r"\s+", " ", title.replace("’", "'")).strip().lower()
    return key[4:] if key.startswith("the ") else key


def _is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]


def _backward_modifiers(text: str, kind_start: int, floor: int) -> int:
    """Start of the capitalised run right before the kind word ("Paris" in "Paris Agreement")."""
    start = kind_start
    pos = kind_start
    for _ in range(6):
        m = re.search(r"([\w’'.&-]+)(\s+)$", text[max(floor, pos - 60) : pos])
        if not m:
            break
        word = m.group(1).strip(".")
        word_start = pos - len(m.group(0))
        if not _is_cap(word) or word.lower() in _NOT_MODIFIERS or "\n" in m.group(2):
            break
        start = pos = word_start
    return start


def _forward_complement(text: str, kind_end: int, ceiling: int) -> int:
    """End of a capitalised complement ("on Allied Cooperation", "of Understanding on …").

    Lower-case connectors ("of", "on the") are kept only when a capitalised word follows,
    and the first capitalised word must come after a connector ("Agreement Tuesday" stops).
    """
    end = cursor = kind_end
    pending: list[str] = []
    for w_start, w_end, word in _words(text, kind_end, ceiling):
        gap = text[cursor:w_start]
        if gap.strip() or "\n" in gap:
            break  # punctuation or a paragraph break ends the title
        if word.endswith(".") and "." not in word[:-1]:
            word, w_end = word[:-1], w_end - 1
        cursor = w_end
        low = word.lower()
        if not word or low in _TIME_WORDS:
            break
        if not word[0].isupper():
            first = end == kind_end and not pending
            if low not in _TITLE_CONNECTORS or len(pending) >= 2 or (first and low not in _OPENERS):
                break
            if pending and pending[-1] == "and":
                break  # "… and the UN Charter": a second instrument, not this title
            pending.append(low)
            continue
        if not pending and end == kind_end:
            break
        if kind_family(word) is not None or low in _NOT_MODIFIERS:
            break
        end, pending = w_end, []
    return end


def _title_case(phrase: str) -> str:
    """Capitalise a lower-case instrument name sensibly (function words stay lower)."""
    out = []
    for i, word in enumerate(phrase.split()):
        if i and word.lower() in _FUNCTION_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(out)


def _lower_named_end(text: str, kind_end: int, ceiling: int) -> int | None:
    """End of a lower-case name such as "memorandum of understanding on energy cooperation"."""
    m = _LOWER_TOPIC_START.match(text, kind_end, ceiling)
    if not m:
        return None
    end = None
    count = 0
    for w_start, w_end, word in _words(text, m.end(), ceiling):
        between = text[(end or m.end()) : w_start]
        if between.strip() or "\n" in between or word.lower() in _TOPIC_STOP or count >= 8:
            break
        end = w_end
        count += 1
    if end is not None and text[end - 1] == ".":
        end -= 1
    return end


def _sentence_of(bounds: list[tuple[int, int]], pos: int, size: int) -> tuple[int, int]:
    for start, end in bounds:
        if start <= pos < end:
            return start, end
    return 0, size


def _lower_concrete_end(text: str, start: int, kind_end: int) -> int | None:
    """End of a lower-case mention that is one document even without a topic."""
    if text[start:kind_end].lower().startswith(("joint ", "communiq")):
        return kind_end
    m = re.compile(r"\s+of\s+understanding\b", re.IGNORECASE).match(text, kind_end)
    return m.end() if m else None


def find_named(text: str, bounds: list[tuple[int, int]]) -> list[Mention]:
    """Named instrument mentions, in text order, including lower-case repeats of a title.

    Capitalised: the kind word with capitalised modifiers ("Paris Agreement") or a
    capitalised complement ("Declaration on Allied Cooperation"). Lower-case: only a signed
    (concluded, adopted …) instrument with a topic ("signed a memorandum of understanding on
    energy") or a joint statement — "ready to work on a peace treaty" names nothing.
    """
    found: list[Mention] = []
    for m in _KIND.finditer(text):
        s_start, s_end = _sentence_of(bounds, m.start(), len(text))
        kind_word = re.sub(r"\s+", " ", m.group())
        family = kind_family(kind_word)
        if family is None:
            continue
        if _is_cap(kind_word):
            start = _backward_modifiers(text, m.start(), s_start)
            end = _forward_complement(text, m.end(), s_end)
            if start == m.start() and end == m.end():
                continue  # "the Declaration": a reference, not a name
            title = text[start:end]
        else:
            start = m.start()
            if text[max(0, start - 6) : start].lower() == "joint ":
                start -= 6
            end = _lower_named_end(text, m.end(), s_end) or _lower_concrete_end(text, start, m.end())
            if end is None or not _SIGNING.search(text, s_start, m.start()):
                continue
            title = _title_case(text[start:end])
        found.append(Mention(start, end, family, title))
    return _with_repeats(text, found)


def _with_repeats(text: str, named: list[Mention]) -> list[Mention]:
    """Add case-insensitive repeats of known titles ("the declaration on allied cooperation")."""
    taken = [(n.start, n.end) for n in named]
    extra: list[Mention] = []
    seen: set[str] = set()
    for n in named:
        key = title_key(n.title or "")
        if key in seen or not key:
            continue
        seen.add(key)
        pattern = r"\s+".join(re.escape(w) for w in key.split())
        for m in re.finditer(rf"\b{pattern}\b", text.replace("’", "'"), re.IGNORECASE):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                extra.append(Mention(m.start(), m.end(), n.kind, n.title))
                taken.append((m.start(), m.end()))
    return sorted(named + extra, key=lambda x: x.start)


def find_references(text: str, named: list[Mention]) -> list[Mention]:
    """References back ("the document", "the signed Declaration") outside named mentions."""
    out = []
    for m in _REFERENCE.finditer(text):
        if any(n.start < m.end() and m.start() < n.end for n in named):
            continue
        out.append(Mention(m.start(), m.end(), kind_family(m.group("kind"))))
    return out
