"""``form``, ``via`` and ``speakers`` through the API, on SQLite and PostgreSQL.

Two small documents are stored through the store's public entry point with hand-built
extractions (this layer's rules, not the extractor's output): a joint statement of two
speakers in each, a quote, a transcript turn and a statement relayed by an agency. A joint
statement must be listed, paged, counted and faceted under each of its speakers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.extract.types import DocumentInfo, Extraction, Span
from app.extract.types import Speaker as XSpeaker
from app.extract.types import Statement as XStatement
from app.main import create_app
from app.migrate import migrate
from app.schemas import StatementOut
from app.store import ingest_text

RASA, TOMAS = "rasa-kalnina", "tomas-kask"
SHARED_ALIAS = "the Baltic leader"  # names both: ?speaker= then selects either's statements, each once
NAMES = {RASA: "Rasa Kalnina", TOMAS: "Tomas Kask"}

GRID = ("VILNIUS, May 1 (BNS) — Lithuanian President Rasa Kalnina and Estonian Prime Minister Tomas Kask "
        "announced that the two countries would share one grid.\n\n\u201cWe are ready,\u201d Kalnina said. "
        "Interfax quoted Kask as saying the price was fair.")
TALKS = ("Tomas Kask: We will build the line together.\n\n"
         "Rasa Kalnina and Tomas Kask said in a joint statement that talks would continue in June.")

# (document, published_at, agency, [(content, speakers, kind, form, via, cue)])
DOCUMENTS = [
    (GRID, "2024-05-01", "BNS", [
        ("the two countries would share one grid", [RASA, TOMAS], "indirect", "reported", None, "announced"),
        ("We are ready,", [RASA], "direct", "quote", None, "said"),
        ("the price was fair", [TOMAS], "indirect", "reported", "Interfax", "quoted"),
    ]),
    (TALKS, "2024-06-01", None, [
        ("We will build the line together.", [TOMAS], "direct", "transcript", None, None),
        ("talks would continue in June", [RASA, TOMAS], "indirect", "reported", None, "said"),
    ]),
]
TEXTS = [content for _, _, _, statements in DOCUMENTS for content, *_ in statements]
SPEAKERS_OF = {content: slugs for _, _, _, statements in DOCUMENTS for content, slugs, *_ in statements}


def extraction(text: str, agency: str | None, statements: list[tuple[Any, ...]]) -> Extraction:
    speakers = []
    for slug, name in NAMES.items():
        surfaces = [s for s in (name, name.split()[-1]) if s in text]
        speakers.append(XSpeaker(slug=slug, name=name, aliases=[*surfaces, SHARED_ALIAS],
                                 mentions=[Span(text.index(s), text.index(s) + len(s)) for s in surfaces]))
    rows = []
    for content, slugs, kind, form, via, cue in statements:
        start = text.index(content)
        rows.append(XStatement(kind=kind, text=content, start_char=start, end_char=start + len(content),
                               cue=cue, speakers=list(slugs), form=form, via=via, confidence=0.9))
    return Extraction(document=DocumentInfo(word_count=len(text.split()), source=agency), statements=rows,
                      speakers=speakers)


@pytest.fixture(scope="module")
def joint(module_database_url: str) -> Iterator[TestClient]:
    url = module_database_url
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        for text, published, agency, statements in DOCUMENTS:
            ingest_text(session, text, published_at=published, default_source="upload.txt",
                        extraction=extraction(text, agency, statements))
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield client


def texts(page: dict[str, Any]) -> list[str]:
    return [item["text"] for item in page["items"]]


def test_statements_carry_form_via_and_every_speaker(joint: TestClient) -> None:
    items = joint.get("/statements").json()["items"]
    assert texts({"items": items}) == TEXTS
    expected = {content: (form, via) for _, _, _, rows in DOCUMENTS for content, _, _, form, via, _ in rows}
    for item in items:
        StatementOut.model_validate(item)
        assert (item["form"], item["via"]) == expected[item["text"]]
        assert [s["slug"] for s in item["speakers"]] == SPEAKERS_OF[item["text"]]
        assert [s["name"] for s in item["speakers"]] == [NAMES[s] for s in SPEAKERS_OF[item["text"]]]
        assert item["speaker"] == item["speakers"][0]
        assert joint.get(item["url"]).json() == item


def by_speaker(slug: str, *, quotes: bool = False) -> list[str]:
    return [c for _, _, _, rows in DOCUMENTS for c, slugs, kind, *_ in rows
            if slug in slugs and (kind == "direct" or not quotes)]


LISTS = [
    # (url, expected texts in order)
    (f"/statements?speaker={RASA}", by_speaker(RASA)),
    ("/statements?speaker=Tomas Kask", by_speaker(TOMAS)),
    (f"/speakers/{RASA}/statements", by_speaker(RASA)),
    (f"/speakers/{TOMAS}/statements", by_speaker(TOMAS)),
    (f"/quotes?speaker={TOMAS}", by_speaker(TOMAS, quotes=True)),
    (f"/speakers/{RASA}/quotes", by_speaker(RASA, quotes=True)),
    (f"/statements?speaker={TOMAS}&sort=-published_at",  # newest first, then id descending
     ["talks would continue in June", "We will build the line together.", "the price was fair",
      "the two countries would share one grid"]),
    (f"/statements?speaker={TOMAS}&kind=direct", by_speaker(TOMAS, quotes=True)),  # totals from counters
    (f"/speakers/{TOMAS}/statements?kind=indirect",
     [c for c in by_speaker(TOMAS) if c not in by_speaker(TOMAS, quotes=True)]),
    (f"/quotes?speaker={TOMAS}&kind=indirect", []),
    ("/statements?form=transcript", ["We will build the line together."]),
    ("/statements?form=quote", ["We are ready,"]),
    ("/quotes?form=transcript", ["We will build the line together."]),
    ("/statements?via=Interfax", ["the price was fair"]),
    (f"/statements?speaker={RASA}&form=reported", ["the two countries would share one grid", "talks would continue in June"]),
    (f"/speakers/{TOMAS}/statements?kind=indirect&q=talks", ["talks would continue in June"]),
    ("/statements?speaker=nobody", []),
    (f"/statements?speaker={SHARED_ALIAS}", TEXTS),  # a joint statement of both is listed once
    (f"/quotes?speaker={SHARED_ALIAS}", ["We are ready,", "We will build the line together."]),
]


@pytest.mark.parametrize(("url", "expected"), LISTS)
def test_a_joint_statement_is_listed_under_each_speaker(joint: TestClient, url: str, expected: list[str]) -> None:
    page = joint.get(url).json()
    assert texts(page) == expected
    assert page["total"] == len(expected)


@pytest.mark.parametrize("sort", ["id", "-id", "published_at", "-published_at", "confidence"])
@pytest.mark.parametrize("path", [f"/speakers/{TOMAS}/statements", f"/statements?speaker={RASA}", f"/quotes?speaker={TOMAS}",
                                  f"/statements?speaker={SHARED_ALIAS}"])
def test_keyset_pages_of_a_speaker_walk_every_statement_once(joint: TestClient, path: str, sort: str) -> None:
    url: str | None = f"{path}{'&' if '?' in path else '?'}sort={sort}"
    whole = joint.get(url).json()
    url = f"{url}&limit=1"
    walked = []
    while url:
        page = joint.get(url).json()
        assert page["total"] == whole["total"]
        walked += texts(page)
        url = page["next"]
    assert walked == texts(whole) and len(walked) == whole["total"]


def test_speaker_counters_and_facets_count_a_joint_statement_under_each(joint: TestClient) -> None:
    speakers = {s["slug"]: (s["statement_count"], s["quote_count"]) for s in joint.get("/speakers").json()["items"]}
    assert speakers == {RASA: (len(by_speaker(RASA)), 1), TOMAS: (len(by_speaker(TOMAS)), 1)}
    facets = joint.get("/statements?facet=speaker&facet=form&facet=via").json()["facets"]
    assert {f["value"]: f["count"] for f in facets["speaker"]} == {RASA: 3, TOMAS: 4}
    assert {f["value"]: f["label"] for f in facets["speaker"]} == NAMES
    assert {f["value"]: f["count"] for f in facets["form"]} == {"reported": 3, "quote": 1, "transcript": 1}
    assert {f["value"]: f["count"] for f in facets["via"]} == {"Interfax": 1, None: 4}
    for facet in facets["speaker"]:  # each facet link lists exactly the counted rows
        assert joint.get(facet["url"]).json()["total"] == facet["count"]


def test_exports_flatten_speakers_in_order(joint: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(joint.get("/statements?format=csv").text)))
    ids = {s["slug"]: s["id"] for s in joint.get("/speakers").json()["items"]}
    lines = [json.loads(line) for line in joint.get("/statements?format=ndjson").text.splitlines()]
    for row, line in zip(rows, lines, strict=True):
        slugs = SPEAKERS_OF[row["text"]]
        assert row["speaker_ids"] == "; ".join(str(ids[s]) for s in slugs) == line["speaker_ids"]
        assert row["speaker_names"] == "; ".join(NAMES[s] for s in slugs) == line["speaker_names"]
        assert row["speaker_id"] == str(ids[slugs[0]]) and line["speaker_id"] == ids[slugs[0]]
        assert row["speaker_name"] == NAMES[slugs[0]] == line["speaker_name"]
        assert "speakers" not in row and "speakers" not in line
        assert row["form"] == line["form"] and (row["via"] or None) == line["via"]


def test_the_dateline_agency_is_the_documents_source(joint: TestClient) -> None:
    sources = [d["source"] for d in joint.get("/documents?sort=id").json()["items"]]
    assert sources == ["BNS", "upload.txt"]


def test_card_and_speaker_page_name_every_speaker(joint: TestClient) -> None:
    statement = joint.get("/statements?form=reported&limit=1").json()["items"][0]
    card = joint.get(f"/embed/statements/{statement['id']}").text
    assert "Rasa Kalnina and Tomas Kask" in card and "reported" in card
    relayed = joint.get("/statements?via=Interfax").json()["items"][0]
    assert "via Interfax" in joint.get(f"/embed/statements/{relayed['id']}").text
    oembed = joint.get("/oembed", params={"url": statement["url"]}).json()
    assert oembed["author_name"] == "Rasa Kalnina and Tomas Kask"
    assert oembed["title"].startswith("Rasa Kalnina and Tomas Kask: ")
    page = joint.get(f"/browse/speakers/{TOMAS}").text
    assert "joint statement of" in page and "talks would continue in June" in page
    assert page.count('class="statement"') == len(by_speaker(TOMAS))
