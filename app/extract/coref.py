"""Rule-based resolution of a speaker mention to a named speaker.

A mention is a name (or a variant of one), a pronoun, a description ("the Azerbaijani
leader", "the republican leader", "the minister") or an organisation. Pronouns go to the
most salient earlier person of a compatible gender; descriptions to the most salient
person whose title and country fit. Ambiguity yields no speaker: a null beats a wrong one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from app.extract.geo import is_republic
from app.extract.mentions import clean_alias, slugify
from app.extract.roles import LEADER, MINISTER, Description, fits, parse_description, title_classes
from app.extract.types import Span, Speaker

PRONOUN_GENDER: dict[str, str | None] = {"he": "m", "him": "m", "she": "f", "her": "f", "i": None}
NON_PERSON_PRONOUNS = frozenset({"it", "they", "we", "you", "one", "this", "that", "who", "which", "them", "us"})

# confidence by how the attribution was made
CONF_NAME = 0.95
CONF_VARIANT = 0.9
CONF_ORG = 0.85
CONF_PRONOUN = 0.8
CONF_PRONOUN_AMBIGUOUS = 0.6
CONF_DESCRIPTION = 0.7
CONF_FLOATING = 0.5
CONF_UNRESOLVED = 0.3
CONF_NONE = 0.2

# "the two presidents", "both foreign ministers", "the leaders"
_GROUP = re.compile(
    r"^(?:[Tt]he\s+(?P<count>two\s+)?|(?P<both>[Bb]oth(?:\s+the)?\s+))(?:(?P<dem>[A-Z][\w-]+)\s+)?"
    r"(?P<noun>(?:foreign |prime |defen[cs]e )?ministers|presidents|leaders|heads of state|premiers|"
    r"prime ministers|foreign ministers|chancellors|top diplomats|spokes(?:men|women|persons))$"
)


def _singular(noun: str) -> str:
    """"heads of state" -> "head of state", "spokesmen" -> "spokesman", "ministers" -> "minister"."""
    if noun.startswith("heads "):
        return "head " + noun[6:]
    if noun.endswith("men"):
        return noun[:-3] + "man"
    return noun[:-1]


# "the Kremlin press service", "the press service", "the ministry's press office"
_PRESS_UNIT = re.compile(
    r"^(?:[Tt]he\s+)?(?:(?P<owner>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*?)(?:['’]s)?\s+)?"
    r"(?i:press service|press office|press centre|press center|information service|information department)$"
)
# "the ministry", "the Foreign Ministry", "the Commission": an organisation named before
_ORG_ANAPHOR = re.compile(
    r"^(?:[Tt]he)\s+(?:(?:[Ff]oreign|[Dd]efen[cs]e|[Ii]nterior|[Ff]inance|[Ee]conomy|[Jj]ustice|[Hh]ealth|"
    r"[Ee]nergy|[Tt]rade|[Ee]uropean|[Ss]tate)\s+)?(?P<head>[Mm]inistry|[Dd]epartment|[Cc]ommission|[Cc]ouncil|"
    r"[Cc]ommittee|[Oo]ffice|[Aa]gency|[Gg]overnment|[Ee]mbassy|[Pp]residency|[Cc]abinet|[Aa]dministration|"
    r"[Ss]ecretariat|[Pp]arliament|[Cc]ourt|[Pp]arty|[Bb]ank|[Cc]ompany|[Ff]ederation|[Uu]nion)$"
)
_ORG_WORDS = re.compile(
    r"^(?:the\s+)?(?:[A-Z][\w.&'-]*\s+)*(?:Kremlin|White House|Pentagon|Ministry|ministry|"
    r"Department|department|Office|office|Government|government|Embassy|embassy|Agency|agency|"
    r"Committee|committee|Commission|commission|Council|council|Party|party|Campaign|campaign|"
    r"Court|court|Police|police|Army|army|Company|company|Post|Times|Journal|News|Reuters|"
    r"Associated Press|AP|AFP|Interfax|TASS|Xinhua|BBC|CNN)$"
)


@dataclass(slots=True)
class Salience:
    """Who was mentioned where, in text order: the memory for pronouns and descriptions."""

    events: list[tuple[int, str, int]] = field(default_factory=list)  # (position, slug, paragraph)

    def add(self, pos: int, slug: str, paragraph: int) -> None:
        self.events.append((pos, slug, paragraph))
        self.events.sort()

    def before(self, pos: int, paragraph: int, window: int = 2) -> list[str]:
        """Slugs mentioned before ``pos`` in this or the ``window`` previous paragraphs, latest first."""
        seen: list[str] = []
        for p, slug, para in reversed(self.events):
            if p >= pos:
                continue
            if para < paragraph - window:
                break
            if slug not in seen:
                seen.append(slug)
        return seen


@dataclass(slots=True)
class Resolution:
    slug: str | None
    confidence: float
    how: str  # "name", "variant", "pronoun", "description", "organization", "unresolved"


class Resolver:
    """Resolves mention spans of one document against its speakers."""

    def __init__(self, text: str, speakers: list[Speaker], name_spans: list[tuple[Span, str]],
                 org_spans: list[Span], paragraph_of: "callable[[int], int]") -> None:
        self.text = text
        self.speakers = {s.slug: s for s in speakers}
        self.name_spans = name_spans
        self.org_spans = org_spans
        self.paragraph_of = paragraph_of
        self.salience = Salience()
        self.org_events: list[tuple[int, str]] = []  # (position, slug) of organisations named so far
        for span, slug in name_spans:
            self.salience.add(span.start, slug, paragraph_of(span.start))
        # name spans by start, with their list order (the first listed wins an overlap)
        self._by_start = sorted((span.start, i) for i, (span, _) in enumerate(name_spans))
        self._starts = [start for start, _ in self._by_start]
        self._longest = max((span.end - span.start for span, _ in name_spans), default=0)

    def note_speaker(self, pos: int, slug: str) -> None:
        """A statement's speaker is salient: later pronouns are likely to mean them."""
        self.salience.add(pos, slug, self.paragraph_of(pos))

    def resolve(self, mention: Span | None) -> Resolution:
        if mention is None:
            return Resolution(None, CONF_NONE, "none")
        surface = self.text[mention.start:mention.end].strip()
        lowered = surface.lower()
        named = self._first_name_over(mention)
        if named is not None:
            full = self.speakers[named].name
            how = "name" if full.lower() in lowered else "variant"
            return Resolution(named, CONF_NAME if how == "name" else CONF_VARIANT, how)
        para = self.paragraph_of(mention.start)
        if lowered in PRONOUN_GENDER:
            return self._pronoun(mention.start, para, PRONOUN_GENDER[lowered])
        if lowered in NON_PERSON_PRONOUNS:
            return Resolution(None, CONF_UNRESOLVED, "unresolved")
        desc = parse_description(surface)
        if desc is not None:
            res = (self._counterpart(mention.start, para, desc, lowered.split()[0]) if desc.role == "counterpart"
                   else self._description(mention.start, para, desc))
            if res.slug:
                alias = description_alias(surface)
                sp = self.speakers[res.slug]
                if alias not in sp.aliases:
                    sp.aliases.append(alias)
                return res
            return Resolution(None, CONF_UNRESOLVED, "unresolved")
        org = self._organization(mention, surface)
        if org is not None:
            return Resolution(org, CONF_ORG, "organization")
        return Resolution(None, CONF_UNRESOLVED, "unresolved")

    def resolve_group(self, mention: Span | None) -> list[str]:
        """Speakers of a plural description: "the two presidents", "both ministers", "the leaders".

        The latest persons (two for "two"/"both", else every one nearby) whose office fits.
        """
        if mention is None:
            return []
        m = _GROUP.match(self.text[mention.start:mention.end].strip())
        if m is None:
            return []
        desc = parse_description("the " + _singular(m.group("noun")))
        if desc is None:
            return []
        para = self.paragraph_of(mention.start)
        found = [slug for slug in self.salience.before(mention.start, para, window=10**6)
                 if self._fits(self.speakers[slug], desc)]
        wanted = 2 if m.group("count") else len(found)
        return found[:wanted] if len(found) >= 2 else []

    def _first_name_over(self, mention: Span) -> str | None:
        """The slug of the first listed name span overlapping ``mention``, found by
        bisection (only spans starting within the longest name before it can overlap)."""
        lo = bisect.bisect_right(self._starts, mention.start - self._longest)
        hi = bisect.bisect_left(self._starts, mention.end)
        over = [i for _, i in self._by_start[lo:hi] if mention.start < self.name_spans[i][0].end]
        return self.name_spans[min(over)][1] if over else None

    def _pronoun(self, pos: int, para: int, gender: str | None) -> Resolution:
        candidates = [s for s in self.salience.before(pos, para)
                      if self.speakers[s].kind == "person"
                      and (gender is None or self.speakers[s].gender in (None, gender))]
        if not candidates:
            return Resolution(None, CONF_UNRESOLVED, "unresolved")
        best = candidates[0]
        # a candidate of the pronoun's known gender beats one of unknown gender
        if gender is not None and self.speakers[best].gender is None:
            known = [s for s in candidates if self.speakers[s].gender == gender]
            if known:
                best = known[0]
        ambiguous = len(candidates) > 1 and self.speakers[candidates[1]].gender == self.speakers[best].gender
        return Resolution(best, CONF_PRONOUN_AMBIGUOUS if ambiguous else CONF_PRONOUN, "pronoun")

    def _description(self, pos: int, para: int, desc: Description) -> Resolution:
        """The latest person whose office, country and gender fit the description.

        Nearby paragraphs first; a description naming a country may reach back to the
        person's introduction anywhere earlier in the document.
        """
        if desc.unknown_country:
            # "the Republican leader" is a party label, not a nationality: no match
            return Resolution(None, CONF_UNRESOLVED, "unresolved")
        for window in (4, 10**6):
            candidates = [slug for slug in self.salience.before(pos, para, window=window)
                          if self._fits(self.speakers[slug], desc)]
            if candidates:
                return Resolution(candidates[0], CONF_DESCRIPTION, "description")
            if desc.country is None and desc.role in (LEADER, MINISTER):
                break
        if desc.country is not None:
            # an agency's own officials go without their country ("Minister of State X" in a
            # Doha release, "High Representative X"): the one holder of the office whose
            # country is unknown, when nobody of that country fits
            unknown = [slug for slug in self.salience.before(pos, para, window=10**6)
                       if self.speakers[slug].country is None and self._fits(self.speakers[slug], replace(desc, country=None))]
            if len(set(unknown)) == 1:
                return Resolution(unknown[0], CONF_FLOATING, "description")
        return Resolution(None, CONF_UNRESOLVED, "unresolved")

    def _counterpart(self, pos: int, para: int, desc: Description, possessive: str) -> Resolution:
        """"his counterpart": the latest person holding the same office as the possessor (the
        office holder "his"/"her" stands for) in another country."""
        gender = {"his": "m", "her": "f"}.get(possessive)
        holders = [slug for slug in self.salience.before(pos, para, window=10**6)
                   if self.speakers[slug].kind == "person" and self.speakers[slug].title
                   and self.speakers[slug].gender in (None, gender or self.speakers[slug].gender)]
        if not holders:
            return Resolution(None, CONF_UNRESOLVED, "unresolved")
        mine = self.speakers[holders[0]]
        office = title_classes(mine.title) - {MINISTER, LEADER}

        def same_office(title: str | None) -> bool:
            # a class (head of state, foreign minister …) or else the very title ("Interior Minister")
            return bool(title_classes(title) & office) if office else (title or "").casefold() == (mine.title or "").casefold()

        for slug in holders[1:]:
            sp = self.speakers[slug]
            if sp.country != mine.country and (desc.country is None or sp.country == desc.country) and \
                    same_office(sp.title):
                return Resolution(slug, CONF_DESCRIPTION, "description")
        return Resolution(None, CONF_UNRESOLVED, "unresolved")

    @staticmethod
    def _fits(sp: Speaker, desc: Description) -> bool:
        if sp.kind != "person":
            return False
        if desc.country and sp.country != desc.country:
            return False
        if desc.gender and sp.gender not in (None, desc.gender):
            return False
        if desc.republican:
            return sp.country is not None and is_republic(sp.country) and (sp.title or "").lower() == "president"
        return fits(desc, sp.title)

    def _organization(self, mention: Span, surface: str) -> str | None:
        """An organisation speaker: "the Kremlin", "The Post", an ORG entity, or a short
        back-reference ("the ministry", "the press service") to one introduced earlier."""
        unit = _PRESS_UNIT.match(surface)
        if unit is not None:
            owner = unit.group("owner")
            if owner:  # "the Kremlin press service" speaks for the Kremlin
                return self._org_speaker(mention.start, owner, surface)
            earlier = self._earlier_org(mention.start, None)
            return self._note_org(mention.start, earlier, surface) if earlier else None
        back = _ORG_ANAPHOR.match(surface)
        if back is not None:
            earlier = self._earlier_org(mention.start, back.group("head").lower())
            if earlier:
                return self._note_org(mention.start, earlier, surface)
        is_entity = any(s.start <= mention.start and mention.end <= s.end + 2 or
                        (mention.start <= s.start and s.end <= mention.end) for s in self.org_spans)
        if not (is_entity or _ORG_WORDS.match(surface)):
            return None
        name = re.sub(r"^(?:the|The)\s+", "", surface).strip()
        name = re.sub(r"['’]s$", "", name)
        if not name or not name[0].isupper():
            return None  # "the ministry" with no name: unresolved rather than guessed
        return self._org_speaker(mention.start, name, surface)

    def _org_speaker(self, pos: int, name: str, surface: str) -> str:
        slug = slugify(name)
        if slug not in self.speakers:
            self.speakers[slug] = Speaker(slug=slug, name=name, kind="organization")
        return self._note_org(pos, slug, surface)

    def _note_org(self, pos: int, slug: str, surface: str) -> str:
        sp = self.speakers[slug]
        alias = clean_alias(surface)
        if alias not in sp.aliases:
            sp.aliases.append(alias)
        self.org_events.append((pos, slug))
        return slug

    def _earlier_org(self, pos: int, head: str | None) -> str | None:
        """The latest organisation before ``pos`` (whose name has ``head``, when given)."""
        for p, slug in sorted(self.org_events, reverse=True):
            if p < pos and (head is None or head in self.speakers[slug].name.lower()):
                return slug
        if head is None:
            return None
        for span in sorted(self.org_spans, key=lambda s: -s.start):
            name = re.sub(r"^(?:the|The)\s+", "", self.text[span.start:span.end]).strip()
            if span.end <= pos and head in name.lower() and name[:1].isupper() and name.lower() != head:
                return self._org_speaker(span.start, name, name)
        return None


