"""Reported speech in one parsed sentence: cue, content clause and the speaker's mention.

Works on the dependency parse of a single sentence unit: a speech verb with a complement
clause ("noted that …"), an inverted attribution ("…, said X." / "…, X said."), the
"according to X" frame on either side, and multiword cues ("drew attention to the fact
that …", "expressed his confidence that …"). Returned offsets are document offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from app.extract.cues import (
    ACCORDING_TO,
    ASKERS,
    AUDIENCES,
    CONTENT_NOUNS,
    MEDIA_NOUNS,
    MULTIWORD,
    NEEDS_CLAUSE,
    NEWS_AGENCIES,
    NO_THAT_MULTIWORD,
    PARTICLE_CUES,
    QUESTION_VERBS,
    QUESTION_WORDS,
    RELAY_FORMS,
    TELLING,
    verb_lemma,
)
from app.extract.types import Span

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_NOMINAL = frozenset({"NN", "NNS", "NNP", "NNPS", "PRP"})
# heads whose "of" phrase belongs to the speaker's name or description
_OF_HEADS = frozenset({"head", "ministry", "department", "office", "commission", "council",
                       "committee", "embassy", "service", "agency", "presidency",
                       "administration", "secretariat", "mission", "delegation"})


@dataclass(slots=True)
class Attribution:
    """A cue with its speaker mention (either may be missing) and, for reported speech, content."""

    cue: Span | None
    cue_text: str | None
    mention: Span | None
    content: Span | None = None
    according_to: bool = False
    cue_token: int | None = None  # token index within the sentence doc
    co_mentions: list[Span] = field(default_factory=list)  # "Y" of "X and Y said": joint speakers
    via: Span | None = None  # the medium that relayed it: "Interfax" in "X told Interfax that"


def find_reported(doc: Doc, base: int, quoted: list[Span]) -> list[Attribution]:
    """Reported-speech attributions in the sentence ``doc`` (document offset ``base``).

    Three recognisers in turn, each skipping cues inside a quotation: "according to X"
    frames, multiword cues, then speech verbs with a clause. A verb already taken as a
    multiword cue, or whose content repeats an earlier one, adds nothing; last, a cue that
    stands inside another attribution's content is part of what was said.
    """
    found = _according_to_frames(doc, base, quoted)
    found += _multiword_cues(doc, base, quoted)
    found += _verb_cues(doc, base, quoted, found)
    return _without_nested_cues(found)


def find_cues(doc: Doc, base: int, quoted: list[Span]) -> list[Attribution]:
    """Speech cues outside quotations (for attributing direct quotes), content left empty."""
    out: list[Attribution] = []
    for tok, rng in _unquoted_cues(doc, base, quoted):
        cue_span, cue_text = _cue_extent(doc, tok, rng, base)
        out.append(_attribution(tok, cue_span, cue_text, base, quoted=quoted))
    return out


def cue_of(token: Token) -> tuple[int, int] | None:
    """(start, end) token range of the speech cue headed by ``token``, or None."""
    lemma = verb_lemma(token.text)
    if lemma is None or not token.tag_.startswith("VB"):
        return None
    if lemma in PARTICLE_CUES:
        prts = [c for c in token.children if c.dep_ == "prt" and c.lower_ in PARTICLE_CUES[lemma]]
        if not prts:
            return None
        return token.i, prts[-1].i + 1
    end = token.i + 1
    for c in token.children:
        if c.dep_ == "prt" and c.i == end:
            end += 1
    return token.i, end


# how many clause levels a cue may inherit its subject through ("X arrived, met Y and
# said, adding that …"); deeper chains reach subjects of unrelated clauses
_SUBJECT_CLIMB = 4


def speaker_token(verb: Token) -> Token | None:
    """The grammatical subject of a cue, inherited through participles ("…, adding that")."""
    node: Token | None = verb
    for _ in range(_SUBJECT_CLIMB):
        if node is None:
            return None
        subs = [c for c in node.children if c.dep_ in SUBJECT_DEPS]
        if subs:
            return subs[0]
        agents = [c for c in node.children if c.dep_ == "agent"]
        if agents:
            objs = [g for g in agents[0].children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
        if node.dep_ in ("xcomp", "advcl", "conj", "acl", "pcomp") and node.head is not node:
            node = node.head
            if node.dep_ == "prep":  # "…, before saying"
                node = node.head
            continue
        return None
    return None


def _asking(verb: Token, subj: Token | None) -> bool:
    """A question frame: "Asked whether …," opening a reply, or a journalist asking."""
    if subj is None or verb.i == 0 and verb.lower_ == "asked":
        return True
    return subj.lower_ in ASKERS


def _is_medium(tok: Token) -> bool:
    """Whether an object of "told" / agent of "quoted" names a news medium."""
    low = tok.lower_
    if low in NEWS_AGENCIES:
        return True  # the model often takes "Xinhua" or "Kyodo" for a person
    if low in AUDIENCES or tok.ent_type_ in ("PERSON", "GPE", "NORP", "DATE", "TIME"):
        return False
    return low in MEDIA_NOUNS or (tok.tag_ in ("NNP", "NNPS") and tok.ent_type_ in ("ORG", "WORK_OF_ART", ""))


def _relay(verb: Token) -> tuple[Token | None, Token | None] | None:
    """(speaker, medium) of "M quoted X as saying" / "X was quoted by M as saying", else None."""
    node = verb
    if node.dep_ == "pcomp" and node.head.lower_ == "as":
        node = node.head.head
    elif node.dep_ == "advcl" and any(c.lower_ == "as" for c in node.children):
        node = node.head
    else:
        return None
    if node.lower_ not in RELAY_FORMS:
        return None
    objs = [c for c in node.children if c.dep_ in ("dobj", "nsubjpass")]
    subjs = [c for c in node.children if c.dep_ == "nsubj"]
    agents = [g for c in node.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    medium = (subjs or agents or [None])[0]
    return (objs[0] if objs else None), medium


# joint speakers beyond the first: "X, Y, Z and W said" is already a rare summit line
_MAX_CO_SPEAKERS = 4


def _co_speakers(subj: Token, base: int) -> list[Span]:
    """The other conjuncts of a coordinated subject: "Y" (and "Z") of "X and Y announced"."""
    out: list[Span] = []
    node = subj
    for _ in range(_MAX_CO_SPEAKERS):
        nxt = [c for c in node.children if c.dep_ == "conj" and c.tag_ in _NOMINAL]
        if not nxt:
            break
        node = nxt[0]
        start = node.left_edge
        while start.i < node.i and (start.is_punct or start.dep_ in ("cc", "preconj")):
            start = start.doc[start.i + 1]
        end = node
        for c in node.rights:
            if c.dep_ in ("compound", "flat"):
                end = c
        out.append(Span(base + start.idx, base + end.idx + len(end.text)))
    return out


def _inverted_speaker(verb: Token, base: int, quoted: list[Span]) -> Token | None:
    """The speaker when the parser took the quote's last words for the subject: the last
    noun between the quotation and the cue ("…,” Rep. Ann Lee (D-Md.) said"), else the
    first one the cue governs on its right ("…,” said Ann Lee")."""
    depth = 0
    found: Token | None = None
    for t in verb.doc[:verb.i]:
        if _in_quotes(base + t.idx, quoted) or t.text in "“”\"":
            found, depth = None, 0
            continue
        depth += t.text == "("
        depth -= t.text == ")"
        if depth == 0 and t.tag_ in _NOMINAL and t.text != ")":
            found = t
    if found is not None:
        return found
    for c in verb.rights:
        if c.dep_ in ("nsubj", "dobj", "attr", "npadvmod", "appos", "dep", "oprd") and c.tag_ in _NOMINAL:
            return c
    return None


def _attribution(tok: Token, cue_span: Span, cue_text: str, base: int,
                 content: Span | None = None, quoted: list[Span] | None = None) -> Attribution:
    """The attribution of a cue: speaker (and co-speakers) from the parse, a relaying medium."""
    subj = speaker_token(tok)
    if subj is not None and quoted and _in_quotes(base + subj.idx, quoted):
        subj = _inverted_speaker(tok, base, quoted)  # never a word of the quotation itself
    via: Token | None = None
    relay = _relay(tok)
    if relay is not None:
        subj, via = relay
    else:
        objs = [c for c in tok.children if c.dep_ in ("dative", "dobj")]
        if verb_lemma(tok.text) in TELLING and objs and _is_medium(objs[0]):
            via = objs[0]
    if via is not None and not _is_medium(via) and relay is None:
        via = None
    if via is not None and via.lower_ in MEDIA_NOUNS and via.i + 1 < len(via.doc) and \
            via.doc[via.i + 1].tag_ in ("NNP", "NNPS"):
        via = via.doc[via.i + 1]  # "the state news agency MTI": the agency's name
    att = Attribution(cue_span, cue_text, mention_span(subj, base) if subj is not None else None, content,
                      cue_token=tok.i)
    if subj is not None:
        att.co_mentions = _co_speakers(subj, base)
    if via is not None:
        att.via = mention_span(via, base)
    return att


def _named_field(cc: Token) -> bool:
    """Whether "and" joins words of one office's name ("Ministry of Foreign and Diaspora Affairs",
    "Ministry of Trade and Industry"), not a second speaker ("the ministry of X and the army")."""
    if cc.head.dep_ in ("nmod", "amod", "compound") and cc.head.head.i > cc.i:
        return True  # coordinated modifiers of a head noun still to come
    conj = [t for t in cc.head.children if t.dep_ == "conj" and t.i > cc.i]
    if not conj:
        return False
    words = list(conj[0].subtree)
    return len(words) <= 2 and all(w.text[:1].isupper() and w.ent_type_ != "PERSON" for w in words)


def mention_span(tok: Token, base: int) -> Span:
    """The speaker mention as a noun phrase: determiners and modifiers up to the head noun."""
    start = tok.left_edge
    end = tok
    for c in tok.rights:
        if c.dep_ in ("compound", "flat"):
            end = c
        elif c.dep_ == "prep" and c.lower_ == "of" and tok.lower_ in _OF_HEADS and c.i == end.i + 1:
            # "the head of the Kyrgyz state", "the Ministry of Foreign Affairs of X"; not "… and Y"
            cut = next((t for t in c.subtree if (t.dep_ == "cc" and not _named_field(t)) or t.is_punct), None)
            end = c.right_edge if cut is None else tok.doc[cut.i - 1]
    # skip a leading punctuation or conjunction in the subtree
    while start.i < tok.i and (start.is_punct or start.dep_ in ("cc", "preconj")):
        start = start.doc[start.i + 1]
    return Span(base + start.idx, base + end.idx + len(end.text))


def _span_of(doc: Doc, lo: int, hi: int, base: int) -> Span | None:
    """Character span of tokens ``doc[lo:hi]`` trimmed of punctuation, "that" and spaces."""
    while lo < hi and (doc[lo].is_punct or doc[lo].lower_ in ("that", ",") or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space) and doc[hi - 1].text not in ")”\"’":
        hi -= 1
    while hi > lo and doc[hi - 1].text in ")”\"’" and doc[hi - 1].is_punct:
        # keep a closing quote only when its opener is inside the span
        opener = {"”": "“", "\"": "\"", "’": "‘", ")": "("}[doc[hi - 1].text]
        inside = doc[lo:hi - 1].text
        if opener in inside and inside.count(opener) > inside.count(doc[hi - 1].text) - (opener == doc[hi - 1].text):
            break
        hi -= 1
        while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space) and doc[hi - 1].text not in ")”\"’":
            hi -= 1
    if hi <= lo:
        return None
    return Span(base + doc[lo].idx, base + doc[hi - 1].idx + len(doc[hi - 1].text))


def _complement(verb: Token) -> list[Token]:
    """Complement clauses of a cue verb (or of a content noun it governs)."""
    comps = [c for c in verb.children if c.dep_ in ("ccomp",)]
    if comps:
        return comps
    for obj in (c for c in verb.children if c.dep_ in ("dobj", "dative")):
        # "told a briefing that the sides had agreed" misparsed as a relative clause
        for rel in obj.children:
            if rel.dep_ == "relcl" and rel.left_edge.lower_ == "that" and rel.left_edge.i == obj.right_edge.i - (
                    rel.right_edge.i - rel.left_edge.i) and any(g.dep_ in ("nsubj", "nsubjpass") and g.lower_ not in ("that", "which", "who") for g in rel.children):
                return [rel]
    for c in verb.children:
        if c.dep_ in ("dobj", "prep", "attr"):
            for node in [c, *[g for g in c.children if g.dep_ == "pobj"]]:
                if node.lower_ in CONTENT_NOUNS or c.dep_ == "prep":
                    inner = [g for g in node.children if g.dep_ in ("ccomp", "acl", "relcl")
                             and any(m.lower_ == "that" and m.dep_ == "mark" for m in g.children)]
                    if inner:
                        return inner
    return []


def _in_quotes(pos: int, quoted: list[Span]) -> bool:
    """Whether document offset ``pos`` falls inside one of the quotations."""
    return any(q.start <= pos < q.end for q in quoted)


def _first_token_from(doc: Doc, char: int) -> Token | None:
    """The first token starting at or after sentence offset ``char``."""
    return next((t for t in doc if t.idx >= char), None)


def _unquoted_cues(doc: Doc, base: int, quoted: list[Span]) -> Iterator[tuple[Token, tuple[int, int]]]:
    """Speech verbs of the sentence outside quotations, each with its cue's token range."""
    for tok in doc:
        rng = cue_of(tok)
        if rng is not None and not _in_quotes(base + tok.idx, quoted):
            yield tok, rng


