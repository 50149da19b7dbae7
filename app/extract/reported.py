"""Reported speech in one parsed sentence: cue, content clause and the speaker's mention.

Works on the dependency parse of a single sentence unit: a speech verb with a complement
clause ("noted that …"), an inverted attribution ("…, said X." / "…, X said."), the
"according to X" frame on either side, and multiword cues ("drew attention to the fact
that …", "expressed his confidence that …"). Returned offsets are document offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from app.extract.cues import ACCORDING_TO, CONTENT_NOUNS, MULTIWORD, NEEDS_CLAUSE, PARTICLE_CUES, verb_lemma
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


def speaker_token(verb: Token) -> Token | None:
    """The grammatical subject of a cue, inherited through participles ("…, adding that")."""
    node: Token | None = verb
    for _ in range(4):
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


# media that relay what someone said ("told the Tolo news agency", "was quoted by TASS")
_MEDIA_NOUNS = frozenset({"agency", "newspaper", "daily", "weekly", "paper", "channel", "television", "tv",
                          "radio", "broadcaster", "outlet", "website", "portal", "magazine", "network",
                          "station", "tabloid", "media", "service", "wire", "programme", "program", "show"})
# proper names that are audiences, not media ("told Parliament that")
_AUDIENCES = frozenset({"parliament", "congress", "senate", "assembly", "council", "committee", "court",
                        "lawmakers", "reporters", "journalists", "correspondents", "delegates", "cabinet",
                        "government", "commission", "conference", "briefing", "summit", "meeting", "forum"})
# one-word names of the wire services press texts quote from, case-folded
NEWS_AGENCIES = frozenset(
    """reuters afp ap xinhua tass ria interfax sputnik anadolu azertac trend qna wam spa kuna mena
    bna ona petra kazinform kabar uza belta ukrinform unian moldpres bta mti pap ctk tasr agerpres hina
    tanjug ansa efe lusa dpa apa kyodo jiji yonhap kcna bernama antara pna vna pti ians app irna isna
    mehr tasnim armenpress akipress khovar turkmendoustlyk montsame""".split()
)
_RELAY_VERBS = frozenset({"quote", "cite"})
_QUESTION_VERBS = frozenset({"ask", "wonder", "inquire", "enquire", "query"})
_QUESTION_WORDS = ("whether", "if", "why", "what", "how", "when", "where", "who", "which", "about")


_ASKERS = frozenset({"journalist", "journalists", "reporter", "reporters", "correspondent", "correspondents",
                     "interviewer", "moderator", "host", "presenter", "anchor"})


def _asking(verb: Token, subj: Token | None) -> bool:
    """A question frame: "Asked whether …," opening a reply, or a journalist asking."""
    if subj is None or verb.i == 0 and verb.lower_ == "asked":
        return True
    return subj.lower_ in _ASKERS


def _is_medium(tok: Token) -> bool:
    """Whether an object of "told" / agent of "quoted" names a news medium."""
    low = tok.lower_
    if low in NEWS_AGENCIES:
        return True  # the model often takes "Xinhua" or "Kyodo" for a person
    if low in _AUDIENCES or tok.ent_type_ in ("PERSON", "GPE", "NORP", "DATE", "TIME"):
        return False
    return low in _MEDIA_NOUNS or (tok.tag_ in ("NNP", "NNPS") and tok.ent_type_ in ("ORG", "WORK_OF_ART", ""))


def _relay(verb: Token) -> tuple[Token | None, Token | None] | None:
    """(speaker, medium) of "M quoted X as saying" / "X was quoted by M as saying", else None."""
    node = verb
    if node.dep_ == "pcomp" and node.head.lower_ == "as":
        node = node.head.head
    elif node.dep_ == "advcl" and any(c.lower_ == "as" for c in node.children):
        node = node.head
    else:
        return None
    if verb_lemma_of(node) not in _RELAY_VERBS:
        return None
    objs = [c for c in node.children if c.dep_ in ("dobj", "nsubjpass")]
    subjs = [c for c in node.children if c.dep_ == "nsubj"]
    agents = [g for c in node.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    medium = (subjs or agents or [None])[0]
    return (objs[0] if objs else None), medium


def verb_lemma_of(tok: Token) -> str:
    low = tok.lower_
    return {"quoted": "quote", "quotes": "quote", "quoting": "quote", "cited": "cite", "cites": "cite",
            "citing": "cite"}.get(low, low)


def _co_speakers(subj: Token, base: int) -> list[Span]:
    """The other conjuncts of a coordinated subject: "Y" (and "Z") of "X and Y announced"."""
    out: list[Span] = []
    node = subj
    for _ in range(4):
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
        if any(q.start <= base + t.idx < q.end for q in quoted) or t.text in "“”\"":
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
    if subj is not None and quoted and any(q.start <= base + subj.idx < q.end for q in quoted):
        subj = _inverted_speaker(tok, base, quoted)  # never a word of the quotation itself
    via: Token | None = None
    relay = _relay(tok)
    if relay is not None:
        subj, via = relay
    else:
        objs = [c for c in tok.children if c.dep_ in ("dative", "dobj")]
        if verb_lemma(tok.text) in ("tell", "told") and objs and _is_medium(objs[0]):
            via = objs[0]
    if via is not None and not _is_medium(via) and relay is None:
        via = None
    if via is not None and via.lower_ in _MEDIA_NOUNS and via.i + 1 < len(via.doc) and \
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


def find_reported(doc: Doc, base: int, quoted: list[Span]) -> list[Attribution]:
    """Reported-speech attributions in the sentence ``doc`` (document offset ``base``)."""
    found: list[Attribution] = []
    used_content: list[Span] = []
    text = doc.text

    def in_quote(tok: Token) -> bool:
        pos = base + tok.idx
        return any(q.start <= pos < q.end for q in quoted)

    # "according to X"
    for m in ACCORDING_TO.finditer(text):
        toks = [t for t in doc if t.idx >= m.start()]
        if not toks or in_quote(toks[0]):
            continue
        first = toks[0]
        pobj = None
        window = doc[first.i:first.i + 3]
        pobj = next((g for t in window for g in t.children if g.dep_ == "pobj"), None)
        if pobj is None:  # a misparse: take the head noun of the words after the frame
            nouns = [t for t in doc[first.i + 1:first.i + 8] if t.tag_ in _NOMINAL
                     and t.idx >= m.end()]
            for t in nouns:
                pobj = t
                if t.i + 1 >= len(doc) or doc[t.i + 1].tag_ not in _NOMINAL:
                    break
        phrase_end = first.i + 1
        if pobj is not None:
            phrase_end = max(pobj.right_edge.i + 1, pobj.i + 1)
        # the frame either opens the sentence or closes it (or sits in its middle)
        before = _span_of(doc, 0, first.i, base)
        after = _span_of(doc, phrase_end, len(doc), base)
        content = None
        if after and (not before or (after.end - after.start) >= (before.end - before.start)):
            content = after
        elif before:
            content = before
        mention = mention_span(pobj, base) if pobj is not None else None
        if content:
            found.append(Attribution(Span(base + m.start(), base + m.end()), m.group(0), mention,
                                     content, according_to=True))
            used_content.append(content)

    # multiword cues whose complement follows the phrase
    for m in MULTIWORD.finditer(text):
        toks = [t for t in doc if t.idx >= m.start()]
        if not toks or in_quote(toks[0]):
            continue
        verb = toks[0]
        after_toks = [t for t in doc if t.idx >= m.end()]
        if not after_toks:
            continue
        k = after_toks[0].i
        if doc[k].lower_ == "that":
            k += 1
        elif not m.group(0).lower().startswith(("drew", "draws", "draw", "told", "tells", "tell")) and doc[k].lower_ not in ("that",):
            continue  # "expressed his confidence in X" is not a statement
        if m.group(0).lower().startswith(("told", "tells", "tell")) and doc[after_toks[0].i].lower_ != "that":
            continue  # handled by the verb path when the parse finds the clause
        content = _span_of(doc, k, len(doc), base)
        if content:
            found.append(_attribution(verb, Span(base + m.start(), base + m.end()), m.group(0), base, content,
                                      quoted))
            used_content.append(content)

    # speech verbs with a complement clause
    for tok in doc:
        rng = cue_of(tok)
        if rng is None or in_quote(tok):
            continue
        if any(a.cue_token == tok.i for a in found):
            continue
        lemma = verb_lemma(tok.text) or ""
        cue_span = Span(base + doc[rng[0]].idx, base + doc[rng[1] - 1].idx + len(doc[rng[1] - 1].text))
        cue_text = text[doc[rng[0]].idx: doc[rng[1] - 1].idx + len(doc[rng[1] - 1].text)]
        multi = MULTIWORD.match(text, tok.idx)
        if multi:
            cue_span, cue_text = Span(base + multi.start(), base + multi.end()), multi.group(0)
        subj = speaker_token(tok)
        comps = _complement(tok)
        content: Span | None = None
        if comps:
            comp = comps[0]
            lo, hi = comp.left_edge.i, comp.right_edge.i + 1
            if comp.i < tok.i:
                # inverted: the content precedes the cue: stop before the subject/cue
                hi = min(hi, tok.i, subj.left_edge.i if subj is not None and subj.i < tok.i else hi)
            content = _span_of(doc, lo, hi, base)
            if content is not None and comp.i < tok.i and not _adjacent(text, content.end - base, doc[hi].idx if hi < len(doc) else len(text)):
                content = None
        elif tok.dep_ in ("parataxis", "advcl", "conj") and tok.head.i < tok.i and lemma not in NEEDS_CLAUSE \
                and cue_of(tok.head) is None:
            # "The economy is strong, he said." parsed with the cue as an appendage
            head = tok.head
            lo = head.left_edge.i
            hi = tok.left_edge.i
            if subj is not None and subj.i < tok.i:
                hi = min(hi, subj.left_edge.i)
            content = _span_of(doc, lo, hi, base)
            if content is not None and not _adjacent(text, content.end - base, doc[hi].idx if hi < len(doc) else len(text)):
                content = None
        elif tok.dep_ in ("parataxis", "advcl", "ccomp") and tok.head.i > tok.i and lemma not in NEEDS_CLAUSE \
                and subj is not None and subj.i < tok.i and _parenthetical(doc, subj.left_edge.i, rng[1] - 1):
            # "African-Americans, he said, can …": the sentence around the aside is the content
            content = _span_of(doc, 0, len(doc), base)
        elif tok.dep_ == "ROOT" and lemma not in NEEDS_CLAUSE:
            # "X said Russia is …" misparsed: clause after the cue (with optional "that")
            right = [c for c in tok.rights if c.dep_ not in ("punct", "prt", "npadvmod", "advmod", "prep", "dobj", "dative")]
            if right and right[0].dep_ in ("ccomp", "xcomp", "parataxis", "advcl") and not (
                    right[0].dep_ == "advcl" and right[0].tag_ in ("VBG", "VBN")):  # "said, looking out …"
                content = _span_of(doc, right[0].left_edge.i, right[-1].right_edge.i + 1, base)
        that = _opening_that(doc, tok, rng[1]) if content is None and not comps else None
        if that is not None:
            # "said (in a statement) that the sides had "shared concern" about …": a quotation in
            # the clause can make the parser hang its words on the verb; "that" still opens it
            content = _span_of(doc, that + 1, tok.right_edge.i + 1, base)
        if content is None or content.end - content.start < 8:
            continue
        if len(text[content.start - base:content.end - base].split()) < 3:
            continue
        if any(_overlap(content, u) > 0.8 for u in used_content):
            continue
        if lemma in _QUESTION_VERBS and _asking(tok, subj) and \
                text[content.start - base:content.end - base].lower().startswith(_QUESTION_WORDS):
            continue  # "Asked whether …, X replied", "A journalist asked whether …": a question
        found.append(_attribution(tok, cue_span, cue_text, base, content, quoted))
        used_content.append(content)
    # a cue inside another statement's content is part of what was said, not a new frame
    return [a for a in found if not any(
        b is not a and b.content is not None and a.cue is not None
        and b.content.start <= a.cue.start < b.content.end
        and not (a.content is not None and b.cue is not None and a.content.start <= b.cue.start < a.content.end)
        for b in found)]


_ADJUNCT_DEPS = frozenset({"prep", "npadvmod", "advmod", "pobj", "det", "amod", "compound", "poss", "nummod"})


def _opening_that(doc: Doc, verb: Token, start: int, reach: int = 6) -> int | None:
    """Index of the "that" opening a cue's clause, right after it or after a short adjunct
    of the verb ("said in a statement that", "told Agerpres after the talks that"), else None."""
    telling = verb_lemma(verb.text) in ("tell", "told")
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
    return tok.tag_ in ("NNP", "NNPS", "PRP") or tok.lower_ in _AUDIENCES or tok.lower_ in _MEDIA_NOUNS


def find_cues(doc: Doc, base: int, quoted: list[Span]) -> list[Attribution]:
    """Speech cues outside quotations (for attributing direct quotes), content left empty."""
    out: list[Attribution] = []
    text = doc.text
    for tok in doc:
        rng = cue_of(tok)
        if rng is None:
            continue
        pos = base + tok.idx
        if any(q.start <= pos < q.end for q in quoted):
            continue
        cue_end_tok = doc[rng[1] - 1]
        cue_span = Span(base + tok.idx, base + cue_end_tok.idx + len(cue_end_tok.text))
        cue_text = text[tok.idx: cue_end_tok.idx + len(cue_end_tok.text)]
        m = MULTIWORD.match(text, tok.idx)
        if m:
            cue_span = Span(base + m.start(), base + m.end())
            cue_text = m.group(0)
        out.append(_attribution(tok, cue_span, cue_text, base, quoted=quoted))
    return out


def _parenthetical(doc: Doc, lo: int, hi: int) -> bool:
    """Whether tokens ``lo..hi`` are an aside set off by commas inside the sentence."""
    return 0 < lo and hi + 1 < len(doc) - 1 and doc[lo - 1].text in (",", "—") and doc[hi + 1].text in (",", "—") \
        and hi - lo <= 8


def _adjacent(text: str, end: int, nxt: int) -> bool:
    """Only punctuation between an inverted content and its attribution ("…, he said")."""
    return not text[end:nxt].strip(" \t\n,;:—–-\"'”’)")


def _overlap(a: Span, b: Span) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    shorter = min(a.end - a.start, b.end - b.start) or 1
    return inter / shorter


