"""/quotations, /speakers/{id}/quotations, quotes' quotation_id and /quotes/match over HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from app.config import Settings
from app.main import create_app
from app.schemas import QuotationDetail, QuotationOut, QuoteMatchOut
from tests.provenance.conftest import Article

BRIDGE = "We will rebuild the old harbour bridge before the winter comes, and nobody will stop us."
TAXES = "Local taxes will not rise while I am mayor of this city, whatever the council decides."
BUSES = "Night buses will run every twenty minutes from the first of June."

ARTICLES = [
    Article(f'Ines Varga spoke in Lindau. “{BRIDGE}” She also said: “{TAXES}”', "2024-05-06",
            (("ines-varga", BRIDGE), ("ines-varga", TAXES)), "https://news.example.org/lindau-1"),
    Article("Ines Varga said: 'we will rebuild the old harbour bridge before the winter comes — and nobody "
            "will stop us!'", "2024-05-03",
            (("ines-varga", "we will rebuild the old harbour bridge before the winter comes — and nobody will stop us!"),),
            "https://example.com/harbour"),
    Article(f'Ines Varga vowed to "rebuild the old harbour bridge". "{BUSES}"', None,
            (("ines-varga", "rebuild the old harbour bridge"), ("ines-varga", BUSES))),
    Article(f'Omar Haddad repeated: "{TAXES}"', "2024-06-01", (("omar-haddad", TAXES),)),
]


@pytest.fixture
def client(engine: Engine, database_url: str, store_article: Callable[[Article], int]) -> Iterator[TestClient]:
    for article in ARTICLES:
        store_article(article)
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client


def _by_text(client: TestClient, **params: str) -> dict[str, dict]:
    items = client.get("/quotations", params={"limit": "100", **params}).json()["items"]
    return {item["text"]: item for item in items}


def test_quotations_list_item_and_occurrences(client: TestClient) -> None:
    page = client.get("/quotations?sort=-occurrence_count").json()
    for item in page["items"]:
        QuotationOut.model_validate(item)
    top = page["items"][0]
    assert (top["occurrence_count"], top["document_count"], top["speaker"]["slug"]) == (3, 3, "ines-varga")
    assert top["first_seen"].startswith("2024-05-03")
    assert top["text"].startswith("we will rebuild")  # the longest occurrence
    assert page["total"] == 4  # the bridge, Varga's taxes, the buses, Haddad's taxes

    detail = client.get(f"/quotations/{top['id']}").json()
    QuotationDetail.model_validate(detail)
    dates = [o["published_at"] for o in detail["occurrences"]]
    assert dates[0].startswith("2024-05-03") and dates[1].startswith("2024-05-06") and dates[2] is None
    assert detail["occurrences"][0]["source_url"] == "https://example.com/harbour"
    occurrences = client.get(detail["occurrences_url"]).json()["items"]
    assert [q["id"] for q in occurrences] == [o["quote_id"] for o in detail["occurrences"]]
    assert {q["quotation_id"] for q in occurrences} == {top["id"]}


@pytest.mark.parametrize(("params", "expected"), [
    ({"speaker": "omar-haddad"}, {TAXES: 1}),
    ({"speaker": "Ines Varga", "min_occurrences": "2"}, {"we will rebuild the old harbour bridge before the winter "
                                                         "comes — and nobody will stop us!": 3}),
    ({"q": "buses"}, {BUSES: 1}),
    ({"q": "harbour", "published_after": "2024-05-01", "published_before": "2024-05-04"},
     {"we will rebuild the old harbour bridge before the winter comes — and nobody will stop us!": 3}),
    ({"published_after": "2024-05-05"}, {TAXES: 1}),  # first seen 2024-05-06 and 2024-06-01: two TAXES rows
])
def test_quotation_filters(client: TestClient, params: dict[str, str], expected: dict[str, int]) -> None:
    items = client.get("/quotations", params={"limit": "100", **params}).json()["items"]
    assert {item["text"]: item["occurrence_count"] for item in items} == expected


def test_sorting_paging_facets_and_exports(client: TestClient) -> None:
    first = client.get("/quotations?sort=first_seen&limit=2").json()
    second = client.get(first["next"]).json()
    seen = [i["first_seen"] for i in first["items"] + second["items"]]
    assert seen[:3] == sorted(seen[:3]) and seen[3] is None  # undated last
    assert len({i["id"] for i in first["items"] + second["items"]}) == 4
    assert client.get("/quotations?sort=colour").status_code == 400
    assert client.get(first["next"].replace("sort=first_seen", "sort=id")).status_code == 400  # cursor bound to sort
    facets = client.get("/quotations?facet=speaker").json()["facets"]["speaker"]
    assert [(f["value"], f["count"]) for f in facets] == [("ines-varga", 3), ("omar-haddad", 1)]
    rows = list(csv.DictReader(io.StringIO(client.get("/quotations?format=csv").text)))
    assert {r["speaker_name"] for r in rows} == {"Ines Varga", "Omar Haddad"} and len(rows) == 4
    lines = client.get("/quotations?format=ndjson").text.splitlines()
    assert len(lines) == 4 and '"speaker_id"' in lines[0]


def test_speaker_quotations_and_quote_fields(client: TestClient) -> None:
    nested = client.get("/speakers/omar-haddad/quotations").json()
    assert [i["text"] for i in nested["items"]] == [TAXES] and nested["total"] == 1
    assert client.get("/speakers/nobody-at-all/quotations").status_code == 404
    quotes = client.get("/quotes?limit=100").json()["items"]
    assert all(isinstance(q["quotation_id"], int) for q in quotes)
    assert client.get("/quotations/999999").status_code == 404
    assert client.get("/quotations?min_occurrences=0").status_code == 422


CLAIMS = [
    # one changed word
    ("We will rebuild the old harbour bridge before the summer comes, and nobody will stop us.", BRIDGE),
    # a dropped clause
    ("Local taxes will not rise while I am mayor of this city", TAXES),
    # swapped punctuation and quote marks, and words moved
    ("«Night buses will run every twenty minutes — from the first of June!»", BUSES),
    ("from the first of June, night buses will run every twenty minutes", BUSES),
]


@pytest.mark.parametrize(("claim", "source"), CLAIMS)
def test_match_ranks_the_right_quotation_first(client: TestClient, claim: str, source: str) -> None:
    found = client.get("/quotes/match", params={"text": claim}).json()["items"]
    assert found, claim
    for item in found:
        QuoteMatchOut.model_validate(item)
    scores = [item["similarity"] for item in found]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    best = client.get(f"/quotations/{found[0]['quotation_id']}").json()
    assert source in {o["text"] for o in best["occurrences"]}


def test_match_filters_by_speaker_and_finds_nothing_for_unrelated_words(client: TestClient) -> None:
    claim = {"text": TAXES}
    both = {i["speaker"]["slug"] for i in client.get("/quotes/match", params=claim).json()["items"]}
    assert both == {"ines-varga", "omar-haddad"}
    only = client.get("/quotes/match", params={**claim, "speaker": "Omar Haddad"}).json()["items"]
    assert [i["speaker"]["slug"] for i in only] == ["omar-haddad"] and only[0]["similarity"] == 1.0
    nothing = client.get("/quotes/match", params={"text": "Penguins prefer cold quantum spaghetti"}).json()
    assert nothing["items"] == [] and nothing["total"] == 0


@pytest.mark.parametrize("text", ["", "   ", "?!…", "x" * 2001])
def test_match_rejects_blank_or_oversized_claims(client: TestClient, text: str) -> None:
    response = client.get("/quotes/match", params={"text": text})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["name"] == "text"


def test_quotation_page_speaker_page_link_and_card(client: TestClient) -> None:
    top = client.get("/quotations?sort=-occurrence_count&limit=1").json()["items"][0]
    page = client.get(f"/browse/quotations/{top['id']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "First seen" in html and "3 May 2024" in html and "https://example.com/harbour" in html
    assert html.count("<li>") >= 3 and "occurrences by month" in html  # every occurrence, and the timeline
    listed = html[html.index('<ol class="occurrences"'):]
    assert listed.index("3 May 2024") < listed.index("6 May 2024") < listed.index("undated")
    speaker = client.get("/browse/speakers/ines-varga").text
    assert f"/browse/quotations/{top['id']}" in speaker
    quote_id = client.get(top["url"]).json()["occurrences"][0]["quote_id"]
    card = client.get(f"/embed/statements/{quote_id}").text
    assert "quoted in 3 articles" in card
    assert client.get("/browse/quotations/999999").status_code == 404
