"""Web pages: the article's text without boilerplate, and the metadata of the page's markup."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.inputs import InputError
from app.inputs.html import read_page, strip_site_suffix

PAGES = Path(__file__).parent / "data" / "inputs"


def test_main_text_without_menus_bylines_captions_boxes_or_footer() -> None:
    page = read_page((PAGES / "harbour.html").read_bytes())
    assert page.text.startswith("The transport minister, Clara Vent, said on Tuesday")
    assert '"We have listened to every concern' in page.text
    for boilerplate in ("Home", "Sport", "By Ana Ruiz", "old quay at dawn", "Most read", "Storm closes",
                        "All rights reserved", "Privacy policy"):
        assert boilerplate not in page.text
    assert page.text.count("\n\n") == 2  # one paragraph per block, a blank line between


def test_metadata_from_open_graph_json_ld_and_canonical_link() -> None:
    page = read_page((PAGES / "harbour.html").read_bytes())
    assert page.title == "Minister backs harbour plan"
    assert page.source == "The Coastal Herald"
    assert page.source_url == "https://herald.example/news/harbour-plan"
    assert page.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def test_date_from_a_time_element_and_title_suffix_after_a_dash() -> None:
    page = read_page((PAGES / "orchard.htm").read_text(encoding="utf-8"))
    assert page.title == "Growers warn of late frost"
    assert page.source == "Valley Farmer"
    assert page.published_at is not None and page.published_at.date().isoformat() == "2025-03-10"
    assert "Front page" not in page.text and "Advertise" not in page.text
    assert page.source_url is None  # no canonical link and not fetched: nothing guessed


def test_fetched_url_stands_in_for_a_missing_canonical_link_and_site_name() -> None:
    html = "<html><body><article><p>" + "The council said that the library would stay open on Sundays. " * 3 + "</p></article></body></html>"
    page = read_page(html, "https://news.example.org/library")
    assert page.source_url == "https://news.example.org/library"
    assert page.source == "news.example.org"
    assert page.published_at is None  # no date in the markup; none from the clock either


def test_a_page_without_article_text_is_refused() -> None:
    with pytest.raises(InputError, match="no article text"):
        read_page("<html><body><nav><a href='/'>Home</a></nav></body></html>")


@pytest.mark.parametrize(("title", "site", "expected"), [
    ("Minister backs plan | The Herald", "The Herald", "Minister backs plan"),
    ("Minister backs plan | Politics | The Herald", None, "Minister backs plan | Politics"),
    ("Frost warning - Valley Farmer", "Valley Farmer", "Frost warning"),
    ("Frost warning — valley farmer", "Valley Farmer", "Frost warning"),
    ("Left - right talks collapse", "The Herald", "Left - right talks collapse"),  # a dash of the headline
    ("Budget passes", "The Herald", "Budget passes"),
    ("| The Herald", "The Herald", "| The Herald"),
    (None, "The Herald", None),
])
def test_site_suffix(title: str | None, site: str | None, expected: str | None) -> None:
    assert strip_site_suffix(title, site) == expected
