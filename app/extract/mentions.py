"""Mentions of people and organisations, their titles and countries, merged into speakers.

Names come from spaCy's NER; the words before a name ("Azerbaijani President",
"Secretary of State", "Mr.") give title, nationality and sometimes gender. Variants of
a name within one document ("Aliyev", "President Aliyev") are merged into the fullest form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.extract.geo import canonical_country, country_for_demonym
from app.extract.types import Span, Speaker

TITLE_WORDS = (
    r"(?:Deputy |Vice |Acting |Former |former |First |Interim |Chief |Senior |Supreme |General |Executive )*"
    r"(?:Prime Minister|President|Vice President|Chancellor|King|Queen|Prince|Princess|Emperor|Pope|"
    r"(?:Foreign|Defen[cs]e|Finance|Interior|Economy|Energy|Health|Justice|Trade|Labou?r|Education|Culture|Transport|Agriculture)\s+Minister|"
    r"Minister(?: of [A-Z][a-z]+(?: and [A-Z][a-z]+)?| for [A-Z][a-z]+(?: [A-Z][a-z]+)?)?|"
    r"Secretary of State|Secretary[- ]General|(?:[A-Z][a-z]+ )?Secretary|Ambassador|Governor|Gov\.|Senator|Sen\.|"
    r"Representative|Rep\.|Congressman|Congresswoman|Speaker|Mayor|Premier|Sheikh|Emir|Sultan|"
    r"Chairman|Chairwoman|Chair|Director|Commissioner|Spokesman|Spokeswoman|Spokesperson|"
    r"Attorney General|Judge|Justice|Chief Justice|Leader|Majority Leader|Minority Leader|"
    r"General|Gen\.|Admiral|Adm\.|Colonel|Col\.|Lieutenant|Lt\.|Sergeant|Sgt\.|Captain|Capt\.|"
    r"Patriarch|Archbishop|Bishop|Cardinal|Rabbi|Imam|Dr\.|Doctor|Professor|Prof\.|CEO|"
    r"Ayatollah|Crown Prince|Grand Duke|Duke|Duchess|Lord|Lady|Sir|Dame)"
)
HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mister|Madam)\.?\s+$")
_TITLE_BEFORE = re.compile(
    rf"(?:(?P<demonym>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+)?(?P<title>{TITLE_WORDS})\s+$"
)
_TITLE_INSIDE = re.compile(rf"^(?P<title>{TITLE_WORDS})\s+(?=[A-Z])")
_FEMALE_TITLES = frozenset({"queen", "princess", "duchess", "lady", "dame", "chairwoman",
                            "spokeswoman", "congresswoman"})
_MALE_TITLES = frozenset({"king", "prince", "duke", "lord", "sir", "chairman", "spokesman",
                          "congressman", "pope", "emperor", "sultan", "emir", "sheikh"})
HEAD_OF_STATE_TITLES = frozenset({"president", "king", "queen", "emir", "sultan", "emperor"})
LEADER_TITLES = frozenset({"president", "prime minister", "chancellor", "king", "queen", "premier",
                           "emir", "sultan", "leader", "emperor", "sheikh"})


# how far left of a name its title and nationality may reach ("Azerbaijani Deputy Foreign
# Minister …")
_TITLE_REACH = 60
# longer "names" are NER runs over a phrase ("Ilham Aliyev and Vladimir Putin Said …")
_MAX_NAME_WORDS = 5
# shorter first names differ by one letter too often to be one name ("Ana"/"Ina")
_MIN_SPELLING_LEN = 4


@dataclass(slots=True)
class PersonMention:
    """One naming of a person: the full surface (with title) and the bare name."""

    surface: Span
    name_span: Span
    name: str
    title: str | None = None
    country: str | None = None
    gender: str | None = None


def slugify(name: str) -> str:
    """Lowercase ASCII, hyphenated: "Ilham Əliyev" -> "ilham-liyev" at worst, never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "speaker"