def description_alias(surface: str) -> str:
    """A description as an alias reads mid-sentence: "The Azerbaijani leader" → "the Azerbaijani leader".

    Only the article is lowered; the rest keeps its capitals (demonyms, titles).
    """
    return re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), clean_alias(surface))


def infer_genders(text: str, speakers: list[Speaker], name_spans: list[tuple[Span, str]],
                  sentences: list[Span]) -> None:
    """Gender from pronoun usage: a sentence naming one person followed by he/she as subject."""
    votes: dict[str, list[int]] = {}
    by_start = sorted((span.start, slug) for span, slug in name_spans)
    starts = [start for start, _ in by_start]

    def named_in(sent: Span) -> list[str]:  # by bisection: a long text has many of both
        return [slug for _, slug in by_start[bisect.bisect_left(starts, sent.start):bisect.bisect_left(starts, sent.end)]]

    for i, sent in enumerate(sentences[:-1]):
        named = set(named_in(sent))
        if len(named) != 1:
            continue
        nxt = sentences[i + 1]
        following = text[nxt.start:min(nxt.end, nxt.start + 120)]
        if named_in(nxt):
            continue
        he = len(re.findall(r"\b(?:he|his|him)\b", following, re.I))
        she = len(re.findall(r"\b(?:she|her|hers)\b", following, re.I))
        slug = next(iter(named))
        v = votes.setdefault(slug, [0, 0])
        v[0] += he
        v[1] += she
    by_slug = {s.slug: s for s in speakers}
    for slug, (he, she) in votes.items():
        sp = by_slug.get(slug)
        if sp is None or sp.gender:
            continue
        if he > she:
            sp.gender = "m"
        elif she > he:
            sp.gender = "f"
