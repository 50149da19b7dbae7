"""The browsing pages in-process (both backends): content, highlighting offsets, escaping,
security headers, and the JSON API left untouched beside them."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from app.models import Statement
from app.web.highlight import in_paragraph, timeline


def test_home_lists_speakers_declarations_and_documents(web_client: TestClient) -> None:
    response = web_client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert re.search(r'<a href="/browse/speakers/ilham-aliyev">Ilham Aliyev</a>.*?<td class="n">8</td>', page, re.S)
    assert "Vladimir Putin" in page and "Declaration on Allied Cooperation" in page
    assert '<span class="principle">territorial integrity</span>' in page
    assert 'role="search"' in page and '<html lang="en">' in page and 'href="#content"' in page
    headers = response.headers
    assert headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"] and headers["x-content-type-options"] == "nosniff"


def test_speaker_page_shows_statements_in_their_paragraphs(web_client: TestClient) -> None:
    page = web_client.get("/browse/speakers/ilham-aliyev").text
    assert page.count('<article class="statement"') == 8
    statements = web_client.get("/speakers/ilham-aliyev/statements").json()["items"]
    for st in statements:
        assert f'<mark class="quote">{html.escape(st["text"], quote=True)}</mark>' in page
    assert '<mark class="speaker">the republican leader</mark>' in page
    assert '<svg role="img"' in page and "undated: 8" in page


def test_speaker_page_filters(web_client: TestClient) -> None:
    assert web_client.get("/browse/speakers/ilham-aliyev?kind=direct").text.count('<article class="statement"') == 3
    page = web_client.get("/browse/speakers/ilham-aliyev", params={"q": "peace", "kind": "indirect"}).text
    assert page.count('<article class="statement"') == 2
    bad = web_client.get("/browse/speakers/ilham-aliyev", params={"q": '"'})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    assert web_client.get("/browse/speakers/nobody").status_code == 404
    assert web_client.get("/browse/speakers/ilham-aliyev?kind=bogus").status_code == 422


def test_search_page(web_client: TestClient) -> None:
    page = web_client.get("/browse/search", params={"q": "territorial integrity"}).text
    assert page.count("<mark>territorial integrity</mark>") == 2 and "Ilham Aliyev" in page
    assert web_client.get("/browse/search").status_code == 200


def test_json_api_is_unchanged_beside_the_pages(web_client: TestClient) -> None:
    assert web_client.get("/speakers/ilham-aliyev").headers["content-type"] == "application/json"
    spec = web_client.get("/openapi.json").json()["paths"]
    assert "/" not in spec and not any(p.startswith("/browse") for p in spec)
    assert "/search" in spec and "/oembed" in spec and "/embed/statements/{statement_id}" in spec


def test_in_paragraph_offsets_and_overlaps() -> None:
    text = "Intro.\n\nHe said: “Peace now”, she added.\n\nNext."
    start = text.index("Peace")
    st = Statement(document_id=1, kind="direct", text="Peace now", start_char=start, end_char=start + 9,
                   speaker_mention_start=8, speaker_mention_end=10, cue_start=11, cue_end=15)
    pieces = in_paragraph(text, st)
    assert "".join(p.text for p in pieces) == "He said: “Peace now”, she added."
    assert [(p.text, p.role) for p in pieces if p.role] == [("He", "speaker"), ("said", "cue"), ("Peace now", "quote")]
    outside = Statement(document_id=1, kind="direct", text="Peace now", start_char=start, end_char=start + 9,
                        speaker_mention_start=0, speaker_mention_end=5)
    assert [p.role for p in in_paragraph(text, outside) if p.role] == ["quote"]


def test_timeline_months_and_undated() -> None:
    from datetime import datetime

    chart = timeline([datetime(2023, 1, 5), datetime(2023, 3, 1), datetime(2023, 3, 9), None])
    assert [(b.label, b.count) for b in chart.bars] == [("Jan 2023", 1), ("Feb 2023", 0), ("Mar 2023", 2), ("undated", 1)]
    assert "Mar 2023: 2" in chart.summary and chart.total == 4
