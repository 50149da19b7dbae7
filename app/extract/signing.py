"""Whether an instrument is signed in the reported event or only referred to.

A report of a signing also recalls older instruments ("build on the 1991 Agreement on …",
"remain bound by the Treaty of Kars", "in the spirit of the Convention on …"). An instrument
counts as *signed* when one of its mentions is the object of a signing verb of the event
("signed the Treaty on …", "adopted a joint statement", "the document was signed by …",
"the signing of the Declaration", "the signed Declaration"); a year in front of its name or
after the verb ("signed in 1993", "the 2017 Treaty") dates it as history. Everything else is
*referenced*.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from app.extract.types import DeclarationStatus

# Verbs by which parties make an instrument theirs (also used to find the signatories).
SIGNING_VERB = (
    r"(?:sign(?:s|ed|ing)?|adopt(?:s|ed|ing)?|issued|released|approv(?:e|es|ed|ing)|conclud(?:e|es|ed|ing)|"
    r"initial(?:l)?(?:ed|ing|s)?|ink(?:s|ed)?|ratif(?:y|ies|ied|ying)|endors(?:e|es|ed)|"
    r"enter(?:s|ed)?\s+into|put\s+(?:their|its)\s+signatures?\s+(?:to|on))"
)
# The verb, then only determiners, adjectives, and instruments joined by "and" / "as well as".
_VERB_BEFORE = re.compile(
    rf"\b{SIGNING_VERB}\b(?P<gap>[^.;:!?]{{0,220}}?)$",
    re.IGNORECASE,
)
_HISTORY_VERB = re.compile(r"\bhad\s+(?:been\s+)?$|\b(?:once|previously|formerly)\s+$", re.IGNORECASE)
_NOMINAL = re.compile(r"\b(?:signing|signature|adoption|conclusion|approval|ratification)\s+of\s+(?:the|this|a|an)\s+$",
                      re.IGNORECASE)
_REFERENCE_SIGNED = re.compile(rf"^(?:the|this|that)\s+(?:newly\s+)?{SIGNING_VERB}\b", re.IGNORECASE)
_VERB_AFTER = re.compile(
    rf"^\s*,?\s*(?:(?:was|were|has\s+been|have\s+been|being|to\s+be|is|are)\s+)?(?:\w+ly\s+)?{SIGNING_VERB}\b"
    r"(?P<rest>[^.;!?]{0,40})",
    re.IGNORECASE,
)
# Words that join instrument names in a list ("the Treaty on A and the Protocol on B").
LIST_JOINER = r"(?:,|\band\b|\bas\s+well\s+as\b|\btogether\s+with\b|\balong\s+with\b|\balongside\b)"
# An optional article before a name.
ARTICLE = r"(?:the\s+|a\s+|an\s+)"
# Masked names ("X") listed one after another, up to the article of the next one.
_MASKED_LIST = rf"(?:{ARTICLE}?X+\s*(?:,|\band\b|\bas\s+well\s+as\b)\s*)*{ARTICLE}?$"
_JOINT = re.compile(r"joint\b|communiqu", re.IGNORECASE)
# A joint text that opens its sentence as the frame ("In a joint statement, the sides …").
IN_A = re.compile(r"^\s*(?:[A-Z]\w+,\s*)?in\s+(?:a|an|their)\s+$", re.IGNORECASE)
_YEAR_BEFORE = re.compile(r"\b(?:the|a|its|their)\s+(?:1[6-9]|20)\d\d\s+$", re.IGNORECASE)
_DATED = re.compile(r"\b(?:in|back\s+in|on\s+\w+\s+\d{1,2},?)\s+(?:1[6-9]|20)\d\d\b|\b(?:years?|decades?)\s+ago\b",
                    re.IGNORECASE)
# "signed the Treaty of Amity in 1977": a date right after the name dates the signing.
_DATED_AFTER = re.compile(r"\s*,?\s*(?:(?:on|in)\s+\w+\s+\d{1,2},?\s+|in\s+|back\s+in\s+)(?:1[6-9]|20)\d\d\b",
                          re.IGNORECASE)
# A gap that still leaves the mention the object of the verb: no preposition of its own.
# (other instruments in the gap are masked as one capitalised word beforehand).
_GAP_OK = re.compile(
    rf"^(?:\s*(?:{LIST_JOINER}|\balso\b|\bon\s+\w+day\b|\bthe\b|\ba\b|\ban\b|\btwo\b|"
    r"\bthree\b|\bboth\b|\bnew\b|\bjoint\b|\bbilateral\b|\btrilateral\b|\bintergovernmental\b|X+(?!X))\s*)*$"
)


# "signed two protocols aimed at …, the Protocol on A and the Protocol on B": names in
# apposition to a plural object of the verb.
_APPOSITION_GAP = re.compile(
    r"^\s*(?:the\s+|two\s+|three\s+|four\s+|several\s+|a\s+number\s+of\s+|a\s+package\s+of\s+)?"
    r"(?:[\w-]+\s+){0,3}(?:documents|protocols|agreements|treaties|memoranda|memorandums|declarations|"
    r"conventions|accords|instruments|texts|roadmaps|programmes)\b[^.;!?]{0,100}?[,:—–]\s*"
    + _MASKED_LIST,
    re.IGNORECASE,
)

# A sentence that lists the documents of a signing just told ("The documents include …").
_LISTED = re.compile(
    r"\b(?:documents?|agreements|texts|instruments)\b[^.;!?]{0,40}\b(?:include[sd]?|including|are|were|comprise[sd]?)\b"
    r"|\b(?:among\s+them|including)\b",
    re.IGNORECASE,
)
_EXCHANGED = re.compile(r"\bexchang\w*\b[^.;!?]{0,60}\bdocuments\b", re.IGNORECASE)
SIGNING = re.compile(rf"\b{SIGNING_VERB}\b", re.IGNORECASE)


# "a number of documents were signed, including the Joint Statement on …".
_INCLUDING_GAP = re.compile(
    r"^[^.;!?]{0,60}?\b(?:including|among\s+them|among\s+which|namely|such\s+as)\b\s*:?\s*"
    + _MASKED_LIST,
    re.IGNORECASE,
)


def _signed_here(masked: str, text: str, s_start: int, s_end: int, start: int, end: int) -> bool:
    """Whether the mention ``[start, end)`` is signed in its sentence ``[s_start, s_end)``."""
    before = masked[s_start:start]
    if _NOMINAL.search(before) or _REFERENCE_SIGNED.match(text[start:end]):
        return True
    if _JOINT.match(text, start, end) and IN_A.match(before) and not _DATED_AFTER.match(masked, end, s_end):
        return True  # "In a joint statement, the sides …": their own text of the day
    if _YEAR_BEFORE.search(before):
        return False
    after = _VERB_AFTER.match(masked[end:s_end])
    if after:
        return not _DATED.search(after.group("rest"))
    verb = _VERB_BEFORE.search(before)
    if not verb or _HISTORY_VERB.search(before[: verb.start()]):
        return False
    gap = verb.group("gap")
    if _DATED.search(gap) or _DATED_AFTER.match(masked, end, s_end):
        return False
    return bool(_GAP_OK.match(gap) or _APPOSITION_GAP.match(gap) or _INCLUDING_GAP.match(gap))


def listed_after_signing(text: str, bounds: Sequence[tuple[int, int]], s_start: int, pos: int) -> bool:
    """Whether ``pos`` is in a list of documents ("The documents include …") right after a
    sentence that tells of their signing or exchange."""
    if not _LISTED.search(text, s_start, pos):
        return False
    previous = [b for b in bounds if b[1] <= s_start]
    return bool(previous) and bool(SIGNING.search(text, *previous[-1]) or _EXCHANGED.search(text, *previous[-1]))

def mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with every instrument mention turned into one word of "X" (offsets kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "X" * (end - start)
    return "".join(chars)


def status_of(masked: str, bounds: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int]],
              text: str) -> DeclarationStatus:
    """"signed" when any mention ``[start, end)`` is signed in the event, else "referenced".

    ``masked`` is the text with all instrument mentions masked (``mask``), so that "signed
    the Protocol on A and the Protocol on B" leaves B the object of "signed".
    """
    for start, end in spans:
        for s_start, s_end in bounds:
            if s_start <= start < s_end:
                if _signed_here(masked, text, s_start, s_end, start, end) or listed_after_signing(
                    masked, bounds, s_start, start
                ):
                    return "signed"
                break
    return "referenced"
