"""The lexicon of speech cues: verbs of communication, their particles and multiword forms.

Only acts of communication count as statements; verbs of belief or wish ("believe",
"want", "hope") and of finding ("a poll found") are deliberately absent.
"""

from __future__ import annotations

import re
from typing import Final

# lemmas of verbs that report what someone said or wrote
SPEECH_VERBS: Final[frozenset[str]] = frozenset(
    """say tell add note stress emphasize emphasise state declare explain ask reply respond
    answer announce insist warn argue claim write tweet post recall continue conclude remark
    comment confirm deny urge assert maintain acknowledge admit concede suggest propose
    predict promise pledge vow assure reassure affirm reaffirm reiterate repeat underline
    underscore point report mention observe contend complain testify boast caution charge
    allege counter retort quip joke lament muse proclaim reveal disclose inform advise
    remind tout brag concur agree disagree object protest demand stipulate specify indicate
    signal highlight summarize summarise sum express describe characterize call criticize
    criticise praise blast accuse thank cite estimate forecast guarantee threaten hint
    imply acknowledge clarify elaborate recount relate narrate told""".split()
)

# verbs that count only with a particle or object ("pointed out", "summed up")
PARTICLE_CUES: Final[dict[str, frozenset[str]]] = {
    "point": frozenset({"out"}),
    "sum": frozenset({"up"}),
    "spell": frozenset({"out"}),
    "lay": frozenset({"out"}),
    "go": frozenset({"on"}),
    "speak": frozenset({"out", "up"}),
}
# verbs that need a complement clause to be a statement ("called X a liar" is not)
NEEDS_CLAUSE: Final[frozenset[str]] = frozenset(
    {"describe", "characterize", "call", "criticize", "criticise", "praise", "blast", "accuse",
     "thank", "cite", "agree", "disagree", "concur", "object", "express", "point", "continue",
     "go", "relate", "signal", "highlight", "estimate", "forecast", "indicate", "report",
     "advise", "inform", "tell", "ask", "answer", "demand", "propose", "repeat", "post",
     "reveal", "threaten", "promise", "pledge", "guarantee", "mention", "deny", "confirm",
     "acknowledge", "admit"}
)

# nouns whose "that"-clause is the content of an expressed attitude or a statement
CONTENT_NOUNS: Final[frozenset[str]] = frozenset(
    {"confidence", "hope", "conviction", "belief", "view", "opinion", "fact", "assurance",
     "statement", "claim", "argument", "point", "concern", "regret", "satisfaction"}
)

# multiword cues that a verb's lemma alone does not show
MULTIWORD: Final[re.Pattern[str]] = re.compile(
    r"\b(?:drew|draws|draw|drawing) (?:the )?attention to(?: the fact)?"
    r"|\b(?:expressed|expresses|express|expressing) (?:his|her|their|its|the) "
    r"(?:confidence|hope|conviction|belief|view|opinion|regret|concern|satisfaction)"
    r"|\b(?:made|makes|make) (?:it )?clear"
    r"|\b(?:went|goes|go|going) on to say"
    r"|\b(?:told|tells|tell) (?:reporters|journalists|the press|the media|an interviewer)",
    re.I,
)

ACCORDING_TO: Final[re.Pattern[str]] = re.compile(r"\b(?:according to|as quoted by|quoting)\b", re.I)
# speech verbs as regex alternatives for rules that read text without a parse: an aside
# inside a sentence (", the minister noted, …") and an attribution closing one ("…, he said")
ASIDE_VERBS: Final[str] = r"(?:noted|said|added|stressed|recalled|explained|pointed\s+out|believe[sd]?)"
ATTRIBUTION_VERBS: Final[str] = (
    r"(?:said|says|added|adds|noted|notes|stressed|told\s+\w+|explained|"
    r"emphasi[sz]ed|stated|announced|declared|underlined|pointed\s+out|insisted|argued)"
)

# multiword cues whose content may follow without "that" ("drew attention to the rise in …");
# matched against the cue's lower-cased start
NO_THAT_MULTIWORD: Final[tuple[str, ...]] = ("drew", "draws", "draw")

