"""People named by an office: "Kazakh President X", "President of Kyrgyzstan X", "Kremlin
spokesman X", "his Hungarian counterpart X", "X, the Iraqi foreign minister,".

The small NER model misses or cuts such names (labels them ORG or GPE, keeps "Van der Berg" of
"Jan-Willem van der Berg", takes a demonym for a name); the title anchors them. A name is a run of
capitalised words with particles (de, van der, bin, al-), hyphens, diacritics and letters
such as ‘ ("G‘ulomov"); never a possessive, a demonym, a country or a title word.
"""

from __future__ import annotations

import re

from app.extract.geo import canonical_party, country_for_demonym, country_or_bloc
from app.extract.mentions import PARTICLES, PersonMention, gender_of_title
from app.extract.types import Span

_ROLE = (
    r"(?:(?:deputy|vice|acting|former|first|interim|chief|senior|crown)[- ])*"
    r"(?:prime minister|vice[- ]president|president|premier|chancellor|king|queen|prince|princess|emir|"
    r"sultan|emperor|sheikh|foreign minister|(?:defen[cs]e|finance|interior|economy|economic|energy|health|"
    r"justice|trade|labou?r|education|culture|transport|agriculture|foreign affairs|digital|industry|"
    r"environment|climate|tourism|investment|development)\s+minister|minister|secretary[- ]general|"
    r"secretary of state|foreign secretary|press secretary|secretary|spokes(?:man|woman|person)|ambassador|"
    r"envoy|commissioner|high representative|foreign policy chief|top diplomat|governor|mayor|senator|chairman|chairwoman|chairperson|"
    r"speaker|ombudsman|prosecutor[- ]general|director[- ]general|counterpart)"
)
_ANCHOR = re.compile(
    rf"(?<![\w'’-])(?:(?P<poss>[A-Z][\w.]*)['’]s[ \t]+|(?P<dem>[A-Z][\w-]+)[ \t]+)?(?<![\w'’-])(?P<title>(?i:{_ROLE}))\b"
    r"(?:\s+(?P<prep>of|for)\s+(?:the\s+)?|,?\s+)(?=[^\W\d_])"
)
_APPOSITION = re.compile(
    rf",\s+(?:the\s+)?(?:(?P<poss>[A-Z][\w.]*)['’]s\s+|(?P<dem>[A-Z][\w-]+)\s+)?"
    rf"(?P<title>(?:[A-Z][a-z]+\s+)?(?i:{_ROLE}))\b"  # "Cabinet Secretary", "Foreign Minister"
    r"(?P<field>\s+for\s+[A-Z][\w-]*(?:\s+(?:and\s+)?[A-Z][\w-]*){0,3})?"
    r"(?:\s+of\s+(?:the\s+)?(?P<of>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2}))?"
)
_HONORIFICS = frozenset({"prince", "princess", "sheikh", "sheikha", "king", "queen", "emir", "sultan",
                         "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "sir", "dame", "lord", "lady",
                         "madam", "professor", "prof.", "general", "gen."})
_HONORIFIC_STEMS = frozenset(h.rstrip(".") for h in _HONORIFICS)
_FEMALE_HONORIFICS = frozenset({"princess", "sheikha", "queen", "mrs", "mrs.", "ms", "ms.", "dame", "lady", "madam"})
_MALE_HONORIFICS = frozenset({"prince", "sheikh", "king", "emir", "sultan", "mr", "mr.", "sir", "lord"})
_WORD = re.compile(r"[^\W\d_][\w’‘'`\-.]*")
_CONNECTORS = frozenset({"of", "the", "for", "and"})  # join an office's complement, never a name
_ELISION = re.compile(r"^[dl]['’][^\W\d_]")  # "d'Ivoire" in a country's name
# words that are capitalised but never part of a person's name
_NOT_NAME = frozenset(
    """the a an and or of for in on at to with by from on monday tuesday wednesday thursday friday
    saturday sunday said says told on after before during while when as his her their its who which
    president minister prime foreign i we it this that these those there here but also""".split()
)


# last words of organisation names: "EB-5 Investment Coalition" after "spokeswoman for" is no person
_ORG_TAILS = frozenset(
    """coalition institute council union party group association foundation company corporation agency
    ministry department office commission committee service center centre bank fund organization
    organisation alliance network league federation authority board bureau university school
    campaign movement front forum court parliament assembly government administration""".split()
)


