"""Facets (``?facet=``) on every list, on SQLite and PostgreSQL: counts follow the current
filters and nesting, values are most frequent first, each links to its filtered list."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.schemas import FacetValue


def _facet(client: TestClient, url: str, name: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    values = response.json()["facets"][name]
    for value in values:
        FacetValue.model_validate(value)
    return values


def _counts(values: list[dict[str, Any]]) -> dict[Any, int]:
    return {v["value"]: v["count"] for v in values}


def test_done_when_who_is_quoted_most(client: TestClient) -> None:
    (aliyev,) = _facet(client, "/statements?facet=speaker", "speaker")
    assert (aliyev["value"], aliyev["label"], aliyev["count"]) == ("ilham-aliyev", "Ilham Aliyev", 8)
    filtered = client.get(aliyev["url"]).json()
    assert filtered["total"] == 8


@pytest.mark.parametrize(
    ("url", "name", "expected"),
    [
        ("/statements?facet=kind", "kind", {"indirect": 5, "direct": 3}),
        ("/statements?facet=kind&q=peace", "kind", {"indirect": 2, "direct": 1}),
        ("/statements?facet=kind&kind=direct", "kind", {"direct": 3}),
        ("/statements?facet=cue&kind=direct", "cue", {"said": 1, "expressed his confidence": 1, "summed up": 1}),
        ("/statements?facet=speaker&speaker=vladimir-putin", "speaker", {}),
        ("/quotes?facet=speaker", "speaker", {"ilham-aliyev": 3}),
        ("/speakers/ilham-aliyev/statements?facet=kind", "kind", {"indirect": 5, "direct": 3}),
        ("/speakers/vladimir-putin/quotes?facet=kind", "kind", {}),
        ("/speakers?facet=country", "country", {"Azerbaijan": 1, "Russia": 1}),
        ("/speakers?facet=title", "title", {"President": 2}),
        ("/speakers?facet=kind&country=russia", "kind", {"person": 1}),
        ("/clauses?facet=principle&q=sovereignty", "principle",
         {"independence": 1, "state sovereignty": 1, "territorial integrity": 1, "inviolability of borders": 1,
          "non-interference in each other’s internal affairs": 1}),
        ("/clauses?facet=declaration", "declaration", None),
        ("/declarations?facet=party", "party", {"azerbaijan": 1, "russia": 1}),
        ("/documents?facet=location", "location", {"Moscow": 1}),
    ],
)
def test_facet_counts_follow_filters(client: TestClient, url: str, name: str, expected: dict[Any, int] | None) -> None:
    values = _facet(client, url, name)
    counts = [v["count"] for v in values]
    assert counts == sorted(counts, reverse=True)
    if expected is not None:
        assert _counts(values) == expected
    else:
        assert values[0]["label"] == "Declaration on Allied Cooperation" and values[0]["count"] == 3


def test_statement_document_facet_labels_and_links(client: TestClient, ids: dict[str, int]) -> None:
    (document,) = _facet(client, "/statements?facet=document", "document")
    assert document["value"] == ids["doc"] and document["count"] == 8 and document["label"]
    assert client.get(document["url"]).json()["total"] == 8


def test_several_facets_and_facet_links_keep_other_parameters(client: TestClient) -> None:
    page = client.get("/statements?facet=speaker&facet=kind&facet=cue&facet=kind&limit=1").json()
    assert list(page["facets"]) == ["speaker", "kind", "cue"]
    direct = next(v for v in page["facets"]["kind"] if v["value"] == "direct")
    narrowed = client.get(direct["url"]).json()
    assert narrowed["total"] == 3 and narrowed["limit"] == 1 and "cursor=" not in direct["url"]
    assert _counts(narrowed["facets"]["kind"]) == {"direct": 3}


def test_no_facets_key_without_facet(client: TestClient) -> None:
    assert "facets" not in client.get("/statements").json()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/statements?facet=colour", ["speaker", "kind", "form", "via", "cue", "document"]),
        ("/quotes?facet=text", ["speaker", "kind", "form", "via", "cue", "document"]),
        ("/speakers?facet=name", ["country", "title", "kind"]),
        ("/clauses?facet=speaker", ["principle", "declaration"]),
        ("/declarations?facet=title", ["party"]),
        ("/documents?facet=%20", ["location"]),
    ],
)
def test_unknown_facet_is_a_400_listing_the_choices(client: TestClient, url: str, allowed: list[str]) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["allowed"] == allowed and body["errors"][0]["name"] == "facet"
    assert all(name in body["detail"] for name in allowed)


def test_facets_are_ignored_by_exports(client: TestClient) -> None:
    response = client.get("/statements?facet=kind&format=csv")
    assert response.status_code == 200 and response.text.count("\n") == 9