def _unquoted_matches(pattern: re.Pattern[str], doc: Doc, base: int,
                      quoted: list[Span]) -> Iterator[tuple[re.Match[str], Token]]:
    """Matches of a cue pattern in the sentence with their first token, outside quotations."""
    for m in pattern.finditer(doc.text):
        first = _first_token_from(doc, m.start())
        if first is not None and not _in_quotes(base + first.idx, quoted):
            yield m, first


def _according_to_frames(doc: Doc, base: int, quoted: list[Span]) -> list[Attribution]:
    """ "According to X, …" / "…, according to X": the frame's object speaks, the rest is said."""
    found: list[Attribution] = []
    for m, first in _unquoted_matches(ACCORDING_TO, doc, base, quoted):
        source = _frame_object(doc, first, m.end())
        phrase_end = max(source.right_edge.i + 1, source.i + 1) if source is not None else first.i + 1
        # the frame either opens the sentence or closes it (or sits in its middle): the
        # longer side is what was said
        before = _span_of(doc, 0, first.i, base)
        after = _span_of(doc, phrase_end, len(doc), base)
        content = after if after and (not before or after.end - after.start >= before.end - before.start) \
            else before
        if content:
            mention = mention_span(source, base) if source is not None else None
            found.append(Attribution(Span(base + m.start(), base + m.end()), m.group(0), mention, content,
                                     according_to=True))
    return found


