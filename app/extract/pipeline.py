"""The extraction pipeline over one document (see ``app.extract.extract``), in three
steps so that many documents can share spaCy's passes: ``prepare`` (layout, quotes, the
units for spaCy), ``analyse`` (spaCy, over the units of all documents at once) and
``finish`` (statements, speakers, declarations).

Only sentence units that can hold speech (a quote mark, a speech verb, a cue phrase) go
through the parser; the others get named entities only, which is what salience needs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc

from app.extract.analysis import analyse_units
from app.extract.coref import CONF_DESCRIPTION, CONF_FLOATING, Resolution, Resolver, infer_genders
from app.extract.cues import CUE_HINT
from app.extract.direct import DirectQuote, direct_quotes, interruption, weak_fragment
from app.extract.docinfo import document_info
from app.extract.layout import Layout, analyse_layout
from app.extract.mentions import HONORIFIC, PersonMention, merge_people, person_from_entity, rescan_names
from app.extract.names import anchored_people, apposition, inherit_counterpart_titles
from app.extract.nlp import load_nlp
from app.extract.quotes import Quote, find_quotes, strictly_inside
from app.extract.reported import Attribution, find_cues, find_reported
from app.extract.signed import signatures
from app.extract.transcript import Turn, find_turns, is_address
from app.extract.types import Declaration, Extraction, Span, Speaker, Statement

from app.extract.declarations import find_declarations

LEAD_UNITS = 4  # the lead names the people and the place of the story


@dataclass(slots=True)
class Unit:
    """A sentence unit with its spaCy doc (parsed or NER-only) and document offset."""

    span: Span
    paragraph: int
    doc: Doc | None
    parsed: bool


@dataclass(slots=True)
class Candidate:
    """A statement before speaker resolution."""

    kind: str
    parts: list[Span]
    attribution: Attribution | None
    paragraph: int
    floating_from: "Candidate | None" = None
    form: str = ""  # "transcript" for a labelled turn; else from the kind


def needs_parse(unit_text: str) -> bool:
    """Without a speech verb or a cue phrase, a sentence holds no reported speech."""
    return CUE_HINT.search(unit_text) is not None


@dataclass(slots=True)
class Prepared:
    """A document read up to its spaCy parse: its layout, quotes and sentence units, and
    which units are to be parsed and which need named entities only."""

    text: str
    layout: Layout
    quotes: list[Quote]
    units: list[Unit]
    parse_idx: list[int]
    ner_idx: list[int]


def prepare(text: str) -> Prepared:
    """Layout, quotes and the choice of units for spaCy; no model is run yet."""
    layout, quotes = analyse_layout(text, lambda paras: find_quotes(text, paras))
    units = [Unit(s, p, None, False) for s, p in zip(layout.sentences, layout.sentence_paragraph)]
    parse_idx: list[int] = []
    quoted = sorted(q.outer.start for q in quotes)
    in_long_quote = strictly_inside(q.outer for q in quotes if q.parts)
    for i, u in enumerate(units):
        chunk = text[u.span.start:u.span.end]
        k = bisect.bisect_left(quoted, u.span.start)
        has_quote = k < len(quoted) and quoted[k] < u.span.end or in_long_quote(u.span.start)
        if has_quote or needs_parse(chunk):
            parse_idx.append(i)
    # names only where they can matter: the lead, and the sentence before a parsed one
    # (the antecedent of "he said"); later mentions of known names are found by rescanning
    wanted = set(range(min(LEAD_UNITS, len(units)))) | {i - 1 for i in parse_idx if i > 0}
    ner_idx = sorted(wanted - set(parse_idx))
    return Prepared(text, layout, quotes, units, parse_idx, ner_idx)


def analyse(documents: list[Prepared]) -> None:
    """Run spaCy over the chosen units of all ``documents`` at once (see
    :mod:`app.extract.analysis`): the model's batches then span documents, and each unit's
    doc is what it would be were its document analysed alone."""
    parse = [(d, i) for d in documents for i in d.parse_idx]
    names = [(d, i) for d in documents for i in d.ner_idx]
    parsed, named = analyse_units(load_nlp(), [(d.text, d.units[i].span) for d, i in parse],
                                  [(d.text, d.units[i].span) for d, i in names])
    for (d, i), (doc, was_parsed) in zip(parse, parsed):
        d.units[i].doc, d.units[i].parsed = doc, was_parsed
    for (d, i), doc in zip(names, named):
        d.units[i].doc = doc


def _people(text: str, units: list[Unit], turns: list[Turn], spoken: list[Span],
            signed: list[tuple[int, Span]]) -> tuple[list[PersonMention], list[Span], list[Span]]:
    """Person, organisation and place mentions; names said *to* someone are left out."""
    people: list[PersonMention] = []
    for _, name in signed:
        m = person_from_entity(text, name.start, name.end)
        if m is not None:
            people.append(m)
    for turn in turns:
        m = person_from_entity(text, turn.label.start, turn.label.end)
        if m is not None:
            people.append(m)
    orgs: list[Span] = []
    places: list[Span] = []
    for u in units:
        if u.doc is None:
            continue
        base = u.span.start
        for ent in u.doc.ents:
            s, e = base + ent.start_char, base + ent.end_char
            if ent.label_ == "PERSON":
                m = person_from_entity(text, s, e)
                if m is not None and not is_address(text, m.name_span, spoken):
                    people.append(m)
            elif ent.label_ in ("ORG", "GPE") and (m := _apposed_person(text, s, e)) is not None:
                people.append(m)  # "X, the Iraqi foreign minister," is a person whatever the model says
            elif ent.label_ in ("ORG", "GPE", "NORP") and _addressed(text, s, e) and (
                    m := person_from_entity(text, s, e)) is not None:
                people.append(m)  # "Ms Quispe" is a person whatever the model says
            elif ent.label_ in ("ORG", "NORP"):
                orgs.append(Span(s, e))
            elif ent.label_ in ("GPE", "LOC", "FAC"):
                places.append(Span(s, e))
    # names anchored by an office title beat the model's cut or mislabelled spans
    anchored = [m for m in anchored_people(text, [m.name_span.start for m in people])
                if not is_address(text, m.name_span, spoken)]
    if anchored:
        for a in anchored:  # the model's longer name wins ("Paul D. Ryan"), the office stays
            longer = next((m for m in people if _contains(m.name_span, a.name_span) and m.name_span != a.name_span), None)
            if longer is not None:
                a.name_span, a.name = longer.name_span, longer.name
                a.surface = Span(min(a.surface.start, longer.surface.start), max(a.surface.end, longer.surface.end))
        people = [m for m in people if not any(_overlaps(m.name_span, a.name_span) for a in anchored)]
        orgs = [o for o in orgs if not any(_overlaps(o, a.name_span) for a in anchored)]
        places = [p for p in places if not any(_overlaps(p, a.name_span) for a in anchored)]
        people += anchored
    for m in people:
        if m.title is None or m.country is None:
            title, country = apposition(text, m.name_span.end)
            m.title, m.country = m.title or title, m.country or country
    inherit_counterpart_titles(text, people)
    return people, orgs, places


_HONORED = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[^\W\d_]")


def _addressed(text: str, start: int, end: int) -> bool:
    """Whether an entity is a name with a courtesy title ("Ms Quispe", "Mr. Vera")."""
    return _HONORED.match(text, start) is not None or HONORIFIC.search(text[max(0, start - 10):start]) is not None


def _apposed_person(text: str, start: int, end: int) -> PersonMention | None:
    """A name the model took for an organisation or place, followed by a person's office."""
    title, country = apposition(text, end)
    if title is None:
        return None
    m = person_from_entity(text, start, end)
    if m is None or len(m.name.split()) < 2:
        return None
    m.title, m.country = title, country
    return m


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _overlapping(spans: list[Span], long_chars: int = 2000) -> Callable[[Span], list[Span]]:
    """``spans`` (sorted by start) that overlap a given span, in order, found by bisection
    among the short ones: checking every quote for every sentence is quadratic."""
    short = [s for s in spans if s.end - s.start <= long_chars]
    long = [s for s in spans if s.end - s.start > long_chars]
    starts = [s.start for s in short]

    def over(span: Span) -> list[Span]:
        window = short[bisect.bisect_left(starts, span.start - long_chars):bisect.bisect_left(starts, span.end)]
        found = [s for s in window if _overlaps(s, span)] + [s for s in long if _overlaps(s, span)]
        return sorted(found, key=spans.index) if long and found else found

    return over