def clean_name(raw: str) -> str:
    """Strip possessives, stray punctuation and a leading title from an NER name."""
    name = re.sub(r"(?:['’]s|['’])$", "", raw.strip())
    name = name.strip(" ,.;:\"“”‘’()-")
    m = _TITLE_INSIDE.match(name)
    if m:
        name = name[m.end():]
    name = re.sub(r"^(?:Mr|Mrs|Ms|Dr|Miss)\.?\s+", "", name)
    name = re.sub(r"^.*['’]s\s+(?=[^\W\d_])", "", name)  # "Sky's Kay Burley": the outlet is no part of the name
    words = name.split()
    while len(words) > 1 and (country_for_demonym(words[0]) or canonical_country(words[0])):
        words = words[1:]  # "Azerbaijan Sergei Lavrov", "Kazakh Yerlan Karin"
    return re.sub(r"\s+", " ", " ".join(words))


def person_from_entity(text: str, start: int, end: int) -> PersonMention | None:
    """A person mention from an NER PERSON span, widened leftwards over its title."""
    raw = text[start:end]
    name = clean_name(raw)
    if not name or not any(c.isupper() for c in name[:1]) or len(name) < 2:
        return None
    if any(ch in name for ch in "@#/\n") or len(name.split()) > _MAX_NAME_WORDS:
        return None
    if country_for_demonym(name) or canonical_country(name):
        return None  # "Moldovan", "Georgia": a fragment, never a speaker's name
    offset = raw.find(name)
    name_span = Span(start + max(offset, 0), start + max(offset, 0) + len(name))
    title = country = gender = None
    surface_start = start
    inside = _TITLE_INSIDE.match(raw)
    if inside:
        title = _norm_title(inside.group("title"))
    left = text[max(0, start - _TITLE_REACH):start]
    hon = HONORIFIC.search(left)
    if hon:
        gender = "m" if hon.group(1).lower() in ("mr", "mister") else "f"
        surface_start = start - (len(left) - hon.start())
    else:
        m = _TITLE_BEFORE.search(left)
        if m:
            title = title or _norm_title(m.group("title"))
            surface_start = start - (len(left) - m.start("title"))
            demonym = m.group("demonym")
            if demonym:
                found = country_for_demonym(demonym) or canonical_country(demonym)
                if found:
                    country = found
                    surface_start = start - (len(left) - m.start("demonym"))
    gender = gender or gender_of_title(title)
    return PersonMention(Span(surface_start, end), name_span, name, title, country, gender)


def gender_of_title(title: str | None) -> str | None:
    """"Queen" and "spokeswoman" tell a gender; most titles do not."""
    words = (title or "").lower().split()
    last = words[-1] if words else ""
    if last in _FEMALE_TITLES:
        return "f"
    if last in _MALE_TITLES:
        return "m"
    return None


def _norm_title(title: str) -> str:
    title = re.sub(r"^(?:former|Former)\s+", "", title.strip())
    expansions = {"Gov.": "Governor", "Sen.": "Senator", "Rep.": "Representative",
                  "Gen.": "General", "Adm.": "Admiral", "Col.": "Colonel", "Lt.": "Lieutenant",
                  "Sgt.": "Sergeant", "Capt.": "Captain", "Dr.": "Doctor", "Prof.": "Professor"}
    return expansions.get(title, title)


def merge_people(mentions: list[PersonMention], text: str) -> tuple[list[Speaker], dict[int, str]]:
    """Speakers from person mentions, variants merged; also mention index -> slug."""
    order = sorted(range(len(mentions)), key=lambda i: (-len(mentions[i].name.split()), mentions[i].surface.start))
    speakers: list[Speaker] = []
    by_slug: dict[str, Speaker] = {}
    assignment: dict[int, str] = {}
    for i in order:
        m = mentions[i]
        target = _find_match(m.name, speakers)
        if target is None:
            slug = slugify(m.name)
            base, n = slug, 2
            while slug in by_slug:
                slug, n = f"{base}-{n}", n + 1
            target = Speaker(slug=slug, name=m.name)
            speakers.append(target)
            by_slug[slug] = target
        assignment[i] = target.slug
    # titles, countries, genders and aliases in text order
    for i in sorted(assignment, key=lambda k: mentions[k].surface.start):
        m = mentions[i]
        sp = by_slug[assignment[i]]
        sp.title = sp.title or m.title
        sp.country = sp.country or m.country
        sp.gender = sp.gender or m.gender  # type: ignore[assignment]
        sp.mentions.append(m.surface)
        for alias in (text[m.surface.start:m.surface.end], m.name):
            alias = clean_alias(alias)
            if alias and alias not in sp.aliases:
                sp.aliases.append(alias)
    return speakers, assignment