# forms of "tell" (the lexicon keeps "told" as a lemma of its own): its object may be the
# addressee or the medium ("told reporters", "told Interfax")
TELLING: Final[frozenset[str]] = frozenset({"tell", "told"})
# verbs of relaying: "Interfax quoted X as saying", "X was cited by TASS as saying"
RELAY_FORMS: Final[frozenset[str]] = frozenset(
    {"quote", "quoted", "quotes", "quoting", "cite", "cited", "cites", "citing"}
)
# verbs whose "whether …" / "why …" clause is a question put to someone, not a statement
QUESTION_VERBS: Final[frozenset[str]] = frozenset({"ask", "wonder", "inquire", "enquire", "query"})
QUESTION_WORDS: Final[tuple[str, ...]] = ("whether", "if", "why", "what", "how", "when", "where", "who",
                                          "which", "about")
# who puts the questions in an interview or a briefing
ASKERS: Final[frozenset[str]] = frozenset(
    {"journalist", "journalists", "reporter", "reporters", "correspondent", "correspondents",
     "interviewer", "moderator", "host", "presenter", "anchor"}
)
# media that relay what someone said ("told the Tolo news agency", "was quoted by TASS")
MEDIA_NOUNS: Final[frozenset[str]] = frozenset(
    {"agency", "newspaper", "daily", "weekly", "paper", "channel", "television", "tv", "radio",
     "broadcaster", "outlet", "website", "portal", "magazine", "network", "station", "tabloid",
     "media", "service", "wire", "programme", "program", "show"}
)
# names of audiences, not media ("told Parliament that")
AUDIENCES: Final[frozenset[str]] = frozenset(
    {"parliament", "congress", "senate", "assembly", "council", "committee", "court", "lawmakers",
     "reporters", "journalists", "correspondents", "delegates", "cabinet", "government",
     "commission", "conference", "briefing", "summit", "meeting", "forum"}
)
# one-word names of the wire services press texts quote from, case-folded
NEWS_AGENCIES: Final[frozenset[str]] = frozenset(
    """reuters afp ap xinhua tass ria interfax sputnik anadolu azertac trend qna wam spa kuna mena
    bna ona petra kazinform kabar uza belta ukrinform unian moldpres bta mti pap ctk tasr agerpres hina
    tanjug ansa efe lusa dpa apa kyodo jiji yonhap kcna bernama antara pna vna pti ians app irna isna
    mehr tasnim armenpress akipress khovar turkmendoustlyk montsame""".split()
)

_IRREGULAR: Final[dict[str, tuple[str, ...]]] = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "go": ("went", "gone"),
    "speak": ("spoke", "spoken"), "lay": ("laid",), "forecast": ("forecast",), "sum": ("summed", "summing"),
    "spell": ("spelt",), "make": ("made",), "draw": ("drew", "drawn"),
}


def _inflections(lemma: str) -> set[str]:
    """Regular English inflections of a verb lemma (overgenerating is harmless here)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgmnprt]$", lemma):  # "admit" -> "admitted"
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    forms |= set(_IRREGULAR.get(lemma, ()))
    return forms


# every inflected form of a cue verb -> its lemma: no lemmatizer needed at run time
VERB_FORMS: Final[dict[str, str]] = {
    form: lemma
    for lemma in sorted(SPEECH_VERBS | set(PARTICLE_CUES))
    for form in _inflections(lemma)
}
# forms that are mostly nouns or other verbs in news ("United States", "a post", "went"):
# they still count as cues in a parsed sentence, but do not make a sentence worth parsing
_WEAK_HINTS = frozenset({"state", "states", "post", "posts", "go", "goes", "went", "gone", "going",
                         "point", "points", "lay", "laid", "protest", "protests", "charge", "charges",
                         "object", "objects", "counter", "sum", "spell", "signal", "signals",
                         "forecast", "estimate", "demand", "demands", "answer", "answers"})
_HINT_FORMS = sorted((f for f in VERB_FORMS if f not in _WEAK_HINTS), key=len, reverse=True)

# a cheap pre-filter: a sentence with none of these (lower-case) words holds no speech cue
CUE_HINT: Final[re.Pattern[str]] = re.compile(
    r"\b(?:" + "|".join(re.escape(f) for f in _HINT_FORMS)
    + r"|[Aa]ccording to|quoting|quoted|(?:drew|draws|draw|drawing) attention"
    + r"|(?:made|makes|make) (?:it )?clear|(?:went|goes|go|going) on to|(?:pointed|points|point) (?:out|to)"
    + r"|(?:summed|sums|sum) up|(?:laid|lays|lay) out|(?:spelled|spelt|spells) out)\b"
)


def verb_lemma(form: str) -> str | None:
    """The lemma of a cue verb form ("said" -> "say"), None for any other word."""
    return VERB_FORMS.get(form.lower())