# the object of "according to" hangs on one of the frame's words ("according", "to", or
# "quoted" of "as quoted by")
_FRAME_WORDS = 3
# how far after the frame a misparsed object may stand ("according to Ukraine's deputy
# foreign minister Ivan Petrenko": the name ends within a handful of words)
_FRAME_OBJECT_REACH = 8


def _frame_object(doc: Doc, first: Token, frame_end: int) -> Token | None:
    """Who the frame starting at ``first`` cites: its prepositional object, or on a misparse
    the last noun of the first run of nouns after the frame."""
    window = doc[first.i:first.i + _FRAME_WORDS]
    pobj = next((g for t in window for g in t.children if g.dep_ == "pobj"), None)
    if pobj is not None:
        return pobj
    for t in doc[first.i + 1:first.i + _FRAME_OBJECT_REACH]:
        if t.tag_ not in _NOMINAL or t.idx < frame_end:
            continue
        pobj = t
        if t.i + 1 >= len(doc) or doc[t.i + 1].tag_ not in _NOMINAL:
            break
    return pobj


def _multiword_cues(doc: Doc, base: int, quoted: list[Span]) -> list[Attribution]:
    """ "drew attention to the fact that …", "made it clear that …": the clause after the phrase."""
    found: list[Attribution] = []
    for m, verb in _unquoted_matches(MULTIWORD, doc, base, quoted):
        after = _first_token_from(doc, m.end())
        if after is None:
            continue
        k = after.i
        if after.lower_ == "that":
            k += 1
        elif not m.group(0).lower().startswith(NO_THAT_MULTIWORD):
            # "expressed his confidence in X" is no statement; "told reporters" without
            # "that" is left to the verb recogniser, which finds its clause in the parse
            continue
        content = _span_of(doc, k, len(doc), base)
        if content:
            found.append(_attribution(verb, Span(base + m.start(), base + m.end()), m.group(0), base, content,
                                      quoted))
    return found