def _contains(outer: Span, inner: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _nearest_cue(cues: list[Attribution], quote: DirectQuote, text: str) -> Attribution | None:
    """The cue that attributes a quote: after it ("…," he said) or before it (he said: "…")."""
    best, best_dist = None, 10**9
    for c in cues:
        if c.cue is None:
            continue
        if c.cue.start >= quote.outer.end:
            dist = c.cue.start - quote.outer.end
        elif c.cue.end <= quote.outer.start:
            gap = text[c.cue.end:quote.outer.start]
            dist = len(gap) + (0 if re.search(r"[:,]\s*$", gap) else 40)
        else:
            continue
        if dist < best_dist:
            best, best_dist = c, dist
    return best


def _split_reattributed(text: str, q: DirectQuote, para_starts: list[int], cue_starts: list[int]) -> list[DirectQuote]:
    """A quote run on across paragraphs whose last paragraph has its own attribution
    ("…,” added Y.") after an attributed first paragraph is two speakers' quotes, not one."""
    def para(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    if len(q.parts) < 2 or para(q.parts[0].start) == para(q.parts[-1].start):
        return [q]
    last_para = para(q.parts[-1].start)
    para_end = para_starts[last_para + 1] if last_para + 1 < len(para_starts) else len(text)
    first_para_end = para_starts[para(q.parts[0].start) + 1]
    own_cue = any(q.parts[-1].end <= c < para_end for c in cue_starts)
    first_cue = any(para_starts[para(q.parts[0].start)] <= c < first_para_end for c in cue_starts)
    if not (own_cue and first_cue):
        return [q]
    head = [p for p in q.parts if para(p.start) < last_para]
    tail = [p for p in q.parts if para(p.start) == last_para]
    return [DirectQuote(head, Span(q.outer.start, head[-1].end + 1), q.paragraph, q.speechlike),
            DirectQuote(tail, Span(tail[0].start - 1, q.outer.end), last_para, q.speechlike)]


def _statements(text: str, layout: Layout, units: list[Unit], quotes: list,
                signed: list[tuple[int, Span]]) -> list[Candidate]:
    dquotes = direct_quotes(text, quotes)
    quoted_spans = [q.outer for q in dquotes if q.speechlike]
    quotes_over = _overlapping([q.inner for q in quotes])
    indirect: list[Candidate] = []
    cues_by_unit: list[list[Attribution]] = []
    for u in units:
        if not u.parsed or u.doc is None:
            cues_by_unit.append([])
            continue
        inside = quotes_over(u.span)
        cues_by_unit.append(find_cues(u.doc, u.span.start, inside))
        for att in find_reported(u.doc, u.span.start, inside):
            indirect.append(Candidate("indirect", [att.content], att, u.paragraph))  # type: ignore[list-item]

    # direct quotes, interrupted ones joined
    merged: list[DirectQuote] = []
    for q in dquotes:
        if merged and interruption(text, merged[-1], q):
            prev = merged[-1]
            merged[-1] = DirectQuote(prev.parts + q.parts, Span(prev.outer.start, q.outer.end), prev.paragraph,
                                     prev.speechlike or q.speechlike)
        else:
            merged.append(q)
    merged = [q for q in merged if q.speechlike]
    para_starts = [p.start for p in layout.paragraphs]
    cue_starts = sorted(c.cue.start for cs in cues_by_unit for c in cs if c.cue is not None
                        and not any(_contains(o, c.cue) for o in quoted_spans))
    merged = [piece for q in merged for piece in _split_reattributed(text, q, para_starts, cue_starts)]

    unit_starts = [u.span.start for u in units]

    def unit_of(pos: int) -> int:
        return max(0, bisect.bisect_right(unit_starts, pos) - 1)

    direct: list[Candidate] = []
    for q in merged:
        inner = q.inner
        # a quote inside reported speech is a mixed quote: the indirect statement covers it
        host = next((c for c in indirect if _contains(c.parts[0], inner)
                     and (inner.end - inner.start) < 0.8 * (c.parts[0].end - c.parts[0].start)), None)
        if host is not None:
            continue
        # reported speech whose content is this quote: the quote is direct, keep its cue
        same = [c for c in indirect if _overlaps(c.parts[0], inner)]
        att: Attribution | None = None
        for c in same:
            indirect.remove(c)
            att = att or c.attribution
        if att is None:
            ui = unit_of(q.outer.start)
            uj = unit_of(max(q.outer.start, q.outer.end - 1))
            cues = [c for k in range(ui, uj + 1) for c in cues_by_unit[k]
                    if not any(_contains(o, c.cue) for o in quoted_spans if c.cue)]
            att = _nearest_cue(cues, q, text)
            signature = next((name for pos, name in signed if q.outer.end - 1 <= pos <= q.outer.end + 1), None)
            if att is None and signature is not None:
                att = Attribution(None, None, signature)
            if att is None and ui > 0 and units[ui - 1].paragraph in (q.paragraph, q.paragraph - 1):
                prev_text = text[units[ui - 1].span.start:units[ui - 1].span.end].rstrip()
                if prev_text.endswith(":"):
                    att = _nearest_cue(cues_by_unit[ui - 1], q, text)
        direct.append(Candidate("direct", q.parts, att, q.paragraph))

    out = sorted(direct + indirect, key=lambda c: c.parts[0].start)
    # floating quotes take the attribution of the statement just before them
    last: Candidate | None = None
    for c in out:
        if c.kind == "direct" and (c.attribution is None or c.attribution.mention is None):
            if last is not None and last.attribution is not None and last.attribution.mention is not None \
                    and c.paragraph - last.paragraph <= 1:
                c.floating_from = last
        if c.attribution is not None and c.attribution.mention is not None:
            last = c
    return [c for c in out if c.kind != "direct" or not weak_fragment(
        text, c.parts, c.attribution is not None and c.attribution.mention is not None, c.floating_from is not None)]


def _medium_name(text: str, span: Span) -> str:
    """"the Tolo news agency" -> "Tolo news agency": the medium's name without its article."""
    return re.sub(r"^(?:the|The)\s+", "", text[span.start:span.end]).strip()


# last words of buildings and streets the model takes for people ("Jubilee House")
_PLACE_TAILS = frozenset({"house", "palace", "square", "airport", "avenue", "street", "boulevard", "plaza",
                          "stadium", "cathedral", "mosque", "bridge", "building", "embankment"})


def _named_person(sp: Speaker, media: set[str]) -> bool:
    """A person who said nothing stays listed only when clearly a person: a full name or a title.

    A lone capitalised word the model took for a name ("Yerevan", "Ungheni"), a building
    ("Jubilee House") and a medium that only relayed speech ("Agência Brasil") are left out.
    """
    return sp.kind == "person" and (len(sp.name.split()) >= 2 or sp.title is not None) and (
        sp.name.casefold() not in media and sp.name.split()[-1].lower() not in _PLACE_TAILS or sp.title is not None)


def _with_turns(cands: list[Candidate], turns: list[Turn], paragraph_of: "callable[[int], int]") -> list[Candidate]:
    """Transcript turns replace whatever was found inside them: the turn is the statement."""
    if not turns:
        return cands
    bodies = [p for t in turns for p in t.parts]
    kept = [c for c in cands if not any(_contains(b, c.parts[0]) for b in bodies)]
    for t in turns:
        att = Attribution(None, None, t.label)
        kept.append(Candidate("direct", list(t.parts), att, paragraph_of(t.parts[0].start), form="transcript"))
    return sorted(kept, key=lambda c: c.parts[0].start)


def finish(document: Prepared) -> Extraction:
    """Statements, speakers and declarations of a document whose units spaCy has analysed."""
    text, layout, quotes, units = document.text, document.layout, document.quotes, document.units
    turns = find_turns(text, layout.paragraphs)
    turn_bodies = [p for t in turns for p in t.parts]
    signed = signatures(text)
    people, orgs, places = _people(text, units, turns, turn_bodies, signed)
    speakers, assignment = merge_people(people, text)
    name_spans = [(people[i].name_span, slug) for i, slug in assignment.items()]
    name_spans += [(people[i].surface, slug) for i, slug in assignment.items()]
    name_spans += rescan_names(text, speakers, name_spans)
    infer_genders(text, speakers, name_spans, layout.sentences)
    para_starts = [p.start for p in layout.paragraphs]

    def paragraph_of(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    resolver = Resolver(text, speakers, name_spans, orgs, paragraph_of)
    statements: list[Statement] = []
    for cand in _with_turns(_statements(text, layout, units, quotes, signed), turns, paragraph_of):
        att = cand.attribution
        mention = att.mention if att else None
        confidence_cap = 1.0
        if cand.floating_from is not None:
            att = cand.floating_from.attribution
            mention = att.mention if att else None
            confidence_cap = CONF_FLOATING
        group = resolver.resolve_group(mention)
        res = resolver.resolve(mention) if not group else Resolution(group[0], CONF_DESCRIPTION, "description")
        slugs = list(group) if group else ([res.slug] if res.slug else [])
        for co in (att.co_mentions if att else []):
            other = resolver.resolve(co).slug
            if other and other not in slugs:
                slugs.append(other)
        for slug in slugs:
            resolver.note_speaker(cand.parts[0].start, slug)
        parts = cand.parts
        if len(parts) == 1:
            body, fragments = text[parts[0].start:parts[0].end], None
        else:
            body = " ".join(text[p.start:p.end] for p in parts)
            fragments = [(p.start, p.end) for p in parts]
        statements.append(Statement(
            kind=cand.kind,  # type: ignore[arg-type]
            text=body,
            start_char=parts[0].start,
            end_char=parts[-1].end,
            fragments=fragments,
            cue=att.cue_text if att and cand.floating_from is None else None,
            cue_start=att.cue.start if att and att.cue and cand.floating_from is None else None,
            cue_end=att.cue.end if att and att.cue and cand.floating_from is None else None,
            speaker_mention=text[mention.start:mention.end] if mention else None,
            speaker_mention_start=mention.start if mention else None,
            speaker_mention_end=mention.end if mention else None,
            speaker=slugs[0] if slugs else None,
            speakers=slugs,
            via=_medium_name(text, att.via) if att and att.via and cand.floating_from is None else None,
            confidence=round(min(res.confidence, confidence_cap), 2),
            paragraph=paragraph_of(parts[0].start) + 1,  # public numbering starts at 1
            form=cand.form or ("quote" if cand.kind == "direct" else "reported"),  # type: ignore[arg-type]
        ))
    all_speakers = list(resolver.speakers.values())
    used = {s.speaker for s in statements if s.speaker}
    media = {s.via.casefold() for s in statements if s.via}
    all_speakers = [s for s in all_speakers if s.slug in used or _named_person(s, media)]
    declarations: list[Declaration] = find_declarations(text, layout.sentences, all_speakers)
    info = document_info(text, layout, places)
    return Extraction(document=info, statements=statements, speakers=all_speakers, declarations=declarations)
