"""Mentions of instruments: named declarations, treaties, agreements … and references back.

A *named* mention gives the instrument its identity ("the Declaration on Allied Cooperation",
"the Paris Agreement", "a memorandum on cooperation in culture signed on Monday"); a
*reference* ("the document", "the second protocol", "under it") only points back to a
compatible named one — the most recent, or the n-th of its kind when it says "second".
Detection is by capitalisation and a small lexicon of instrument kinds, so it needs no
parse and runs over the whole text cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from app.extract.geo import canonical_party, country_for_demonym
from app.extract.parties import sentence_index
from app.extract.signing import IN_A, SIGNING, listed_after_signing

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
    "communiqué": "joint_statement",
    "communique": "joint_statement",
    "joint statement": "joint_statement",
    "roadmap": "roadmap",
    "road map": "roadmap",
    "action plan": "action_plan",
    "plan of action": "action_plan",
    "programme": "programme",
    "program": "programme",
    "mou": "memorandum",
}
# Words that only ever refer back (never name an instrument themselves); None = any kind.
_REFERENCE_ONLY: Final[dict[str, str | None]] = {
    "document": None, "text": None, "deal": "agreement", "statement": "joint_statement", "plan": "plan",
}
# "the plan" may point back to any of these families.
PLAN_FAMILIES: Final[frozenset[str]] = frozenset({"action_plan", "roadmap", "programme"})

_KIND_RE = (
    r"(?:joint\s+statement|communiqu[ée]|declaration|treaty|agreement|accords?|pact|memorandum|convention|"
    r"protocol|charter|road\s*map|action\s+plan|plan\s+of\s+action|programme|program|(?-i:MoU|MOU))"
)
_KIND = re.compile(rf"\b{_KIND_RE}s?\b", re.IGNORECASE)
_WORD = re.compile(r"[\w’'.&-]+(?:[–/][\w’'.&-]+)*", re.UNICODE)

# Lower-case words allowed inside a capitalised title when a capitalised word follows;
# "in" and "with" are left out because they far more often start a place or a party
# ("signed the X Agreement in Beijing") than continue a title.
_TITLE_CONNECTORS: Final[frozenset[str]] = frozenset(
    {"of", "on", "the", "and", "for", "to", "against", "de", "&", "concerning", "between", "a", "an"}
)
# Capitalised words after a title that date it rather than name it ("… Protocol on Tuesday").
_TIME_WORDS: Final[frozenset[str]] = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december".split()
)
# Connectors that may open a complement right after the kind word.
_OPENERS: Final[frozenset[str]] = frozenset({"of", "on", "for", "to", "concerning", "against", "between"})
# Connectors that open the topic of a title after its parties ("between X and Y on Z").
_TOPIC_OPENERS: Final[frozenset[str]] = frozenset({"on", "for", "concerning", "regarding"})
# Capitalised words that never start or extend a title backwards (headline verbs, articles).
_NOT_MODIFIERS: Final[frozenset[str]] = frozenset(
    {"the", "a", "an", "and", "to", "with", "on", "of", "for", "in", "by", "sign", "signs",
     "signed", "signing", "ratify", "ratifies", "ratified", "adopt", "adopts", "adopted",
     "reach", "reached", "new-look", "this", "that", "under", "after", "before", "president",
     "minister", "as", "at", "his", "her", "their", "its", "our", "we", "they", "it"}
)
# A signing participle right after a lower-case name ("a joint statement adopted at the ceremony").
_SIGNED_AFTER = re.compile(
    r"\s*,?\s*(?:(?:was|were|has\s+been|have\s+been)\s+)?(?:signed|adopted|concluded|approved|initial(?:l)?ed|"
    r"inked|agreed)\b",
    re.IGNORECASE,
)
# A past signing verb with an indefinite object and nothing else: "… adopted a declaration".
_BARE_SIGNED = re.compile(
    r"(?<!\bnot\s)(?<!\bnever\s)\b(?:signed|adopted|concluded|approved|initial(?:l)?ed|inked)\s+(?:a|an)\s+"
    r"(?:[a-z][\w-]*\s+){0,2}$",
    re.IGNORECASE,
)
# What is only talked about, hoped for or planned names no signed instrument.
_HYPOTHETICAL = re.compile(
    r"\b(?:possible|potential|future|proposed|prospective|draft|planned|discuss\w*|negotiat\w*|"
    r"work(?:s|ed|ing)?\s+on|hop(?:e|es|ed|ing)\s+to|plan(?:s|ned)?\s+to|expect\w*\s+to|intend\w*\s+to|"
    r"ready\s+to|(?-i:will|would|could|may|might|no|not|never))\b",
    re.IGNORECASE,
)


def _hypothetical(text: str, start: int, end: int) -> bool:
    """Whether the words before a lower-case name, after its last signing verb, make it hypothetical."""
    verbs = list(SIGNING.finditer(text, start, end))
    if verbs and re.search(r"(?:\b(?-i:not|never|to|will|would|could|may|might|shall)\s+(?:\w+\s+)?|n't\s+)$",
                           text[start : verbs[-1].start()]):
        return True  # "never signed an agreement on …", "hope to conclude a treaty on …"
    return bool(_HYPOTHETICAL.search(text, verbs[-1].end() if verbs else start, end))
_LOWER_TOPIC_START = re.compile(
    r"\s+(?:of\s+understanding\s+)?(?:on|concerning|regarding|for|in\s+the\s+fields?\s+of)\s+", re.IGNORECASE
)
# A lower-case topic ends at punctuation or at a word that starts an adjunct or a new clause.
_TOPIC_STOP: Final[frozenset[str]] = frozenset(
    {"which", "that", "who", "whose", "during", "at", "in", "after", "before", "by", "with", "following",
     "under", "within", "from", "until", "as", "when", "while", "last", "this", "next", "on",
     "between", "signed", "was", "were", "is", "are", "will", "would", "has", "have", "had",
     "to", "said", "says", "and", "or", "but", "earlier", "today", "yesterday", "tomorrow",
     "adopted", "approved", "concluded", "initialled", "initialed"}
)
# "… passports and exchanged instruments …": a past verb after "and" starts a new predicate.
_PAST_VERB = re.compile(r"[a-z]{2,}(?<!e)ed")
# Stop words that continue a lower-case topic when an ordinary content word follows
# ("cooperation in culture and education"), but not a determiner or a new instrument.
_TOPIC_GLUE: Final[frozenset[str]] = frozenset({"in", "and", "or"})
_FUNCTION_WORDS: Final[frozenset[str]] = frozenset(
    {"of", "on", "the", "and", "for", "in", "to", "between", "with", "a", "an", "or", "against", "concerning",
     "their", "its"}
)
_DETERMINERS: Final[frozenset[str]] = frozenset({"a", "an", "the", "this", "that", "these", "those", "its", "their"})
_DETERMINER = re.compile(r"\b(?:a|an|the|two|three|several|new|its|their)\s+$", re.IGNORECASE)
# Evaluative words before a kind word that are never part of its name.
_EVALUATIVE: Final[frozenset[str]] = frozenset(
    {"new", "landmark", "historic", "important", "possible", "first", "final", "signed", "adopted",
     "same", "whole", "entire", "original", "present", "latest", "ratified", "above", "aforementioned",
     "said", "proposed", "draft", "future", "potential", "long-awaited", "comprehensive"}
)
_ORDINAL_REF: Final[dict[str, int]] = {
    w: i + 1 for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split())
}
_REFERENCE = re.compile(
    r"\b(?:the|this|that|said)\s+"
    r"(?:(?P<ord>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+)?"
    r"(?:(?:signed|new|joint|bilateral|trilateral|landmark|historic|final|above|aforementioned|"
    r"adopted|same|whole|entire|original|present|latest|ratified|approved)\s+)*"
    r"(?P<cue>(?:(?!(?:and|or|of|on|in|to|for|with|by|at|which|that|is|was)\b)[a-z][\w-]*\s+){0,2}?)"
    rf"(?P<kind>{_KIND_RE}|document|text|deal|plan|statement)\b(?!\s*(?:s\b|-))"
    r"(?!\s+of\s+(?:the|this|that|a|an)\b)",
    re.IGNORECASE,
)
# "it" as the object of a frame ("In it, the sides …", "under it, X will …").
_PRONOUN_REFERENCE = re.compile(
    r"\b(?:in|under|according\s+to|pursuant\s+to)\s+(?P<it>it)\b(?=\s*,)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of an instrument; ``title`` is set only for named mentions."""

    start: int
    end: int
    kind: str | None  # family of KINDS, "plan" for "the plan", or None for "the document"
    title: str | None = None
    ordinal: int | None = None  # "the second protocol": the second named one of its kind
    cue: str | None = None  # "the visa agreement": a word the antecedent's title should contain

    @property
    def named(self) -> bool:
        return self.title is not None

    def accepts(self, family: str | None) -> bool:
        """Whether a reference of this kind can point back to an instrument of ``family``."""
        if self.kind is None:
            return True
        if self.kind == "plan":
            return family in PLAN_FAMILIES
        return self.kind == family