# shorter contents are fragments of a misparse, not something said
_MIN_CONTENT_CHARS = 8
_MIN_CONTENT_WORDS = 3
# a content mostly inside one already found is the same statement found twice
_SAME_CONTENT_OVERLAP = 0.8


def _verb_cues(doc: Doc, base: int, quoted: list[Span], earlier: list[Attribution]) -> list[Attribution]:
    """Speech verbs with their content clause ("noted that …", "…, he said", "X said Y")."""
    found: list[Attribution] = []
    for tok, rng in _unquoted_cues(doc, base, quoted):
        if any(a.cue_token == tok.i for a in earlier + found):
            continue  # already a multiword cue
        subj = speaker_token(tok)
        content = _verb_content(doc, tok, rng[1], subj, base)
        if content is None or content.end - content.start < _MIN_CONTENT_CHARS:
            continue
        said = doc.text[content.start - base:content.end - base]
        if len(said.split()) < _MIN_CONTENT_WORDS:
            continue
        if any(_overlap(content, a.content) > _SAME_CONTENT_OVERLAP for a in earlier + found if a.content):
            continue
        if verb_lemma(tok.text) in QUESTION_VERBS and _asking(tok, subj) and \
                said.lower().startswith(QUESTION_WORDS):
            continue  # "Asked whether …, X replied", "A journalist asked whether …": a question
        cue_span, cue_text = _cue_extent(doc, tok, rng, base)
        found.append(_attribution(tok, cue_span, cue_text, base, content, quoted))
    return found


