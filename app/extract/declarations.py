"""Stage 6: declarations, treaties, agreements …, the clauses the text describes, their parties.

Rules over character offsets, no parse: instrument mentions come from ``instruments``
(capitalisation + a kind lexicon), and each sentence that mentions an instrument is read
for the constructions news uses to describe provisions.

What a clause's span covers (one rule, three cases) — the clause is the text that *states
the provision*, without the framing that only tells us it is one:

* a numbered part of the instrument is the subject ("the first paragraph of the document
  postulates X", "Article 5 of the treaty states that X"): the part becomes ``ordinal`` and
  the clause is the complement X;
* the instrument itself, or its signatories, is the subject ("the document provides for X",
  "the treaty commits …", "the parties agreed to X"): the clause is the whole predication
  from the subject on, since the complement alone ("the development of …") would not say
  that anything is provided for;
* the instrument frames a clause ("in accordance with the signed Declaration, X will Y",
  "In a joint statement adopted on Monday, X …", "…, under which X", "X will Y under the
  agreement"): the clause is the framed clause "X will Y".

A numbered part may stand without its instrument ("Its eighth article stipulates X", "Under
Article 4, X", "…, while the second article provides for X"): it belongs to the instrument
last spoken of. A sentence is read in segments (split at ", while", ", whereas", "; "), so
it can state several provisions. "The parties agreed to …" alone is an outcome of the talks,
not a provision. Each instrument also gets its ``status`` (``signing``) and its parties
(``parties``).

Sentence connectives ("Thus,", "In addition,"), closing punctuation, closing quote marks and a
trailing attribution (", he said") are never part of a clause.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from app.extract.cues import ASIDE_VERBS, ATTRIBUTION_VERBS
from app.extract.instruments import Mention, find_named, find_references, find_unnamed, title_key
from app.extract.parties import explicit_parties, leader_parties, sentence_index, speaks_of_sides, talks_sides
from app.extract.principles import find_principles
from app.extract.signing import mask, status_of
from app.extract.types import Clause, Declaration, Span, Speaker

log = logging.getLogger(__name__)

_ORDINAL_WORDS: Final[dict[str, int]] = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
}
_CARDINAL_WORDS: Final[dict[str, int]] = {
    w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split())
}
_ROMAN: Final[dict[str, int]] = {
    r: i + 1 for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split())
}

_PARTS = r"(?:paragraph|article|point|section|clause|provision|chapter|part|item|principle|preamble)"
_ORD = rf"(?:{'|'.join(_ORDINAL_WORDS)}|\d+(?:st|nd|rd|th))"
_NUM = rf"(?:\d+(?:\.\d+)?(?:\(\w+\))?|[IVX]+|{'|'.join(_CARDINAL_WORDS)})"
# a numbered part of an instrument: "the second article", "Article 5", "paragraph 3(b)"
_NUMBERED_PART = rf"(?:(?P<ow>{_ORD})\s+{_PARTS}|{_PARTS}\s+(?P<num>{_NUM}))"
_PART_BEFORE = re.compile(
    rf"(?:\b(?:the|its|their)\s+)?(?:(?P<ow>{_ORD})\s+{_PARTS}s?|{_PARTS}\s+(?P<num>{_NUM})|the\s+preamble)"
    r"\s+(?:of|to|in)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PROVISION_VERB = (
    r"(?:provide[sd]?(?:\s+for)?|postulate[sd]?|stipulate[sd]?|state[sd]?|says|said|reads|"
    r"declare[sd]?|proclaim(?:s|ed)?|enshrine[sd]?|(?:re)?affirm(?:s|ed)?|establish(?:es|ed)?|"
    r"sets?\s+(?:out|forth)|lays?\s+down|laid\s+down|guarantee[sd]?|envisage[sd]?|envision(?:s|ed)?|"
    r"commit(?:s|ted)?|oblige[sd]?|obligate[sd]?|require[sd]?|call(?:s|ed)?\s+for|prohibit(?:s|ed)?|"
    r"ban(?:s|ned)?|recogni[sz]e[sd]?|confirm(?:s|ed)?|define[sd]?|specif(?:y|ies|ied)|"
    r"prescribe[sd]?|mandate[sd]?|grant(?:s|ed)?|allow(?:s|ed)?|permit(?:s|ted)?|outline[sd]?|"
    r"foresee[sn]?|foresaw|include[sd]?|contain(?:s|ed)?|emphasi[sz]e[sd]?|underline[sd]?|"
    r"stress(?:es|ed)?|note[sd]?|pledge[sd]?|aim(?:s|ed)?\s+(?:to|at)|seeks?\s+to|sought\s+to|"
    r"regulate[sd]?|determine[sd]?|limit(?:s|ed)?|restrict(?:s|ed)?|cap(?:s|ped)?|cover(?:s|ed)?|"
    r"create[sd]?|set(?:s)?\s+up|condemn(?:s|ed)?|support(?:s|ed)?|describe[sd]?|instruct(?:s|ed)?|"
    r"fix(?:es|ed)?|sets?\s+aside|update[sd]?|introduce[sd]?|list(?:s|ed)?|entrust(?:s|ed)?|task(?:s|ed)?|"
    r"abolish(?:es|ed)?|extend(?:s|ed)?|expand(?:s|ed)?|reduce[sd]?|envisage[sd]?|spell(?:s|ed)?\s+out|"
    r"reflect(?:s|ed)?|highlight(?:s|ed)?|welcome[sd]?|express(?:es|ed)?|reiterate[sd]?|underscore[sd]?|"
    r"(?:is|are|was|were)\s+(?:aimed\s+at|designed\s+to|intended\s+to|meant\s+to)|focus(?:es|ed)?\s+on|"
    r"concern(?:s|ed)?|deal(?:s|t)?\s+with|address(?:es|ed)?|involve[sd]?|target(?:s|ed)?|"
    r"encourage[sd]?|provid(?:es|ed)\s+that|call(?:s|ed)?\s+(?:on|upon)|sets?)"
)
_VERB_AFTER = re.compile(
    r"\s*(?:,\s*(?:signed|concluded|adopted|which|reached|agreed)\b[^,.;!?]{0,100},\s*|"
    rf",\s*(?:[\w’'-]+\s+){{1,7}}?{ASIDE_VERBS}\s*,\s*)?"
    r"(?:(?:also|further|explicitly|clearly|specifically|expressly|notably|will|would|shall|"
    r"in\s+particular,?)\s+)*"
    rf"(?P<verb>{_PROVISION_VERB})\b(?:\s+that\b)?\s+",
    re.IGNORECASE,
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|in|with|under|to|by|from|on|for|into|at|about|per|than|over|within|upon|behind|"
    r"regarding|concerning|signing|signed|sign|ratify|ratified|ratifying|adopted|adopting)"
    r"\s+(?:(?:the|this|that)\s+)?$",
    re.IGNORECASE,
)
_FRAMES = (
    r"(?:in\s+accordance\s+with|under|according\s+to|pursuant\s+to|as\s+per|in\s+line\s+with|"
    r"in\s+keeping\s+with|in\s+compliance\s+with|by\s+virtue\s+of|as\s+part\s+of|"
    r"(?:with)?in\s+the\s+framework\s+of|as\s+(?:provided|stipulated|envisaged|set\s+out|stated|noted|specified|"
    r"outlined|enshrined|laid\s+down|reflected|indicated|emphasi[sz]ed|written|agreed)\s+(?:for\s+)?(?:by|in))"
)
_OPENER = r"(?:^|[,;:\"“«(]|\bthat|\band|\bbut|\bwhile)\s*(?:[A-Z]?\w+,\s*)?"
# Frames that open a sentence may also be "in" ("In a joint statement adopted on Monday, …").
_FRAME_BEFORE = re.compile(
    rf"{_OPENER}(?P<frame>{_FRAMES}|in|within)\s+(?:the\s+(?:terms|provisions|text)\s+of\s+)?"
    r"(?:(?:the|a|an|this|that|its|their)\s+)?$",
    re.IGNORECASE,
)
# "…, under which X": the relative clause states a provision of the instrument before it.
_RELATIVE_FRAME = re.compile(
    r"(?:\s*,\s*(?:signed|concluded|adopted|agreed)\b[^,.;!?]{0,80})?"
    r"\s*,\s*(?:under|according\s+to|in|by|pursuant\s+to)\s+which\s+(?=\w)",
    re.IGNORECASE,
)
# A sentence may describe several provisions: ", while …", ", whereas …", "; …".
_SEGMENT_BREAK = re.compile(r",\s+(?:while|whereas)\s+|;\s+", re.IGNORECASE)
# A numbered part with no instrument named: "Its eighth article stipulates …", "The second
# article provides for …", "Under Article 4, …" — it belongs to the instrument last spoken of.
_PART_SUBJECT = re.compile(
    rf"(?:(?:the|its|their)\s+)?{_NUMBERED_PART}"
    r"(?:\s+of\s+(?:it|the\s+(?:document|text)))?(?=\s)",
    re.IGNORECASE,
)
_PART_FRAME = re.compile(
    rf"(?:under|according\s+to|in|pursuant\s+to|in\s+accordance\s+with)\s+"
    rf"(?:(?:the|its)\s+(?P<ow>{_ORD})\s+{_PARTS}|(?:(?:its|the)\s+)?{_PARTS}\s+(?P<num>{_NUM}))"
    rf"(?:\s+of\s+(?:it|{_PARTS}\s+{_NUM}|the\s+[\w\s-]{{1,80}}?))?\s*,\s*",
    re.IGNORECASE,
)
_WHICH = re.compile(r"\s*,\s*which\s+", re.IGNORECASE)
# "the treaty's Article 3 stipulates …", "the declaration's second paragraph …".
_POSSESSIVE_PART = re.compile(rf"[’']s\s+{_NUMBERED_PART}\b", re.IGNORECASE)
# An instrument followed by a participle of content ("a declaration proclaiming …").
_PARTICIPLE_AFTER = re.compile(
    r"\s*,?\s*(?:providing\s+for|proclaiming|stipulating|envisaging|setting\s+out|laying\s+down|calling\s+for|"
    r"committing|obliging|establishing|enshrining|affirming|reaffirming|guaranteeing|defining)\b",
    re.IGNORECASE,
)
_IT_SUBJECT = re.compile(r"\s*[Ii]t\b")
_SPEECH_VERB = re.compile(
    r"(?:says|said|state[sd]?|note[sd]?|stress|emphasi|underline|declare|confirm|support|condemn|recogni|"
    r"include|cover|limit|allow|grant|create|call)", re.IGNORECASE
)
# How many sentences back a numbered part or "its" may reach for its instrument.
_PART_REACH: Final = 3
_FRAME_FILLER = re.compile(
    r"(?:\s+(?:signed|concluded|reached|adopted|agreed|struck|dated|issued|released|published|approved|"
    r"of|on|between|in|from|with|by|last|this)"
    r"\b[^,.;:!?]{0,80})?\s*,\s*",
    re.IGNORECASE,
)
_TRAILING_FRAME = re.compile(rf",?\s*(?P<frame>{_FRAMES})\s+$", re.IGNORECASE)
_MODAL = re.compile(
    r"\b(?:will|shall|would|must|can|may|is\s+to|are\s+to|(?:is|are)\s+(?:obliged|required|entitled|"
    r"allowed|bound|expected)\s+to)\b",
    re.IGNORECASE,
)
# A leading connective or adverbial ("Thus,", "In addition,", "According to the minister,").
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:thus|moreover|furthermore|additionally|also|however|therefore|hence|besides|meanwhile|"
    r"consequently|finally|notably|importantly|specifically|in\s+\w+(?:\s+\w+)?|according\s+to[^,]{1,60}|"
    r"as\s+a\s+result|at\s+the\s+same\s+time|on\s+the\s+other\s+hand|first(?:ly)?|second(?:ly)?|"
    r"\w+ly)\s*,\s*)+",
    re.IGNORECASE,
)
_ATTRIBUTION_TAIL = re.compile(
    rf",\s+[^,]{{1,60}}?\s+{ATTRIBUTION_VERBS}\b[^,]*$",
    re.IGNORECASE,
)
_CLOSING = " \t\n.!?;:,\"“”«»'’‘"
_QUOTES = "\"“”«»"
# A sentence end inside a span the layout gave us (it may merge sentences around a quote).
_INNER_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bMrs)(?<!\bGen)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bArt)(?<!\bCol)(?<!\bLt)[.!?]\s+(?=[A-Z\"“«])")

_FALLBACK_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+[\"”’»]?|(?=\n)|$)")


@dataclass(slots=True)
class _Instrument:
    title: str
    kind: str
    start: int
    end: int
    clauses: list[Clause] = field(default_factory=list)
    mention_sentences: set[int] = field(default_factory=set)
    explicit_parties: set[str] = field(default_factory=set)


def find_declarations(text: str, sentences: Sequence[Span], speakers: Sequence[Speaker]) -> list[Declaration]:
    """Named instruments of ``text`` with their clauses and parties; [] on any failure."""
    try:
        if not isinstance(text, str) or not text.strip():
            return []
        return _find(text, _cover(text, sentences), list(speakers or []))
    except Exception:  # extraction of one stage must never sink the document
        log.exception("declaration extraction failed")
        return []


def _cover(text: str, sentences: Sequence[Span]) -> list[tuple[int, int]]:
    """Valid, sorted sentence bounds covering the text; gaps filled by a plain splitter."""
    given: list[tuple[int, int]] = []
    for s in sentences or []:
        start, end = (s.start, s.end) if hasattr(s, "start") else (int(s[0]), int(s[1]))  # type: ignore[index]
        if 0 <= start < end <= len(text) and (not given or start >= given[-1][1]):
            given.append((start, end))
    bounds: list[tuple[int, int]] = []
    pos = 0
    for start, end in given + [(len(text), len(text))]:
        for m in _FALLBACK_SENTENCE.finditer(text, pos, start):
            if m.group().strip():
                bounds.append((m.start(), m.end()))
        if start < end:
            bounds.append((start, end))
        pos = end
    return bounds


_Resolved = list[tuple[Mention, str]]  # mentions in text order with their instrument's key


def _find(text: str, bounds: list[tuple[int, int]], speakers: list[Speaker]) -> list[Declaration]:
    """The recipe: resolve every mention to its instrument, mask them all, read each
    sentence for parties and clauses, then decide status and parties per instrument."""
    named = find_named(text, bounds)
    if not named:
        return []
    instruments, resolved = _resolve(text, bounds, named)
    by_sentence = _by_sentence(bounds, resolved, instruments)
    masked = mask(text, [(m.start, m.end) for m, _ in resolved])
    for i, (s_start, s_end) in enumerate(bounds):
        for m, key in by_sentence.get(i, []):
            instruments[key].explicit_parties |= explicit_parties(
                text, masked, s_start, s_end, m.start, m.end, m.named
            )
    _read_clauses(text, bounds, instruments, resolved, by_sentence)
    return _declarations(text, bounds, speakers, instruments, resolved, masked)


def _resolve(
    text: str, bounds: list[tuple[int, int]], named: list[Mention]
) -> tuple[dict[str, _Instrument], _Resolved]:
    """Instruments by title key, and every mention resolved to one: named mentions, then
    references ("the treaty", "the document") and "It" subjects to their antecedents."""
    instruments: dict[str, _Instrument] = {}
    resolved: _Resolved = []
    for m in named:
        key = title_key(m.title or "")
        if key not in instruments:
            instruments[key] = _Instrument(m.title or "", m.kind or "declaration", m.start, m.end)
        resolved.append((m, key))
    unnamed = find_unnamed(text, named)
    for ref in find_references(text, named):
        key = _antecedent(ref, resolved, instruments, unnamed)
        if key is not None:
            resolved.append((ref, key))
    for ref in _it_subjects(text, bounds, resolved):
        key = _antecedent(ref, resolved, instruments, unnamed)
        if key is not None:
            resolved.append((ref, key))
    resolved.sort(key=lambda mk: mk[0].start)
    return instruments, resolved


def _by_sentence(bounds: list[tuple[int, int]], resolved: _Resolved,
                 instruments: dict[str, _Instrument]) -> dict[int, _Resolved]:
    """Mentions grouped by sentence index; each instrument learns where it is mentioned."""
    by_sentence: dict[int, _Resolved] = {}
    for m, key in resolved:
        i = sentence_index(bounds, m.start)
        if i >= 0:
            by_sentence.setdefault(i, []).append((m, key))
            instruments[key].mention_sentences.add(i)
    return by_sentence


def _read_clauses(text: str, bounds: list[tuple[int, int]], instruments: dict[str, _Instrument],
                  resolved: _Resolved, by_sentence: dict[int, _Resolved]) -> None:
    """Clauses of each sentence segment, for the instruments it mentions or, with none, for
    the instrument last spoken of; a stretch of text becomes one clause at most."""
    taken: list[tuple[int, int]] = []

    def add(key: str, clause: Clause | None) -> None:
        if clause and not _overlaps(clause, taken):
            instruments[key].clauses.append(clause)
            taken.append((clause.start_char, clause.end_char))

    for i, (s_start, s_end) in enumerate(bounds):
        here = by_sentence.get(i, [])
        for g_start, g_end in _segments(text, s_start, s_end):
            inside = [(m, key) for m, key in here if g_start <= m.start < g_end]
            found = False
            for m, key in inside:
                clause = _clause_for_mention(text, g_start, g_end, m)
                found = found or clause is not None
                add(key, clause)
            if not found:
                owner = _recent_owner(resolved, bounds, i, g_start)
                if owner is not None:
                    add(owner, _part_clause(text, g_start, g_end))


def _declarations(text: str, bounds: list[tuple[int, int]], speakers: list[Speaker],
                  instruments: dict[str, _Instrument], resolved: _Resolved, masked: str) -> list[Declaration]:
    """Each instrument with its status and parties: its own, those of leaders where it is
    signed, or else the sides of the talks."""
    spans = {key: [(m.start, m.end) for m, k in resolved if k == key] for key in instruments}
    statuses = {key: status_of(masked, bounds, spans[key], text) for key in instruments}
    # leaders at the talks sign what is signed there, not what the text only recalls
    parties = {
        key: inst.explicit_parties
        | (leader_parties(text, bounds, speakers, inst.mention_sentences, bool(inst.explicit_parties))
           if statuses[key] == "signed" else set())
        for key, inst in instruments.items()
    }
    sides = next(
        (parties[key] for key in instruments if statuses[key] == "signed" and len(parties[key]) >= 2), None
    ) or talks_sides(text, bounds)
    out = []
    for key, inst in instruments.items():
        own = parties[key]
        # without parties of its own in the text, a signed instrument (or one "the two
        # countries" are bound by) is the sides' — a leader met in passing does not narrow it
        if not inst.explicit_parties and sides and (
            statuses[key] == "signed"
            or any(speaks_of_sides(text, *bounds[i], spans[key]) for i in inst.mention_sentences)
        ):
            own = sides
        out.append(
            Declaration(
                title=inst.title,
                kind=inst.kind,
                start_char=inst.start,
                end_char=inst.end,
                parties=sorted(own),
                clauses=sorted(inst.clauses, key=lambda c: c.start_char),
                status=statuses[key],
            )
        )
    return out


def _it_subjects(text: str, bounds: list[tuple[int, int]], named: list[tuple[Mention, str]]) -> list[Mention]:
    """"It also envisages X" right after a sentence about an instrument: "It" refers back to it.

    Only with a verb of content that is not also one of speech ("It said …" is more often
    a ministry or a newspaper than a treaty)."""
    out = []
    starts = sorted(m.start for m, _ in named)
    for i, (s_start, s_end) in enumerate(bounds):
        it = _IT_SUBJECT.match(text, _after_lead(text, s_start, s_end), s_end)
        if not it or i == 0:
            continue
        verb = _VERB_AFTER.match(text, it.end(), s_end)
        if not verb or _SPEECH_VERB.match(verb.group("verb")):
            continue
        if any(bounds[i - 1][0] <= pos < s_end for pos in starts):
            out.append(Mention(it.start(), it.end(), None))
    return out


def _antecedent(
    ref: Mention, resolved: list[tuple[Mention, str]], instruments: dict[str, _Instrument], unnamed: list[Mention]
) -> str | None:
    """The instrument ``ref`` points back to: the n-th of its kind, or the most recent compatible
    one — unless an unnamed instrument of that kind came in between (``unnamed``)."""
    earlier = sorted((mk for mk in resolved if mk[0].start < ref.start), key=lambda mk: mk[0].start)
    if ref.ordinal is not None:
        order = list(dict.fromkeys(key for m, key in earlier if m.named and ref.accepts(instruments[key].kind)))
        return order[ref.ordinal - 1] if len(order) >= ref.ordinal else None
    if ref.cue:  # "the corridor agreement": the latest compatible one whose title says "corridor"
        for m, key in reversed(earlier):
            if ref.accepts(instruments[key].kind) and re.search(rf"\b{re.escape(ref.cue)}\b", key):
                return key
    for m, key in reversed(earlier):
        if ref.accepts(instruments[key].kind):
            if any(m.end <= other.start < ref.start and ref.accepts(other.kind) for other in unnamed):
                return None  # "reached an agreement on wages. Under the agreement, …": another one
            return key
    return None


def _recent_owner(resolved: list[tuple[Mention, str]], bounds: list[tuple[int, int]], i: int, pos: int) -> str | None:
    """The instrument last mentioned before ``pos``, within a few sentences (for "Article 4", "its")."""
    floor = bounds[max(0, i - _PART_REACH)][0]
    before = [(m, key) for m, key in resolved if floor <= m.start < pos]
    return before[-1][1] if before else None


def _segments(text: str, s_start: int, s_end: int) -> list[tuple[int, int]]:
    """The parts of a sentence that can each state a provision (split at ", while", "; ")."""
    out, pos = [], s_start
    for m in _SEGMENT_BREAK.finditer(text, s_start, s_end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, s_end))
    return out


def _after_lead(text: str, start: int, end: int) -> int:
    """``start`` moved past a leading connective or adverbial ("In addition, ")."""
    lead = _LEADING_ADVERBIAL.match(text[start:end])
    return start + lead.end() if lead else start


def _part_clause(text: str, g_start: int, g_end: int) -> Clause | None:
    """A numbered part without a named instrument: "Its eighth article stipulates X", "Under Article 4, X"."""
    pos = _after_lead(text, g_start, g_end)
    while pos < g_end and text[pos].isspace():
        pos += 1
    start = g_start
    while start < g_end and text[start].isspace():
        start += 1
    frame = _PART_FRAME.match(text, start, g_end) or _PART_FRAME.match(text, pos, g_end)
    if frame:
        return _make(text, frame.end(), g_end, _ordinal(frame))
    part = _PART_SUBJECT.match(text, pos, g_end)
    if part:
        verb = _VERB_AFTER.match(text, part.end(), g_end)
        if verb:
            return _make(text, verb.end(), g_end, _ordinal(part))
    return None


def _overlaps(clause: Clause, taken: list[tuple[int, int]]) -> bool:
    return any(a < clause.end_char and clause.start_char < b for a, b in taken)


def _clause_for_mention(text: str, s_start: int, s_end: int, m: Mention) -> Clause | None:
    """The clause a mention introduces, by the first construction that applies."""
    before = text[s_start : m.start]
    after_verb = _VERB_AFTER.match(text, m.end, s_end)
    part = _PART_BEFORE.search(before)
    if part and after_verb:
        return _make(text, after_verb.end(), s_end, _ordinal(part))
    if after_verb and not part and not _PREPOSITION_BEFORE.search(before):
        article = re.search(r"\b(?:the|this|that)\s+$", before, re.IGNORECASE) if m.named else None
        return _make(text, s_start + article.start() if article else m.start, s_end, None)
    possessive = _POSSESSIVE_PART.match(text, m.end, s_end)
    if possessive:
        verb = _VERB_AFTER.match(text, possessive.end(), s_end)
        return _make(text, verb.end(), s_end, _ordinal(possessive)) if verb else None
    relative = _RELATIVE_FRAME.match(text, m.end, s_end)
    if relative:
        return _make(text, relative.end(), s_end, None)
    which = _WHICH.match(text, m.end, s_end)
    if which and _VERB_AFTER.match(text, which.end() - 1, s_end):
        return _make(text, which.end(), s_end, None)  # "a joint statement, which calls for X"
    if _PARTICIPLE_AFTER.match(text, m.end, s_end):
        # "adopted a declaration proclaiming X": the instrument with what it states
        article = re.search(r"\b(?:the|a|an|this|that)\s+$", before, re.IGNORECASE)
        return _make(text, s_start + article.start() if article else m.start, s_end, None)
    frame = _FRAME_BEFORE.search(before)
    if frame:
        filler = _FRAME_FILLER.match(text, m.end, s_end)
        if filler:
            return _make(text, filler.end(), s_end, None)
    trailing = _TRAILING_FRAME.search(before)
    rest = text[m.end : s_end].strip()
    if trailing and (not rest or rest[0] in ".!?,;\"”»"):
        return _framed_before(text, s_start, s_start + trailing.start())
    return None


def _ordinal(part: re.Match[str]) -> int | None:
    if part.group("ow"):
        word = part.group("ow").lower()
        return _ORDINAL_WORDS.get(word) or int(re.sub(r"\D", "", word))
    num = part.group("num")
    if not num:
        return None
    if num.isdigit() or re.match(r"\d", num):
        return int(re.match(r"\d+", num).group())  # type: ignore[union-attr]
    if num.lower() in _CARDINAL_WORDS:
        return _CARDINAL_WORDS[num.lower()]
    return _ROMAN.get(num)  # roman numerals only in upper case


def _content_end(text: str, start: int, limit: int) -> int:
    """End of a clause: before a closing quote, a trailing attribution and final punctuation."""
    end = limit
    inner = _INNER_SENTENCE_END.search(text, start, end)
    if inner:
        end = inner.start()
    for q in _QUOTES:
        i = text.find(q, start, end)
        if i != -1:
            end = i
    tail = _ATTRIBUTION_TAIL.search(text, start, end)
    if tail:
        end = tail.start()
    while end > start and text[end - 1] in _CLOSING:
        end -= 1
    return end


# a provision states something: at least a subject and a verb ("Trade grows")
_MIN_CLAUSE_CHARS = 3
_MIN_CLAUSE_WORDS = 2


def _make(text: str, start: int, limit: int, ordinal: int | None) -> Clause | None:
    """A clause over ``[start, content end)``, or None when too short to be a provision."""
    while start < limit and text[start].isspace():
        start += 1
    end = _content_end(text, start, limit)
    if end - start < _MIN_CLAUSE_CHARS or len(text[start:end].split()) < _MIN_CLAUSE_WORDS:
        return None
    body = text[start:end]
    return Clause(text=body, start_char=start, end_char=end, ordinal=ordinal, principles=find_principles(body))


def _framed_before(text: str, s_start: int, frame_start: int) -> Clause | None:
    """"X will Y under the agreement": the clause X will Y, from its opener to the frame."""
    head = text[s_start:frame_start]
    opener = max((m.end() for m in re.finditer(r"\bthat\s+|[;:]\s+", head)), default=0)
    start = _after_lead(text, s_start + opener, frame_start)
    if not _MODAL.search(text, start, frame_start):
        return None
    return _make(text, start, frame_start, None)
