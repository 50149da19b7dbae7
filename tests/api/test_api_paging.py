"""Keyset pagination: walking ``next`` one row at a time visits every row exactly once, in
the requested order, for every list and every sort field in both directions."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import clauses, declarations, documents, speakers, statements

LISTS = {
    "/documents": documents.RESOURCE,
    "/speakers": speakers.RESOURCE,
    "/statements": statements.STATEMENTS,
    "/quotes": statements.QUOTES,
    "/declarations": declarations.RESOURCE,
    "/clauses": clauses.RESOURCE,
    "/speakers/ilham-aliyev/statements": statements.STATEMENTS,
    "/declarations/{decl}/clauses": clauses.RESOURCE,
}
WALKS = [(path, sort) for path, resource in LISTS.items() for sort in resource.sort_choices()]


def _value(item: dict[str, Any], field: str) -> Any:
    value = item[field]
    return value.casefold() if field == "name" else value


def expected_order(items: list[dict[str, Any]], sort: str) -> list[int]:
    """The documented order: by field (nulls last either way), ties by id, same direction."""
    field, descending = sort.lstrip("-"), sort.startswith("-")
    present = sorted((i for i in items if i[field] is not None), key=lambda i: (_value(i, field), i["id"]),
                     reverse=descending)
    nulls = sorted((i for i in items if i[field] is None), key=lambda i: i["id"], reverse=descending)
    return [i["id"] for i in present + nulls]


def walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= page["limit"]
        seen.extend(page["items"])
        next_url = page["next"]
        if next_url:
            assert response.headers["link"] == f'<{next_url}>; rel="next"'
        else:
            assert "link" not in response.headers
        assert len(seen) <= 1000, "pagination does not terminate"
    return seen


@pytest.mark.parametrize(("path", "sort"), WALKS, ids=[f"{p} {s}" for p, s in WALKS])
def test_walk_every_sort(client: TestClient, ids: dict[str, int], path: str, sort: str) -> None:
    path = path.format(**ids)
    everything = client.get(f"{path}?limit=1000").json()
    seen = walk(client, f"{path}?limit=1&sort={sort}")
    got = [i["id"] for i in seen]
    assert len(got) == len(set(got)) == everything["total"]
    assert got == expected_order(everything["items"], sort)


def test_walk_keeps_filters(client: TestClient) -> None:
    seen = walk(client, "/statements?speaker=the republican leader&kind=direct&limit=2&sort=-confidence")
    assert len(seen) == 3 and all(s["kind"] == "direct" for s in seen)


def test_total_is_for_all_pages(client: TestClient) -> None:
    page = client.get("/statements?limit=3").json()
    assert page["total"] == 8 and len(page["items"]) == 3 and page["limit"] == 3


def _next_cursor(client: TestClient, url: str) -> str:
    nxt = client.get(url).json()["next"]
    return nxt.split("cursor=", 1)[1]


def test_cursor_is_bound_to_its_list_and_sort(client: TestClient) -> None:
    cursor = _next_cursor(client, "/statements?limit=1&sort=confidence")
    assert client.get(f"/statements?limit=1&sort=confidence&cursor={cursor}").status_code == 200
    for url in (
        f"/quotes?limit=1&sort=confidence&cursor={cursor}",  # another endpoint
        f"/statements?limit=1&sort=-confidence&cursor={cursor}",  # another sort
        f"/statements?limit=1&cursor={cursor}",  # the default sort
        f"/clauses?limit=1&cursor={cursor}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["type"] == "/problems/invalid-cursor"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # signature changed
        lambda c: ("X" if c[0] != "X" else "Y") + c[1:],  # payload changed
        lambda c: c.split(".")[0],  # signature dropped
        lambda c: "",
        lambda c: "not-a-cursor",
        lambda c: "%00%ff",
        lambda c: c + "." + c,
    ],
)
def test_tampered_cursor_is_a_400(client: TestClient, tamper: Any) -> None:
    cursor = _next_cursor(client, "/statements?limit=1&sort=published_at")
    response = client.get("/statements", params={"limit": 1, "sort": "published_at", "cursor": tamper(cursor)})
    if tamper(cursor) == "":
        assert response.status_code == 200  # an empty cursor is the first page
        return
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "/problems/invalid-cursor" and body["errors"][0]["name"] == "cursor"


def test_forged_cursor_with_wrong_value_type_is_a_400(client: TestClient) -> None:
    from app.cursors import codec_for
    from app.queries import Key, encode_cursor, parse_sort

    sort = parse_sort(statements.STATEMENTS, "published_at")
    forged = encode_cursor(codec_for(client.app.state), statements.STATEMENTS, sort, Key(value="yesterday", id=1))
    response = client.get("/statements", params={"sort": "published_at", "cursor": forged})
    assert response.status_code == 400