def _cue_extent(doc: Doc, tok: Token, rng: tuple[int, int], base: int) -> tuple[Span, str]:
    """Span and text of the cue headed by ``tok``: its token range, or the multiword cue
    that starts at it ("drew attention to")."""
    multi = MULTIWORD.match(doc.text, tok.idx)
    if multi:
        return Span(base + multi.start(), base + multi.end()), multi.group(0)
    last = doc[rng[1] - 1]
    return Span(base + tok.idx, base + last.idx + len(last.text)), doc.text[tok.idx:last.idx + len(last.text)]


def _verb_content(doc: Doc, tok: Token, cue_end: int, subj: Token | None, base: int) -> Span | None:
    """What the cue ``tok`` reports: its complement clause; else the clause the parser hung
    it on; else the clause a "that" opens right after it."""
    comps = _complement(tok)
    if comps:
        return _complement_content(doc, tok, comps[0], subj, base)
    content = _attached_content(doc, tok, cue_end, subj, base)
    if content is None:
        that = _opening_that(doc, tok, cue_end)
        if that is not None:
            # "said (in a statement) that the sides had "shared concern" about …": a quotation in
            # the clause can make the parser hang its words on the verb; "that" still opens it
            content = _span_of(doc, that + 1, tok.right_edge.i + 1, base)
    return content


def _complement_content(doc: Doc, tok: Token, comp: Token, subj: Token | None, base: int) -> Span | None:
    """The complement clause; an inverted one ("…, said X") ends before the subject and cue."""
    lo, hi = comp.left_edge.i, comp.right_edge.i + 1
    if comp.i > tok.i:
        return _span_of(doc, lo, hi, base)
    hi = min(hi, tok.i, subj.left_edge.i if subj is not None and subj.i < tok.i else hi)
    return _content_before(doc, lo, hi, base)


def _attached_content(doc: Doc, tok: Token, cue_end: int, subj: Token | None, base: int) -> Span | None:
    """Content of a cue the parser did not give a clause: "The economy is strong, he said."
    (the cue an appendage), "Farmers, he said, can …" (an aside), "X said Russia is …"."""
    if verb_lemma(tok.text) in NEEDS_CLAUSE:
        return None
    subj_before = subj is not None and subj.i < tok.i
    if tok.dep_ in ("parataxis", "advcl", "conj") and tok.head.i < tok.i and cue_of(tok.head) is None:
        hi = tok.left_edge.i
        if subj_before:
            hi = min(hi, subj.left_edge.i)
        return _content_before(doc, tok.head.left_edge.i, hi, base)
    if tok.dep_ in ("parataxis", "advcl", "ccomp") and tok.head.i > tok.i and subj_before \
            and _parenthetical(doc, subj.left_edge.i, cue_end - 1):
        return _span_of(doc, 0, len(doc), base)  # the sentence around the aside
    if tok.dep_ == "ROOT":
        return _clause_after_root(doc, tok, base)
    return None


