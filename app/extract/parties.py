"""Parties of an instrument: the countries and blocs the text makes parties to it.

Read from how news names them: in the title ("Agreement between Armenia and Georgia"),
"between X and Y" / "signed by X and Y" after the name, "on behalf of X", the subject of
the signing verb ("Presidents A of X and B of Y signed …", "the President of X, A, and …
adopted …"), leaders present where it is signed. "The two leaders", "the sides", "the two
countries" name no country: they stand for the sides of the talks — the parties of the
first instrument the text shows being signed by two or more named parties.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Final

from app.extract.geo import canonical_party, country_for_demonym
from app.extract.mentions import LEADER_TITLES
from app.extract.signing import ARTICLE, LIST_JOINER, SIGNING
from app.extract.types import Speaker

# Who can commit a country to an instrument: its leaders (the mentions stage's table) and
# the officials who sign on their behalf.
_SIGNATORY_TITLES: Final[frozenset[str]] = LEADER_TITLES | {
    "amir", "crown prince", "prince", "head of state", "head of government", "foreign minister",
    "minister of foreign affairs", "secretary of state", "taoiseach", "monarch", "shah",
    "chairman", "grand duke",
}
_MEETING = re.compile(
    r"\b(?:talks|talked|met|meet|meeting|summit|negotiat\w+|visit\w*|sign(?:s|ed|ing)?|"
    r"conclud(?:ed|ing)|ratif\w+|adopt(?:ed|ing))\b",
    re.IGNORECASE,
)
_BETWEEN_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:was|were|has\s+been)\s+)?(?:(?:signed|concluded|reached)(?:\s+(?:in|at)\s+[A-Z][\w’'-]*)?\s+)?(?:between|by)\s+"
    r"(?P<who>[^,;.!?]{1,150}?)(?=\s*(?:[,;.!?]|$)|\s+(?:on|in|at|during|which|that|last|this|after|before)\b)",
    re.IGNORECASE,
)
_ON_BEHALF = re.compile(r"\bon\s+behalf\s+of\s+(?P<who>(?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:of\s+)?[A-Z][\w.’'-]*)*)")
# An introductory adverbial before the subject ("Following talks in the capital, …").
_LEADING_ADVERBIAL = re.compile(
    r"^\s*(?:following|after|during|at|in|on|before|earlier|later|today|yesterday|meanwhile)\b[^,]{0,80},\s*",
    re.IGNORECASE,
)
# "held talks with President of X A": the other side.
_TALKS_WITH = re.compile(r"\s+(?:with|between)\s+(?P<who>[^,;.!?]{1,120})")
# "X and Y are bound by / parties to the Treaty": the subject names its parties.
BOUND = re.compile(r"\b(?:(?:are|is|remain|remains|were|became|become)\s+(?:\w+\s+)?(?:bound\s+by|part(?:y|ies)\s+to|signator(?:y|ies)\s+(?:to|of)))\b",
                   re.IGNORECASE)
# Only other instruments (masked) between the verb and this one.
_OTHER_NAMES = re.compile(rf"^\s*(?:{ARTICLE}?(?:\d{{4}}\s+)?X+\s*{LIST_JOINER}\s*)*{ARTICLE}?(?:\d{{4}}\s+)?$")
# Phrases that stand for the sides of the talks without naming them.
SIDES = re.compile(
    r"\b(?:(?:the\s+(?:two|three|four|five)|both|all\s+three)\s+(?:countries|states|sides|parties|leaders|presidents|governments|nations|"
    r"heads\s+of\s+state|prime\s+ministers|ministers|foreign\s+ministers)|"
    r"the\s+(?:sides|parties|countries|signatories))\b",
    re.IGNORECASE,
)
_PREPOSITIONS: Final[frozenset[str]] = frozenset(
    {"of", "for", "to", "with", "by", "from", "among", "in", "on", "at", "about", "against", "into"}
)
_CAPITAL_RUN = re.compile(r"[A-Z][\w.’'-]*(?:\s+(?:of\s+|the\s+)*[A-Z][\w.’'-]*)*")


# names are tried longest first over at most this many capitalised words ("Federal Republic
# of Germany"); a demonym is one or two ("Russian", "Costa Rican")
_MAX_NAME_WORDS = 7
_MAX_DEMONYM_WORDS = 2
# a signing verb governs a mention a few words on ("signed on Monday the Treaty"); further
# away, the words between name other instruments or start another phrase
_MAX_GAP_SPACES = 3


def countries_in(fragment: str) -> set[str]:
    """Countries and blocs named in a fragment, by name, formal name or demonym ("Russian-Azerbaijani")."""
    found: set[str] = set()
    for run in _CAPITAL_RUN.finditer(fragment):
        words = [w.strip(".,’'") if not w.endswith(".") or w.count(".") < 2 else w for w in run.group().split()]
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + _MAX_NAME_WORDS), i, -1):
                phrase = " ".join(words[i:j])
                hit = canonical_party(phrase) or (country_for_demonym(phrase) if j - i <= _MAX_DEMONYM_WORDS else None)
                if hit:
                    found.add(hit)
                    i = j
                    break
            else:
                for piece in words[i].split("-"):
                    hit = canonical_party(piece) or country_for_demonym(piece)
                    if hit:
                        found.add(hit)
                i += 1
    return found


def _subject_before(text: str, s_start: int, verb_start: int) -> str:
    """The words of a sentence before its verb, less an opening adverbial ("After the talks, …")."""
    subject = text[s_start:verb_start]
    lead = _LEADING_ADVERBIAL.match(subject)
    return subject[lead.end():] if lead else subject


def explicit_parties(
    text: str, masked: str, s_start: int, s_end: int, start: int, end: int, named: bool
) -> set[str]:
    """Parties the text names for the mention ``[start, end)`` in its sentence ``[s_start, s_end)``.

    ``masked`` is the text with instrument mentions masked (``signing.mask``): "X and Y signed
    the Treaty on A and the Protocol on B" makes X and Y parties of both."""
    parties: set[str] = set()
    if named:
        parties |= countries_in(text[start:end])
    between = _BETWEEN_AFTER.match(text[end:s_end])
    if between:
        parties |= countries_in(between.group("who"))
    sentence = text[s_start:s_end]
    signed = None
    for signed in SIGNING.finditer(text, s_start, start):  # the last signing verb before it
        pass
    for bound in BOUND.finditer(text, s_start, start):
        if signed is None or bound.start() > signed.start():
            signed = bound
    gap = masked[signed.end() : start] if signed else ""
    if signed and (gap.strip(" ,").count(" ") <= _MAX_GAP_SPACES or _OTHER_NAMES.match(gap)):
        subject = _subject_before(text, s_start, signed.start())
        clause = list(re.finditer(r"\b(?:that|which|who|after|when|while)\b", subject))
        if clause and clause[-1].group() == "that":
            subject = subject[clause[-1].end() :]  # "The minister noted that Norland and Sudmark are bound by …"
        if not clause or clause[-1].group() == "that":
            parties |= countries_in(subject)
    if SIGNING.search(sentence):
        for behalf in _ON_BEHALF.finditer(sentence):
            parties |= countries_in(behalf.group("who"))
    return parties