def clean_alias(alias: str) -> str:
    alias = re.sub(r"\s+", " ", alias).strip(" ,.;:\"“”‘’")
    return re.sub(r"(?:['’]s)$", "", alias)


_NASAB = frozenset({"bin", "ibn", "bint", "ben"})  # Arabic names: the bearer is called by the first name
# small words inside names: "van der Berg", "bin Ali", "de la Cruz"
PARTICLES = frozenset({"de", "del", "della", "der", "den", "van", "von", "da", "das", "do", "dos", "du", "la", "le",
                       "di", "bin", "ibn", "bint", "ben", "al", "el", "ul", "ter", "ten", "zu", "y"})


def name_variants(name: str) -> set[str]:
    """Shorter forms of a full name that still point to its bearer in one document.

    The surname ("Berg"), the surname with its particle in either case ("van der Berg",
    "Van der Berg"), and the first name of an Arabic name with a nasab ("Salem" of
    "Salem bin Nasser Al Harthy"). Hyphenated al- surnames also capitalised ("Al-Harthy").
    """
    tokens = name.split()
    variants = {name}
    if len(tokens) < 2:
        return variants
    last = tokens[-1]
    if len(last) > 2 and last[0].isupper():
        variants.add(last)
    if last.lower().startswith(("al-", "el-")):
        variants |= {last[0].upper() + last[1:], last[0].lower() + last[1:]}
    k = len(tokens) - 1
    while k > 1 and tokens[k - 1].lower() in PARTICLES:
        k -= 1
    if k < len(tokens) - 1:
        tail = " ".join(tokens[k:])
        variants |= {tail, tail[0].upper() + tail[1:]}
    if _NASAB & {t.lower() for t in tokens[1:]}:
        variants.add(tokens[0])
    return variants


def _spelling_variant(a: str, b: str) -> bool:
    """Two transliterations of one first name: "Sergei"/"Sergey", "Mohammed"/"Mohamed"."""
    if a == b or a[:1] != b[:1] or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < _MIN_SPELLING_LEN:
        return False
    # one substitution, insertion or deletion apart
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i:] == b[i + 1:] or a[i + 1:] == b[i:]


def _find_match(name: str, speakers: list[Speaker]) -> Speaker | None:
    """The speaker whose full name this (possibly shorter) name refers to, if unique."""
    tokens = name.lower().split()
    exact = [s for s in speakers if s.name.lower() == name.lower()]
    if exact:
        return exact[0]
    candidates = []
    for sp in speakers:
        full = sp.name.lower().split()
        if len(tokens) < len(full) and (
            full[-len(tokens):] == tokens  # "Aliyev", "Hillary Clinton" of "Hillary Rodham Clinton"
            or (len(tokens) >= 2 and tokens[0] == full[0] and tokens[-1] == full[-1])
            or (tokens == full[:1] and _NASAB & set(full))  # "Sheikh Salem" of "Salem bin Nasser"
        ) or (len(tokens) == len(full) == 2 and tokens[1] == full[1] and _spelling_variant(tokens[0], full[0])):
            candidates.append(sp)
    if len(candidates) == 1:
        return candidates[0]
    return None


def rescan_names(text: str, speakers: list[Speaker], known: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Further mentions of known people that NER missed ("Beridze said …" after the full name).

    Surnames shared by two speakers are skipped: an ambiguous variant resolves to nobody.
    """
    forms: dict[str, set[str]] = {}
    for sp in speakers:
        if sp.kind != "person":
            continue
        for v in name_variants(sp.name):
            forms.setdefault(v, set()).add(sp.slug)
    found: list[tuple[Span, str]] = []
    taken = bytearray(len(text) + 1)  # characters already in a name: overlap tests stay linear
    for span, _ in known:
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    for form, slugs in sorted(forms.items(), key=lambda kv: -len(kv[0])):
        if len(slugs) != 1:
            continue
        slug = next(iter(slugs))
        for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
            span = Span(m.start(), m.end())
            if any(taken[span.start:span.end]):
                continue
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            found.append((span, slug))
    return found