def kind_family(word: str) -> str | None:
    """The family of a kind word ("Accord" -> "agreement"); None for "document"."""
    key = re.sub(r"\s+", " ", word.lower())
    if key in _REFERENCE_ONLY:
        return _REFERENCE_ONLY[key]
    if key == "roadmap" or key.startswith("road"):
        return "roadmap"
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
    """Start of the capitalised run right before the kind word ("Paris" in "Paris Agreement").

    A year that opens the run dates the instrument rather than names it ("the 1993
    Agreement on …" is the "Agreement on …"), so the title starts after it.
    """
    start = kind_start
    pos = kind_start
    for _ in range(8):
        m = re.search(r"([\w’'.&–-]+)(\s+)$", text[max(floor, pos - 60) : pos])
        if not m:
            break
        word = m.group(1).strip(".")
        word_start = pos - len(m.group(0))
        if word == "and" and start < kind_start and _joins_name_words(text, word_start, start, floor):
            pos = word_start  # "Extended Trade and Transit Agreement"
            continue
        if not _is_cap(word) or word.lower() in _NOT_MODIFIERS or "\n" in m.group(2):
            break
        start = pos = word_start
    year = re.match(r"(?:1[6-9]|20)\d\d\s+", text[start:kind_start])
    return start + year.end() if year else start


