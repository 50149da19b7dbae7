"""The one shape every reader gives a document: its text and the metadata its source gave.

A web page's markup, an export's record and a fetched URL all yield an :class:`Article`;
storing it hands the text and these fields to ``app.store.ingest_text`` as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Article:
    """A document's text and what its source says of it (None where it says nothing)."""

    text: str
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    source_url: str | None = None

    def metadata(self) -> dict[str, Any]:
        """The fields besides the text, by the names ``ingest_text`` takes them."""
        return {"title": self.title, "published_at": self.published_at,
                "source": self.source, "source_url": self.source_url}

    def or_source(self, name: str) -> Article:
        """The same article with ``name`` as its source when it names none (a file's name)."""
        return self if self.source else replace(self, source=name)
