"""Role classes of office titles and of the descriptions that stand for their holders.

Press texts name a person once ("Kazakh Foreign Minister X") and then describe them ("the
Kazakh minister", "the head of Kazakh diplomacy", "the country's top diplomat"). Both sides
map to role classes — head of state, head of government, foreign minister, minister,
spokesperson, … — so a description finds the person whose title is of the same class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.extract.geo import country_or_bloc

HEAD_OF_STATE = "head_of_state"
HEAD_OF_GOVERNMENT = "head_of_government"
FOREIGN_MINISTER = "foreign_minister"
MINISTER = "minister"
SPOKESPERSON = "spokesperson"
LEADER = "leader"  # a description class: head of state or of government

# title (lower case) -> role classes, first match wins
_TITLE_CLASSES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"\bvice[- ]president|\bdeputy\b|\bvice\b"), frozenset()),
    (re.compile(r"foreign minister|foreign affairs|foreign secretary|secretary of state|diplomat|diplomacy|"
                r"foreign policy chief|high representative"),
     frozenset({FOREIGN_MINISTER, MINISTER})),
    (re.compile(r"prime minister|premier|chancellor|head of (?:the )?government"),
     frozenset({HEAD_OF_GOVERNMENT, LEADER})),
    (re.compile(r"minister"), frozenset({MINISTER})),
    (re.compile(r"president(?!ial)|\bking\b|\bqueen\b|\bemir\b|\bamir\b|sultan|emperor|head of state|monarch"),
     frozenset({HEAD_OF_STATE, LEADER})),
    (re.compile(r"spokes(?:man|woman|person)|press secretary"), frozenset({SPOKESPERSON})),
)

# the part of a description after the article and its country word
_DESCRIPTION_NOUN = re.compile(
    r"(?P<noun>head of (?:the )?(?:(?P<dem2>[A-Z][\w-]+)\s+)?(?P<of>state|government|diplomacy)"
    r"|head of state|head of government|top diplomat|chief diplomat|foreign minister|"
    r"minister of foreign affairs|foreign affairs minister|foreign secretary|secretary of state|"
    r"prime minister|premier|chancellor|president|leader|king|queen|emir|sultan|"
    r"spokes(?:man|woman|person)|press secretary|[a-z][a-z-]+)$",
    re.I,
)
_DESCRIPTION = re.compile(
    r"^(?:[Tt]he|THE|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)\s+(?:(?P<poss>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?|country|nation)['’]s\s+)?"
    r"(?:(?P<dem>[A-Z][\w-]+)\s+)?(?P<republican>republican\s+)?"
    r"(?:(?:former|new|outgoing|incoming|top|chief|senior|visiting|then)\s+)?(?P<rest>.+)$"
)
# nouns of people in office (beyond the classes above) that a description may use
_OFFICE_NOUNS = frozenset(
    """minister commissioner ambassador envoy governor mayor senator secretary chairman chairwoman
    chair director official diplomat representative speaker ombudsman prosecutor judge
    general commander congressman congresswoman candidate nominee emissary negotiator
    secretary-general""".split()
)
_COUNTRY_WORDS = frozenset({"country", "nation", "kingdom", "republic", "state"})


@dataclass(frozen=True, slots=True)
class Description:
    """What a description says of its referent: role class, country, gender."""

    role: str
    noun: str
    country: str | None = None
    gender: str | None = None
    unknown_country: bool = False  # a capitalised modifier that is no country ("the Republican leader")
    republican: bool = False


def title_classes(title: str | None) -> frozenset[str]:
    """Role classes of an office title; the title's last word when no class fits."""
    if not title:
        return frozenset()
    low = title.lower()
    for pattern, classes in _TITLE_CLASSES:
        if pattern.search(low):
            return classes
    return frozenset({low.split()[-1]})


def parse_description(surface: str) -> Description | None:
    """The role a description ("the Kazakh minister", "the EU's top diplomat") refers to."""
    m = _DESCRIPTION.match(surface.strip())
    if m is None:
        return None
    rest = m.group("rest").strip()
    noun_m = _DESCRIPTION_NOUN.match(rest)
    if noun_m is None:
        return None
    noun = noun_m.group("noun").lower()
    word_country = m.group("dem")
    country = country_or_bloc(word_country) or country_or_bloc(m.group("poss"))
    unknown = word_country is not None and country_or_bloc(word_country) is None
    if noun_m.group("of"):
        of = noun_m.group("of").lower()
        role = {"state": HEAD_OF_STATE, "government": HEAD_OF_GOVERNMENT, "diplomacy": FOREIGN_MINISTER}[of]
        country = country or country_or_bloc(noun_m.group("dem2"))
    elif noun in ("head of state",):
        role = HEAD_OF_STATE
    elif noun in ("head of government", "prime minister", "premier", "chancellor"):
        role = HEAD_OF_GOVERNMENT
    elif noun in ("top diplomat", "chief diplomat", "foreign minister", "minister of foreign affairs",
                  "foreign affairs minister", "foreign secretary", "secretary of state") or (
            noun == "diplomat" and re.search(r"\b(?:top|chief)\s+diplomat", rest + surface, re.I)):
        role = FOREIGN_MINISTER
    elif noun in ("president", "king", "queen", "emir", "sultan"):
        role = HEAD_OF_STATE
    elif noun == "leader":
        role = LEADER
    elif noun.startswith("spokes") or noun == "press secretary":
        role = SPOKESPERSON
    elif noun == "counterpart":
        role = "counterpart"
    elif noun in _OFFICE_NOUNS:
        role = noun
    else:
        return None
    gender = "f" if noun in ("spokeswoman", "queen", "chairwoman", "congresswoman") else (
        "m" if noun in ("spokesman", "king", "chairman", "congressman") else None)
    if surface.lower().startswith("his "):
        gender = None
    return Description(role, noun, country, gender, unknown, m.group("republican") is not None)


def fits(desc: Description, title: str | None) -> bool:
    """Whether a person with ``title`` can be what ``desc`` describes."""
    classes = title_classes(title)
    if desc.role == LEADER:
        return LEADER in classes
    if desc.role == MINISTER:
        return MINISTER in classes
    if desc.role in (HEAD_OF_STATE, HEAD_OF_GOVERNMENT, FOREIGN_MINISTER, SPOKESPERSON):
        return desc.role in classes
    return desc.role in classes or desc.role in (title or "").lower()