def _joins_name_words(text: str, and_start: int, next_start: int, floor: int) -> bool:
    """Whether "and" at ``and_start`` joins two words of one name, not two parties ("Russia and EU")."""
    prev = re.search(r"([\w’'.&–-]+)\s+$", text[max(floor, and_start - 60) : and_start])
    following = re.match(r"[\w’'.&–-]+", text[next_start:])
    if not prev or not following:
        return False
    before, after = prev.group(1), following.group()
    return (
        _is_cap(before) and before.lower() not in _NOT_MODIFIERS
        and not canonical_party(before) and not canonical_party(after)
        and not country_for_demonym(before) and not country_for_demonym(after)
    )


# "in" continues a title when an abstract noun follows, which a place name never is.
_IN_TOPIC = re.compile(
    r"\s+(?:the\s+)?(?:[A-Z][a-z]+(?:tion|sion|ment|ance|ence|ity|ing|ure|ship|ism|ness|cy)s?|Fields?|Areas?|"
    r"Spheres?|Sectors?)\b"
)
_NESTED_KIND = re.compile(rf"(?:(?:the|a|an)\s+)?(?:[A-Z0-9][\w’'.&–-]*\s+){{0,4}}(?i:{_KIND_RE})\b")


def _forward_complement(text: str, kind_end: int, ceiling: int, modified: bool = False) -> int:
    """End of a capitalised complement ("on Allied Cooperation", "of Understanding on …").

    Lower-case connectors ("of", "on the") are kept only when a capitalised word follows,
    and the first capitalised word must come after a connector ("Agreement Tuesday" stops)
    or be a participle ("Protocol Amending the Convention on …"). An instrument named after
    a connector belongs to the title ("… Amending the Convention on X"), but one after
    "and the" starts a second instrument.
    """
    end = cursor = kind_end
    pending: list[str] = []
    between_end: int | None = None  # the end before "between X and Y", kept only if a topic follows
    topic_after = False
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
        if not _is_cap(word):
            first = end == kind_end and not pending
            if low == "in" and not first and not pending and _IN_TOPIC.match(text, w_end):
                pending.append(low)  # "… on Cooperation in the Construction of …", not "… in Beijing"
                continue
            if low not in _TITLE_CONNECTORS or len(pending) >= 2 or (first and low not in _OPENERS):
                break
            if pending and pending[-1] == "and" and _NESTED_KIND.match(text, w_start):
                break  # "… and the UN Charter": a second instrument, not this title
            if low == "between" and between_end is None:
                between_end = end
            pending.append(low)
            continue
        if not pending and end == kind_end and not (low.endswith("ing") and low not in _NOT_MODIFIERS):
            break
        if low in _NOT_MODIFIERS or (kind_family(word) is not None and (not pending or pending[-1] == "and")):
            break
        if between_end is not None and pending and pending[0] in _TOPIC_OPENERS:
            topic_after = True
        end, pending = w_end, []
    if between_end is not None and (between_end > kind_end or modified) and not topic_after:
        return between_end  # "… Agreement between Norland and Sudmark": the parties, not the name
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
    words = _words(text, m.end(), ceiling)
    end = None
    count = 0
    kept: list[tuple[int, str]] = []
    for n, (w_start, w_end, word) in enumerate(words):
        between = text[(end or m.end()) : w_start]
        low = word.lower()
        if between.strip() or "\n" in between or count >= 16:
            break
        if low in _TOPIC_STOP:
            nxt = words[n + 1][2] if n + 1 < len(words) else ""
            if low in ("on", "for") and kept and any(ch.isdigit() for ch in kept[-1][1]):
                glue = True  # "an action plan for 2025-2026 on cooperation …"
            elif low == "in" and end is not None and nxt.lower() == "the" and n + 2 < len(words) and (
                words[n + 2][2][:1].islower() and words[n + 2][2].lower() not in _TOPIC_STOP
            ):
                glue = True  # "cooperation in the energy sector"
            else:
                glue = (
                    low in _TOPIC_GLUE and end is not None and nxt[:1].islower()
                    and nxt.lower() not in _TOPIC_STOP and nxt.lower() not in _FUNCTION_WORDS
                    and nxt.lower() not in _DETERMINERS and not _PAST_VERB.fullmatch(nxt)
                    and kind_family(nxt) is None and not text[w_end : words[n + 1][0]].strip()
                )
            if not glue:
                break
        end = w_end
        count += 1
        kept.append((w_start, low))
    while kept and kept[-1][1] in _FUNCTION_WORDS:  # a cut-off "… of the EU plan for"
        end = kept.pop()[0]
        end = len(text[:end].rstrip())
    if not kept:
        return None
    if end is not None and text[end - 1] == ".":
        end -= 1
    return end


