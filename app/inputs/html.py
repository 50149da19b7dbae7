"""Saved or fetched web pages → the article's main text and its metadata.

trafilatura (Apache-2.0) does the work hand-written rules do badly: it drops menus, bylines,
captions, "most read" boxes and footers, and reads the page's own metadata (Open Graph and
article meta, ``<time>``, JSON-LD). The stored text is the article alone, one paragraph per
block, so every offset extraction reports refers to that text; the HTML is not kept.
Publication dates come from the markup only: no guess from the running text, the URL or
the file's time.
"""

from __future__ import annotations

import re
from datetime import datetime

from app.inputs.article import Article
from app.inputs.errors import InputError
from app.text import collapse_whitespace

# htmldate's settings: the full timestamp, the original (not the modified) date, and markup
# only (its "extensive" search guesses from free text, which we do not want).
DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": False}
# " | The Site", " - The Site", " — The Site": the separators pages put before their name
_TITLE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+(?P<site>[^|–—·»]+?)\s*$")


def read_page(html: str | bytes, url: str | None = None) -> Article:
    """The main text and metadata of ``html``; InputError when it has no article text.

    ``url`` (where the page was fetched from) stands in for a missing canonical URL and
    its host for a missing site name.
    """
    import trafilatura  # imported on first use: lxml and friends are not needed elsewhere

    found = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        fast=True,  # no fallback extractors: on a page with no article they return its menus
        date_extraction_params=DATE_PARAMS,
    )
    raw = (found.text or "").replace("\x00", "") if found else ""  # NUL: no database stores it
    paragraphs = [line.strip() for line in raw.splitlines() if line.strip()]
    if not paragraphs:
        raise InputError("no article text found in the page")
    site = _clean(found.sitename) or _clean(found.hostname)
    return Article(
        text="\n\n".join(paragraphs),  # a blank line between blocks: one paragraph each
        title=strip_site_suffix(_clean(found.title), site),
        published_at=_moment(found.date),
        source=site,
        source_url=_http_url(found.url) or _http_url(url),
    )


def strip_site_suffix(title: str | None, site: str | None) -> str | None:
    """"Minister backs plan | The Herald" → "Minister backs plan".

    A pipe always separates the site's name; other separators (dashes, "»") only when what
    follows is the site's name, since a headline may contain a dash of its own.
    """
    if not title:
        return None
    match = _TITLE_SUFFIX.search(title)
    if match and match.start() > 0:
        separator = title[match.start():match.start("site")].strip()
        tail = _comparable(match.group("site"))
        if separator == "|" or (site and tail in {_comparable(site), _comparable(site).removeprefix("www.")}):
            return title[: match.start()].strip() or title
    return title


def _comparable(name: str) -> str:
    return " ".join(name.lower().split())


def _clean(value: str | None) -> str | None:
    return collapse_whitespace(value or "") or None


def _moment(value: str | None) -> datetime | None:
    """An ISO 8601 date or timestamp; None when the markup gives none or garbage."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _http_url(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if re.match(r"^https?://\S+$", value) and len(value) <= 2000 else None