def _name_words(text: str, pos: int, limit: int, countries: bool = False) -> list[tuple[int, int]]:
    """Capitalised words (with particles between them) from ``pos``: a name's candidate run.

    ``countries`` lets country names into the run (an office's complement: "of Kyrgyzstan").
    """
    words: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []
    i = pos
    while i < limit and len(words) + len(pending) < (11 if countries else 7):
        m = _WORD.match(text, i)
        if m is None:
            break
        w = m.group(0).rstrip(".")
        if w.endswith(("’s", "'s")) or w.endswith(("’", "'")) and len(w) > 2:
            w = w[:-2] if w.endswith(("’s", "'s")) else w[:-1]
            if w[:1].isupper() and w.lower() not in _NOT_NAME:
                words += pending + [(m.start(), m.start() + len(w))]
            break  # a possessive ends the name
        low = w.lower()
        if low in PARTICLES or re.match(r"^(?:al|el|ad|as|ash|ar|an)-", low) and not w[:1].isupper():
            if low in PARTICLES:
                pending.append((m.start(), m.start() + len(w)))
            else:
                words += pending + [(m.start(), m.start() + len(w))]
                pending = []
        elif countries and low in ("of", "the", "for", "and") and words and not (
                low == "and" and any(country_or_bloc(text[a:b]) for a, b in words)):
            # "Minister of Trade and Industry X"; after a country "and" starts another person
            pending.append((m.start(), m.start() + len(w)))
        elif countries and words and _ELISION.match(w):
            words += pending + [(m.start(), m.start() + len(w))]  # "Côte d'Ivoire"
            pending = []
        elif countries and w[:1].isupper() and low not in ("and", "the") and not (
                country_for_demonym(w) and not canonical_party(w)):
            words += pending + [(m.start(), m.start() + len(w))]
            pending = []
        elif w[:1].isupper() and low not in _NOT_NAME and not country_or_bloc(w):
            words += pending + [(m.start(), m.start() + len(w))]
            pending = []
        else:
            break
        j = m.start() + len(w)
        if j < len(text) and text[j] == ".":
            if len(w) > 1 and low not in _HONORIFIC_STEMS:
                break  # a sentence ends; initials ("John F. Kennedy") and "Dr." keep going
            j += 1
        gap = re.match(r"[ \t]+", text[j:j + 3])
        if gap is None:
            break
        i = j + gap.end()
    return words


def _is_honorific(text: str, word: tuple[int, int]) -> bool:
    return text[word[0]:word[1]].lower().rstrip(".") in _HONORIFIC_STEMS


def _strip_honorifics(text: str, words: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], str | None]:
    gender = None
    while len(words) > 1 and text[words[0][0]:words[0][1]].lower() in _HONORIFICS:
        low = text[words[0][0]:words[0][1]].lower()
        gender = gender or ("f" if low in _FEMALE_HONORIFICS else "m" if low in _MALE_HONORIFICS else None)
        words = words[1:]
    return words, gender