def _is_leader(speaker: Speaker) -> bool:
    title = (speaker.title or "").lower()
    return any(re.search(rf"\b{re.escape(t)}\b", title) for t in _SIGNATORY_TITLES)


def sentence_index(bounds: Sequence[tuple[int, int]], pos: int) -> int:
    """Index of the sentence holding ``pos``, or -1 (bounds are in order and disjoint:
    bisection, since a long text asks this for every mention)."""
    i = bisect.bisect_right(bounds, (pos, float("inf"))) - 1
    return i if i >= 0 and bounds[i][0] <= pos < bounds[i][1] else -1


def leader_parties(
    text: str, bounds: Sequence[tuple[int, int]], speakers: Sequence[Speaker],
    mention_sentences: set[int], has_explicit: bool,
) -> set[str]:
    """Countries of leaders mentioned where the instrument is, or at the talks or signing.

    When the text already names the parties, a leader adds a country only from a sentence
    about signing — a leader merely commenting on someone else's treaty is no party.
    """
    parties: set[str] = set()
    for sp in speakers:
        country = canonical_party(sp.country or "") if sp.country else None
        if not country or not _is_leader(sp):
            continue
        for mention in sp.mentions:
            i = sentence_index(bounds, mention.start)
            if i < 0:
                continue
            sentence = text[bounds[i][0] : bounds[i][1]]
            if has_explicit:
                ok = bool(SIGNING.search(sentence)) and i in mention_sentences
            else:
                ok = i in mention_sentences or bool(_MEETING.search(sentence))
            if ok:
                parties.add(country)
                break
    return parties


def speaks_of_sides(text: str, s_start: int, s_end: int, mentions: Sequence[tuple[int, int]]) -> bool:
    """Whether a sentence makes the unnamed sides parties: "the two countries remain bound by
    …", "… Agreement between the two countries" — not "the border between the two countries"."""
    for m in SIDES.finditer(text, s_start, s_end):
        before = text[s_start : m.start()]
        word = re.search(r"(\w+)\s*$", before)
        if word and word.group(1).lower() == "between":
            between_at = s_start + word.start()
            if any(end <= between_at and not text[end:between_at].strip() for _, end in mentions):
                return True  # "… Agreement between the two countries"
            continue
        if word and word.group(1).lower() in _PREPOSITIONS:
            continue
        return True
    return False


def talks_sides(text: str, bounds: Sequence[tuple[int, int]]) -> set[str]:
    """The sides of the talks a report is about: two or more parties in the subject of the
    first sentence about talks, a meeting or a signing ("Russia and China held talks …")."""
    for s_start, s_end in bounds:
        verb = _MEETING.search(text, s_start, s_end)
        if not verb:
            continue
        found = countries_in(_subject_before(text, s_start, verb.start()))
        partner = _TALKS_WITH.match(text, verb.end(), s_end)
        if partner:
            found |= countries_in(partner.group("who"))
        if len(found) >= 2:
            return found
    return set()
