"""spaCy over the chosen sentence units of many documents, each component only where its
output can be read.

The rules read a parse only to find speech cues, and a cue needs a cue verb form tagged as
a verb, "according to" or a multiword cue (see ``reported.find_cues`` and
``reported.find_reported``). So a unit chosen for parsing is first only tokenized, then
tagged if it holds a cue verb form, then parsed if one of them is tagged as a verb; every
unit gets named entities. The parser reads the tagger's shared token vectors from
``doc.tensor`` and the entity recogniser has its own, so each unit's annotations are those
the whole pipeline gives it, and a unit left unparsed is one whose parse no rule would use.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Token

from app.extract.cues import ACCORDING_TO, MULTIWORD, verb_lemma
from app.extract.nlp import for_spacy
from app.extract.types import Span

MAX_UNIT_CHARS = 20_000  # longer units (a long quote, a table) go to spaCy in pieces
_TAG = ("tok2vec", "tagger")
_PARSE = ("parser",)
_NAMES = ("ner",)


def analyse_units(nlp: Language, parse: list[tuple[str, Span]],
                  names: list[tuple[str, Span]]) -> tuple[list[tuple[Doc, bool]], list[Doc]]:
    """For each (text, span) of ``parse`` its doc and whether it was parsed; for each of
    ``names`` its doc with named entities only. All units go through each component in one
    ``nlp.pipe`` call, so its batches span documents."""
    parse_pieces = [_tokenized(nlp, text, span) for text, span in parse]
    name_pieces = [_tokenized(nlp, text, span) for text, span in names]
    worded = [pieces for pieces in parse_pieces if _text_cue(pieces) or any(_cue_forms(pieces))]
    _apply(nlp, (doc for pieces in worded for doc in pieces), _TAG)
    tagged = [pieces for pieces in worded if _text_cue(pieces) or any(
        t.tag_.startswith("VB") for t in _cue_forms(pieces))]
    _apply(nlp, (doc for pieces in tagged for doc in pieces), _PARSE)
    _apply(nlp, (doc for pieces in parse_pieces + name_pieces for doc in pieces), _NAMES)
    parsed = {id(pieces) for pieces in tagged}
    return ([(_joined(pieces), id(pieces) in parsed) for pieces in parse_pieces],
            [_joined(pieces) for pieces in name_pieces])


def _apply(nlp: Language, docs: Iterable[Doc], components: tuple[str, ...]) -> None:
    """Run ``components`` over ``docs``, which spaCy annotates in place."""
    disable = [name for name in nlp.pipe_names if name not in components]
    for _ in nlp.pipe(docs, disable=disable):
        pass


def _cue_forms(pieces: list[Doc]) -> Iterable[Token]:
    """The tokens of a unit that are forms of a cue verb (whatever their tag)."""
    return (t for doc in pieces for t in doc if verb_lemma(t.text) is not None)


def _text_cue(pieces: list[Doc]) -> bool:
    """Whether a unit holds a cue found in its text rather than by a verb's tag."""
    text = "".join(doc.text for doc in pieces)
    return ACCORDING_TO.search(text) is not None or MULTIWORD.search(text) is not None


def _tokenized(nlp: Language, text: str, span: Span) -> list[Doc]:
    """The unit's tokens, in one doc per piece: spaCy sees :func:`for_spacy` text, and a
    span longer than ``MAX_UNIT_CHARS`` in pieces, so time and memory stay linear in its
    length."""
    return [nlp.make_doc(for_spacy(text[p.start:p.end])) for p in _pieces(text, span)]


def _joined(pieces: list[Doc]) -> Doc:
    """A unit's pieces as one doc, every character offset that of the original span."""
    return pieces[0] if len(pieces) == 1 else Doc.from_docs(pieces, ensure_whitespace=False)


def _pieces(text: str, span: Span) -> list[Span]:
    """``span`` cut into pieces of at most ``MAX_UNIT_CHARS``, each ending after a sentence
    stop or else a space in its second half when there is one (spaCy parses each piece as
    if it were a paragraph of its own)."""
    pieces: list[Span] = []
    start = span.start
    while span.end - start > MAX_UNIT_CHARS:
        half, limit = start + MAX_UNIT_CHARS // 2, start + MAX_UNIT_CHARS
        cut = text.rfind(". ", half, limit) + 2
        if cut <= half:
            cut = text.rfind(" ", half, limit) + 1
        if cut <= half:
            cut = limit
        pieces.append(Span(start, cut))
        start = cut
    pieces.append(Span(start, span.end))
    return pieces
