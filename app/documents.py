"""A document before it is stored: its canonical text, the hash that identifies it, its
publication date, and the extractor that reads it (with the version stored beside it).

No database here: ``app.store`` writes what these functions decide, ``app.ingest`` checks
sidecars with them, and extraction workers run the same extractor on the same text.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING

from app.models import as_utc

if TYPE_CHECKING:
    from app.extract.types import Extraction


def normalise_text(text: str) -> str:
    """The canonical form we store and hash: NFC, ``\\n`` newlines, no BOM, no blank edges.

    Only leading blank *lines* and trailing whitespace are removed, so offsets into a
    file that starts with its first line are unchanged.
    """
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    while text.startswith("\n") or (text.split("\n", 1)[0].strip() == "" and "\n" in text):
        text = text.split("\n", 1)[1]
    return text


def text_sha256(text: str) -> str:
    """The content key of a normalised text: the same text is stored once."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_published_at(value: str | datetime | None) -> datetime | None:
    """ISO 8601 date or datetime, returned in UTC (a naive value is taken as UTC).

    Converting to UTC matters on SQLite, which stores the wall time without its offset.
    Raises ValueError for anything else.
    """
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return as_utc(moment)


# The extractor is imported on first use: it loads spaCy, which the serving process never
# needs, and tests replace these two functions with scripted stand-ins.


def extractor_version() -> str:
    """The running extractor's version; stored documents with another one are re-extracted."""
    from app.extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def run_extractor(text: str) -> Extraction:
    """What the running extractor finds in ``text`` (already normalised)."""
    from app.extract import extract

    return extract(text)
