"""Extraction test fixtures: the model is loaded once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.extract import extract
from app.extract.nlp import load_nlp
from app.extract.types import Extraction

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="session")
def run_extract() -> Callable[[str], Extraction]:
    load_nlp()  # warm the cached pipeline once
    return extract
