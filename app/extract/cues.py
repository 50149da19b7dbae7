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
    r"|\b(?:went|goes|go) on to say"
    r"|\b(?:told|tells|tell) (?:reporters|journalists|the press|the media|an interviewer)",
    re.I,
)

ACCORDING_TO: Final[re.Pattern[str]] = re.compile(r"\b(?:according to|as quoted by|quoting)\b", re.I)

# a cheap pre-filter: sentences without any of these need no parse for speech
_STEMS = sorted({v[:5] if len(v) > 5 else v for v in SPEECH_VERBS} | {"said", "told", "wrote", "sum", "drew"})
CUE_HINT: Final[re.Pattern[str]] = re.compile(
    r"\b(?:" + "|".join(re.escape(s) for s in _STEMS) + r")|according to|quoting", re.I
)


def is_speech_lemma(lemma: str) -> bool:
    """Whether a verb lemma can report speech on its own or with a particle."""
    return lemma in SPEECH_VERBS or lemma in PARTICLE_CUES
