"""Transcript turns: "Name: text" paragraphs of a published press statement or interview.

Presidential and ministerial websites print what each speaker said as a paragraph opening
with their name and a colon. The turn runs on over following unlabelled paragraphs that
still read as speech (first or second person) until the next label; a question turn
("Question:", "Question (TASS):", "Journalist:") is no statement. Names said to someone
inside a turn ("Dear Ruslan Timurovich", "Thank you, Oksana Petrovna.") are forms of
address, never speakers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.extract.geo import canonical_country, country_for_demonym
from app.extract.mentions import PARTICLES
from app.extract.types import Span

# "Vladimir Putin:", "President Aliyev:", "Question (Interfax):", "Jan-Willem van der Berg:"
_LABEL = re.compile(
    r"(?P<label>[^\W\d_][\w.'’‘\-]*(?:\s+[\w.'’‘\-]+){0,5}?)(?:\s*\((?P<note>[^()\n]{1,60})\))?\s*:\s+(?=\S)"
)
# turns of whoever asks: never a statement, but they end the previous turn
_ASKER = re.compile(
    r"^(?:Question|Questions|Q|Journalist|Reporter|Correspondent|Interviewer|Moderator|Host|Presenter|"
    r"Anchor|Audience|Participant|Remark|Comment|Voice|Voices)$",
    re.I,
)
# paragraph labels that head a section rather than a speaker
_HEADING_WORDS = frozenset(
    """note notes update updated source sources photo photos video read more related background
    see also editor editors transcript excerpts excerpt summary topics tags keywords contact
    contacts press release statement statements agenda subject re attachment attachments
    download print share date time place venue location links""".split()
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|me|my|mine|we|we're|we’re|us|our|ours|you|your)\b", re.I)
_QUOTED = re.compile(r"[“\"«][^”\"»]*[”\"»]")
# a name as a form of address: "Dear X", "Thank you, X", "X, ..." opening, "..., X." closing
_ADDRESS_BEFORE = re.compile(
    r"(?:\b(?:[Dd]ear(?:est)?|[Rr]espected|[Dd]istinguished|[Ee]steemed|[Tt]hank you|[Tt]hanks|[Hh]ello|"
    r"[Gg]ood (?:morning|afternoon|evening)|[Ww]elcome)\s*,?\s*(?:[Mm]r\.?|[Mm]rs\.?|[Mm]s\.?|[Mm]adam|[Ss]ir)?\s*$)"
)
# East Slavic patronymics: "Vladimir Vladimirovich", "Valentina Ivanovna"
_PATRONYMIC = re.compile(r"^[A-Z]\w+\s+[A-Z]\w*(?:ovich|evich|ich|ovna|evna|ichna|inichna|ogly|kyzy|uly|qizi)$")


@dataclass(slots=True)
class Turn:
    """One speaker's turn: the label's name and the paragraphs of speech."""

    label: Span  # the name as written in the label (title words kept)
    parts: list[Span] = field(default_factory=list)


_LABEL_STOP = frozenset({"the", "a", "an", "on", "in", "of", "and", "or", "for", "to", "with", "at", "by",
                         "is", "are", "was", "goes", "how", "why", "what", "who", "when", "where", "our", "your"})


def _is_name_label(label: str) -> bool:
    """Whether a label reads as a person's name, possibly with a title ("President Aliyev")."""
    words = label.split()
    if not words or len(words) > 6 or any(w.lower() in _LABEL_STOP for w in words):
        return False
    if sum(1 for w in words if w.lower() not in PARTICLES) > 4:
        return False
    if any(w.lower().strip(".") in _HEADING_WORDS for w in words):
        return False
    if canonical_country(label) or country_for_demonym(label):
        return False
    for w in words:
        bare = w.lower().split("-")[0]
        if w[:1].isupper() or bare in PARTICLES or w.lower().startswith(("al-", "el-", "ad-", "as-", "ash-")):
            continue
        return False
    return words[-1][:1].isupper()


def _label(text: str, para: Span) -> tuple[str, Span, Span] | None:
    """("speaker" | "asker", label span, body span) when the paragraph opens with a label."""
    m = _LABEL.match(text, para.start, para.end)
    if m is None or m.end() >= para.end:
        return None
    label = m.group("label").strip()
    body = Span(m.end(), para.end)
    span = Span(m.start("label"), m.start("label") + len(label))
    if _ASKER.match(label.split()[0] if label.split() else label):
        return "asker", span, body
    if _is_name_label(label):
        return "speaker", span, body
    return None


def _named_elsewhere(text: str, label: Span, labels: list[Span]) -> bool:
    """Whether the label's last word (the surname) also occurs outside the speaker labels."""
    surname = text[label.start:label.end].split()[-1]
    for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
        if not any(lab.start <= m.start() < lab.end for lab in labels):
            return True
    return False


def _speechlike(text: str, para: Span) -> bool:
    """An unlabelled paragraph continues a turn when it speaks in the first or second person."""
    body = _QUOTED.sub(" ", text[para.start:para.end])
    return _FIRST_PERSON.search(body) is not None


def find_turns(text: str, paragraphs: list[Span]) -> list[Turn]:
    """Speaker turns of a transcript; a single label in a whole text is not a transcript."""
    labelled = [(i, _label(text, p)) for i, p in enumerate(paragraphs)]
    labels = [lab[1] for _, lab in labelled if lab is not None and lab[0] == "speaker"]
    # a speaker label names someone the text also names elsewhere (the full name in the lead)
    for i, lab in enumerate(labelled):
        if lab[1] is not None and lab[1][0] == "speaker" and not _named_elsewhere(text, lab[1][1], labels):
            labelled[i] = (lab[0], None)
    if sum(1 for _, lab in labelled if lab is not None and lab[0] == "speaker") < 2:
        return []
    turns: list[Turn] = []
    current: Turn | None = None
    for i, lab in labelled:
        if lab is not None:
            kind, label, body = lab
            current = None
            if kind == "speaker":
                current = Turn(label, [body])
                turns.append(current)
        elif current is not None and _speechlike(text, paragraphs[i]):
            current.parts.append(paragraphs[i])
        else:
            current = None
    return turns


def is_address(text: str, name: Span, turn_bodies: list[Span]) -> bool:
    """Whether a person's name inside a turn or quote is said *to* them (a form of address)."""
    surface = text[name.start:name.end]
    if _PATRONYMIC.match(surface):
        return True
    before = text[max(0, name.start - 40):name.start]
    if _ADDRESS_BEFORE.search(before):
        return True
    inside = any(b.start <= name.start and name.end <= b.end for b in turn_bodies)
    if not inside:
        return False
    after = text[name.end:name.end + 2]
    opens = re.search(r"(?:^|[.!?:]\s*|^\s*)$", before) is not None and after.startswith(",")
    closes = before.rstrip().endswith(",") and after[:1] in (".", "!", "?", ",")
    return opens or closes
