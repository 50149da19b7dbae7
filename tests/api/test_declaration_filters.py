"""``/declarations?kind=…&status=…`` on a database ingested from a short report of our own.

The report signs a treaty and a memorandum and recalls an older convention, so both
statuses and three kinds are stored; every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.ingest import ingest_paths
from app.main import create_app

REPORT = (
    "VILNIUS, 2 May\n\n"
    "Lithuanian President Ona Petraitiene and Polish President Jan Nowak signed the Treaty on Good Neighbourhood "
    "on Monday, as well as a memorandum on energy security.\n\n"
    "The treaty provides for joint patrols along the border. Both countries remain bound by the 1994 Convention "
    "on Border Rivers, which entered into force in 1996.\n"
)


@pytest.fixture(scope="module")
def client(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("report")
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'verbatim.db'}"
    else:
        url = request.getfixturevalue("postgres").create()
    summary = ingest_paths([folder / "report.txt"], database_url=url)
    assert not summary.failed
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def titles(client: TestClient, query: str) -> list[tuple[str, str, str]]:
    response = client.get(f"/declarations{query}")
    assert response.status_code == 200, response.text
    return sorted((d["title"], d["kind"], d["status"]) for d in response.json()["items"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [("Convention on Border Rivers", "convention", "referenced"),
              ("Memorandum on Energy Security", "memorandum", "signed"),
              ("Treaty on Good Neighbourhood", "treaty", "signed")]),
        ("?status=signed", [("Memorandum on Energy Security", "memorandum", "signed"),
                            ("Treaty on Good Neighbourhood", "treaty", "signed")]),
        ("?status=referenced", [("Convention on Border Rivers", "convention", "referenced")]),
        ("?kind=treaty", [("Treaty on Good Neighbourhood", "treaty", "signed")]),
        ("?kind=memorandum&status=referenced", []),
        ("?kind=convention&status=referenced", [("Convention on Border Rivers", "convention", "referenced")]),
    ],
)
def test_kind_and_status_filters(client: TestClient, query: str, expected: list[tuple[str, str, str]]) -> None:
    assert titles(client, query) == expected


@pytest.mark.parametrize("query", ["?status=pending", "?kind=novel", "?status="])
def test_bad_filter_values_are_problems(client: TestClient, query: str) -> None:
    response = client.get(f"/declarations{query}")
    assert response.status_code in (400, 422)
    assert response.headers["content-type"].startswith("application/problem+json")


def test_status_in_csv_and_ndjson(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/declarations?status=referenced&format=csv").text)))
    assert [(r["title"], r["kind"], r["status"]) for r in rows] == [
        ("Convention on Border Rivers", "convention", "referenced")
    ]
    lines = client.get("/declarations?kind=treaty&format=ndjson").text.splitlines()
    assert [(json.loads(x)["title"], json.loads(x)["status"]) for x in lines] == [("Treaty on Good Neighbourhood", "signed")]


def test_item_carries_status(client: TestClient) -> None:
    first = client.get("/declarations?status=referenced").json()["items"][0]
    item = client.get(f"/declarations/{first['id']}").json()
    assert (item["kind"], item["status"]) == ("convention", "referenced")


def test_parties_of_the_signing(client: TestClient) -> None:
    items = client.get("/declarations?status=signed").json()["items"]
    assert {tuple(d["parties"]) for d in items} == {("Lithuania", "Poland")}


def test_openapi_documents_the_filters(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    names = {p["name"] for p in spec["paths"]["/declarations"]["get"]["parameters"]}
    assert {"kind", "status"} <= names