def anchored_people(text: str, person_starts: list[int]) -> list[PersonMention]:
    """Person mentions anchored by a preceding office title (``person_starts``: NER name starts)."""
    found: list[PersonMention] = []
    consumed = 0
    for m in _ANCHOR.finditer(text):
        if m.start() < consumed:
            continue  # "Foreign Minister Prince X": one office, one name
        title = re.sub(r"\s+", " ", m.group("title"))
        words = _name_words(text, m.end(), min(len(text), m.end() + 120), countries=m.group("prep") is not None)
        if not words:
            continue
        if "," in text[m.end("title"):m.end()] and words[0][0] not in person_starts:
            continue  # "the minister, Moscow has ...": after a comma only a name NER also sees
        country = country_or_bloc(m.group("dem")) or country_or_bloc(m.group("poss"))
        if m.group("dem") and country is None and (m.group("dem").lower() not in _NOT_NAME or re.fullmatch(
                _ROLE, f"{m.group('dem')} {title}", re.I)):
            title = f"{m.group('dem')} {title}"  # "Kremlin spokesman", "Foreign Minister (of Peru)"
        if m.group("prep"):
            # "President of Kyrgyzstan X", "Commissioner for Enlargement X": the office's
            # complement runs on until the name; a country closes it, else NER's name start
            split = None
            for k in range(1, len(words)):
                if any(country_or_bloc(text[words[j][0]:words[k - 1][1]]) for j in range(max(0, k - 3), k)):
                    split = k
            if split is None:
                split = next((k for k in range(1, len(words)) if words[k][0] in person_starts), None)
            if split is None:
                # no country, no model name: an honorific opens the name ("... Affairs Dr. X")
                split = next((k for k in range(len(words) - 2, 0, -1) if _is_honorific(text, words[k])), None)
            if split is None:
                # else a name is two words with their particles ("Salem bin Nasser Al-Harthy")
                full = [k for k, (a, b) in enumerate(words) if text[a:b].lower() not in PARTICLES]
                split = full[-2] if len(full) >= 3 else None
                while split is not None and split >= 2 and text[words[split - 1][0]:words[split - 1][1]].lower() in (
                        "bin", "ibn", "bint", "ben"):
                    split -= 2
                split = split if split is None or split > 0 else None
            if split is None:
                continue
            while split > 1 and _is_honorific(text, words[split - 1]):
                split -= 1  # "... for Foreign Affairs Dr. X": the honorific belongs to the name
            # the complement's country closes it ("of Foreign Affairs of Hungary"): the rest is the office
            j = next((j for j in range(split) if country_or_bloc(text[words[j][0]:words[split - 1][1]])), split)
            if j < split:
                country = country or country_or_bloc(text[words[j][0]:words[split - 1][1]])
            office = re.sub(r"(?:\s+(?:of|the))+$", "", text[words[0][0]:words[j - 1][1]]) if j > 0 else ""
            if office:
                title = f"{title} {m.group('prep')} {office}"
            words = words[split:]
            cut = next((k for k, (a, b) in enumerate(words) if text[a:b].lower() in _CONNECTORS), len(words))
            words = words[:cut]  # "President of Peru X and Y": the name ends at "and"
        words, gender = _strip_honorifics(text, words)
        if not words:
            continue
        name_span = Span(words[0][0], words[-1][1])
        name = text[name_span.start:name_span.end]
        if len(name) < 2 or country_or_bloc(name) or name.lower() in _NOT_NAME or name.split()[-1].lower() in _ORG_TAILS:
            continue
        consumed = name_span.end
        surface_start = m.start()
        found.append(PersonMention(Span(surface_start, name_span.end), name_span, name, _title_case(title),
                                   country, gender or gender_of_title(title)))
    return found


def _title_case(title: str) -> str:
    """"foreign minister" -> "Foreign Minister"; "Kremlin spokesman" keeps its capitals."""
    return " ".join(w if w[:1].isupper() or w in ("of", "for", "the", "and") else w.capitalize() for w in title.split())


def apposition(text: str, name_end: int) -> tuple[str | None, str | None]:
    """(title, country) of "X, the Iraqi foreign minister," right after a name ending at ``name_end``."""
    if not text.startswith(",", name_end):
        return None, None
    m = _APPOSITION.match(text, name_end, min(len(text), name_end + 120))
    if m is None:
        return None, None
    country = country_or_bloc(m.group("dem")) or country_or_bloc(m.group("poss")) or country_or_bloc(m.group("of"))
    if m.group("dem") and country is None:
        return None, None
    title = m.group("title") + (m.group("field") or "")
    return _title_case(re.sub(r"\s+", " ", title)), country


def inherit_counterpart_titles(text: str, mentions: list[PersonMention]) -> None:
    """"X met his Jordanian counterpart Y": Y holds X's office in Jordan.

    The other party is the nearest earlier titled person in the same stretch of text.
    """
    ordered = sorted(mentions, key=lambda m: m.surface.start)
    for i, m in enumerate(ordered):
        if not m.title or not m.title.lower().endswith("counterpart"):
            continue
        m.title = None
        for prev in reversed(ordered[:i]):
            if m.surface.start - prev.surface.end > 300 or "\n" in text[prev.surface.end:m.surface.start]:
                break
            if prev.title and not prev.title.lower().endswith("counterpart"):
                m.title = prev.title
                break