def _sentence_of(bounds: list[tuple[int, int]], pos: int, size: int) -> tuple[int, int]:
    i = sentence_index(bounds, pos)
    return bounds[i] if i >= 0 else (0, size)


def _lower_concrete_end(text: str, start: int, kind_end: int) -> int | None:
    """End of a lower-case mention that is one document even without a topic."""
    if text[start:kind_end].lower().startswith(("joint ", "communiq")):
        return kind_end
    m = re.compile(r"\s+of\s+understanding\b", re.IGNORECASE).match(text, kind_end)
    return m.end() if m else None


def _lower_modifiers(text: str, kind_start: int, floor: int) -> int:
    """Start of lower-case noun modifiers right after a determiner ("a financing agreement")."""
    head = text[max(floor, kind_start - 60) : kind_start]
    for count in (2, 1):
        m = re.search(rf"((?:[a-z][\w-]*\s+){{{count}}})$", head)
        if not m or not _DETERMINER.search(head[: m.start()]):
            continue
        words = [w.lower() for w in m.group(1).split()]
        if any(w in _TOPIC_STOP or w in _EVALUATIVE or w in _FUNCTION_WORDS for w in words):
            continue
        return kind_start - len(m.group(1))
    return kind_start


def find_named(text: str, bounds: list[tuple[int, int]]) -> list[Mention]:
    """Named instrument mentions, in text order, including lower-case repeats of a title.

    Capitalised: the kind word with capitalised modifiers ("Paris Agreement") or a
    capitalised complement ("Declaration on Allied Cooperation"). Lower-case: only a signed
    (concluded, adopted …) instrument with a topic ("signed a memorandum of understanding on
    energy", "a financing agreement for the railway signed on Monday") or a joint statement
    — "ready to work on a peace treaty" names nothing. An instrument named inside another's
    title ("Protocol Amending the Convention on X") is part of that title.
    """
    found: list[Mention] = []
    for m in _KIND.finditer(text):
        if found and m.start() < found[-1].end:
            continue  # inside the title just found
        s_start, s_end = _sentence_of(bounds, m.start(), len(text))
        kind_word = re.sub(r"\s+", " ", m.group())
        family = kind_family(kind_word)
        if family is None:
            continue
        if _is_cap(kind_word):
            start = _backward_modifiers(text, m.start(), s_start)
            end = _forward_complement(text, m.end(), s_end, start < m.start())
            if start == m.start() and end == m.end():
                continue  # "the Declaration": a reference, not a name
            if family == "programme" and end == m.end() and not SIGNING.search(text, s_start, s_end):
                continue  # "the World Food Programme" is an agency unless the text signs it
            title = text[start:end]
        else:
            start = m.start()
            if text[max(0, start - 6) : start].lower() == "joint ":
                start -= 6
            end = _lower_named_end(text, m.end(), s_end) or _lower_concrete_end(text, start, m.end())
            if end is None and not kind_word.lower().endswith("s") and _BARE_SIGNED.search(text, s_start, start):
                end = m.end()  # "the ministers signed a memorandum": one concrete document
            if end is None:
                continue
            if _hypothetical(text, max(s_start, m.start() - 80), m.start()):
                continue  # "discussed a possible agreement on …", "hope to conclude a treaty on …"
            signed = SIGNING.search(text, s_start, m.start()) or _SIGNED_AFTER.match(text, end, s_end)
            framed = family == "joint_statement" or text[start:end].lower().startswith("joint ")
            framed = framed and bool(IN_A.search(text[s_start:start]))  # "In a joint statement, the sides …"
            if not (signed or framed) and not listed_after_signing(text, bounds, s_start, m.start()):
                continue
            if start == m.start():
                start = _lower_modifiers(text, start, s_start)
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
    """References back ("the document", "the second protocol", "under it") outside named mentions."""
    out = []
    for m in _REFERENCE.finditer(text):
        if any(n.start < m.end() and m.start() < n.end for n in named):
            continue
        ordinal = _ORDINAL_REF.get((m.group("ord") or "").lower())
        cue = " ".join(m.group("cue").split()).lower() or None
        out.append(Mention(m.start(), m.end(), kind_family(m.group("kind")), ordinal=ordinal, cue=cue))
    for m in _PRONOUN_REFERENCE.finditer(text):
        out.append(Mention(m.start("it"), m.end("it"), None))
    return sorted(out, key=lambda x: x.start)


_INDEFINITE = re.compile(rf"\b(?:a|an|another)\s+(?:[\w-]+\s+){{0,2}}?(?P<kind>{_KIND_RE})\b(?!\s*s\b)", re.IGNORECASE)


def find_unnamed(text: str, named: list[Mention]) -> list[Mention]:
    """Instruments introduced without a name ("reached an agreement on wages"): they are new,
    so a later "the agreement" no longer points back past them."""
    out = []
    for m in _INDEFINITE.finditer(text):
        start = m.start("kind")
        if not any(n.start <= start < n.end for n in named):
            out.append(Mention(start, m.end("kind"), kind_family(m.group("kind"))))
    return out