def _clause_after_root(doc: Doc, tok: Token, base: int) -> Span | None:
    """ "X said Russia is …" misparsed: the clause after the cue (with optional "that")."""
    right = [c for c in tok.rights if c.dep_ not in ("punct", "prt", "npadvmod", "advmod", "prep", "dobj", "dative")]
    if not right or right[0].dep_ not in ("ccomp", "xcomp", "parataxis", "advcl"):
        return None
    if right[0].dep_ == "advcl" and right[0].tag_ in ("VBG", "VBN"):
        return None  # "said, looking out …"
    return _span_of(doc, right[0].left_edge.i, right[-1].right_edge.i + 1, base)


def _content_before(doc: Doc, lo: int, hi: int, base: int) -> Span | None:
    """Tokens ``lo..hi`` as the content of a cue that follows them, only if nothing but
    punctuation stands between them and the attribution ("…, he said")."""
    content = _span_of(doc, lo, hi, base)
    nxt = doc[hi].idx if hi < len(doc) else len(doc.text)
    if content is not None and not _adjacent(doc.text, content.end - base, nxt):
        return None
    return content


def _without_nested_cues(found: list[Attribution]) -> list[Attribution]:
    """Drop an attribution whose cue lies inside another's content (it is part of what was
    said, not a new frame), unless the two contain each other's cues."""
    return [a for a in found if not any(
        b is not a and b.content is not None and a.cue is not None
        and b.content.start <= a.cue.start < b.content.end
        and not (a.content is not None and b.cue is not None and a.content.start <= b.cue.start < a.content.end)
        for b in found)]


_ADJUNCT_DEPS = frozenset({"prep", "npadvmod", "advmod", "pobj", "det", "amod", "compound", "poss", "nummod"})
# an adjunct between a cue and its "that" is short ("in a statement", "after the talks");
# a "that" further on opens some other clause
_THAT_REACH = 6


def _opening_that(doc: Doc, verb: Token, start: int, reach: int = _THAT_REACH) -> int | None:
    """Index of the "that" opening a cue's clause, right after it or after a short adjunct
    of the verb ("said in a statement that", "told Agerpres after the talks that"), else None."""
    telling = verb_lemma(verb.text) in TELLING
    for k in range(start, min(len(doc), start + reach + 1)):
        tok = doc[k]
        if tok.lower_ == "that":
            # a finite verb: "Writing for a panel that all agreed …" is no cue with an adjunct
            return k if k == start or verb.tag_ in ("VBD", "VBZ", "VBP") else None
        addressee = telling and tok.dep_ in ("dobj", "dative") and _addressee(tok)
        if not (tok.dep_ in _ADJUNCT_DEPS or addressee) or verb not in tok.ancestors:
            return None
    return None


def _addressee(tok: Token) -> bool:
    """Whom one tells something: a name, a medium, an audience, a pronoun ("told Agerpres",
    "told reporters", "told him"); never "the truth" of "tells the truth that"."""
    return tok.tag_ in ("NNP", "NNPS", "PRP") or tok.lower_ in AUDIENCES or tok.lower_ in MEDIA_NOUNS


# an aside "…, the foreign minister of Ruritania said, …" is a handful of words; a longer
# stretch between commas is a clause of its own
_MAX_ASIDE_TOKENS = 8


def _parenthetical(doc: Doc, lo: int, hi: int) -> bool:
    """Whether tokens ``lo..hi`` are an aside set off by commas inside the sentence."""
    return 0 < lo and hi + 1 < len(doc) - 1 and doc[lo - 1].text in (",", "—") and doc[hi + 1].text in (",", "—") \
        and hi - lo <= _MAX_ASIDE_TOKENS


def _adjacent(text: str, end: int, nxt: int) -> bool:
    """Only punctuation between an inverted content and its attribution ("…, he said")."""
    return not text[end:nxt].strip(" \t\n,;:—–-\"'”’)")


def _overlap(a: Span, b: Span) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    shorter = min(a.end - a.start, b.end - b.start) or 1
    return inter / shorter


