"""Dates from clients: strict ISO 8601 within the range every layer holds, or a 422 problem.

Two findings of a probe: ``?published_after=9999-12-31T23:59:59-14:00`` (and the same in a
posted body) overflowed on the way to UTC (500), and ``20230222``, ``0`` or ``142910`` were
read as Unix timestamps (a filter from 1970, a document stored as 1970-08-23).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from app.dates import parse_instant
from robust_db import AUTH, table_counts

OUT_OF_RANGE = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z",
                "0001-01-01", "0000-01-01"]
NOT_DATES = ["20230222", "0", "142910", "1677024000", "-1", "1e9", "2023-02-30", "2023-W08-3",
             "2023-053", "2023-02-22T25:00", "22/02/2023", "2023-02-22+03:00", "now", " "]
VALID = {
    "2023-02-22": datetime(2023, 2, 22, tzinfo=timezone.utc),
    "2023-02-22T23:00:00+03:00": datetime(2023, 2, 22, 20, tzinfo=timezone.utc),
    "2023-02-22T20:00Z": datetime(2023, 2, 22, 20, tzinfo=timezone.utc),
    "2023-02-22 20:00:00.5": datetime(2023, 2, 22, 20, 0, 0, 500000, tzinfo=timezone.utc),
    "0001-01-02T00:00:00Z": datetime(1, 1, 2, tzinfo=timezone.utc),
    "9999-12-30T12:00:00-05:00": datetime(9999, 12, 30, 17, tzinfo=timezone.utc),
}


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_DATES + [20230222, 0, 1.5, None, True])
def test_parse_instant_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_instant(value)


@pytest.mark.parametrize(("value", "expected"), VALID.items())
def test_parse_instant_reads_iso_8601_as_utc(value: str, expected: datetime) -> None:
    assert parse_instant(value) == expected


DATE_FILTERS = [(path, name) for path in ("/documents", "/statements", "/quotes", "/speakers/{speaker}/statements",
                                          "/speakers/{speaker}/quotes", "/documents/{doc}/statements",
                                          "/quotations")
                for name in ("published_after", "published_before")]


@pytest.fixture(scope="module")
def parents(seeded_client: TestClient) -> dict[str, int]:
    return {"speaker": seeded_client.get("/speakers").json()["items"][0]["id"],
            "doc": seeded_client.get("/documents").json()["items"][0]["id"]}


@pytest.mark.parametrize(("path", "name"), DATE_FILTERS)
def test_every_date_filter_answers_422_for_non_dates(seeded_client: TestClient, parents: dict[str, int],
                                                     path: str, name: str) -> None:
    url = path.format(**parents)
    for value in OUT_OF_RANGE + NOT_DATES:
        response = seeded_client.get(url, params={name: value})
        assert response.status_code == 422, (url, value, response.text)
        body = response.json()
        assert body["type"] == "/problems/validation-error"
        assert [(e["in"], e["name"]) for e in body["errors"]] == [("query", name)], body
    for value in VALID:
        assert seeded_client.get(url, params={name: value}).status_code == 200, (url, value)


def test_a_posted_date_is_stored_in_utc_and_filters_at_the_instant(writable: TestClient) -> None:
    """The stricter type keeps the meaning of real dates: offsets honoured, after inclusive,
    before exclusive."""
    response = writable.post("/documents", headers=AUTH, json={
        "text": "The mayor said that the bridge will open.", "published_at": "2023-02-22T23:00:00+03:00"})
    assert response.status_code == 201, response.text
    assert response.json()["published_at"] == "2023-02-22T20:00:00Z"
    cases = {("published_after", "2023-02-22T20:00:00Z"): 1, ("published_after", "2023-02-22T20:00:01Z"): 0,
             ("published_before", "2023-02-22T23:00:00+03:00"): 0, ("published_before", "2023-02-23"): 1,
             ("published_after", "2023-02-22"): 1}
    for (name, value), expected in cases.items():
        assert writable.get("/documents", params={name: value}).json()["total"] == expected, (name, value)


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_DATES + [20230222, 0, 142910, 1.5, True, [2023], {"y": 1}])
def test_a_posted_published_at_must_be_an_iso_date(writable: TestClient, database_url: str, value: object) -> None:
    before = table_counts(database_url)
    response = writable.post("/documents", headers=AUTH,
                             json={"text": "The mayor said that the bridge will open.", "published_at": value})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "/problems/validation-error" and body["errors"][0]["name"] == "published_at"
    assert table_counts(database_url) == before
