"""Full-text search (``/search`` and the ``q`` filter of lists) on SQLite and PostgreSQL:
ranking, phrases, prefixes, snippets that are safe HTML, hostile query syntax, and an index
the database keeps in step with inserts, re-extraction and deletes."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.models import Statement
from app.search import fts5_expression, matches, parse, tsquery_expression
from app.store import delete_document, ingest_text

SEED = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt")).read_text(encoding="utf-8")


def test_done_when_territorial_integrity(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/search", params={"q": "territorial integrity"}).json()
    found = {(hit["type"], hit["id"]): hit for hit in page["items"]}
    assert ("clause", ids["clause"]) in found
    statements = [h for h in page["items"] if h["type"] == "statement"]
    assert len(statements) == 1 and statements[0]["speaker"]["slug"] == "ilham-aliyev"
    assert page["total"] == 2 and page["next"] is None
    for hit in page["items"]:
        assert "<mark>territorial integrity</mark>" in hit["snippet"]
        assert hit["url"].endswith(f"/{hit['type']}s/{hit['id']}")
        assert client.get(hit["url"]).status_code == 200
    assert found["clause", ids["clause"]]["speaker"] is None


@pytest.mark.parametrize(
    ("query", "total", "marked"),
    [
        ('"territorial integrity"', 2, "<mark>territorial integrity</mark>"),
        ("sovereign*", 2, "<mark>sovereignty</mark>"),
        ("SOVEREIGNTY", 2, "<mark>sovereignty</mark>"),
        ('"integrity territorial"', 0, None),  # a phrase keeps its order
        ("peace", 3, "<mark>peace"),  # stemmed: peace, peaceful
        ("armed forces", 1, "<mark>armed forces</mark>"),
        ("no such words anywhere", 0, None),
    ],
)
def test_phrases_prefixes_and_stemming(client: TestClient, query: str, total: int, marked: str | None) -> None:
    page = client.get("/search", params={"q": query}).json()
    assert page["total"] == total
    if marked:
        assert all(marked in hit["snippet"] for hit in page["items"]), page["items"]


def test_type_filter_and_paging(client: TestClient) -> None:
    only = client.get("/search", params={"q": "territorial integrity", "type": "clause"}).json()
    assert [hit["type"] for hit in only["items"]] == ["clause"]
    first = client.get("/search", params={"q": "peace", "limit": 2})
    assert first.status_code == 200 and first.headers["Link"].endswith('rel="next"')
    page = first.json()
    second = client.get(page["next"]).json()
    seen = [h["id"] for h in page["items"]] + [h["id"] for h in second["items"]]
    assert len(seen) == len(set(seen)) == 3 and second["next"] is None
    other = client.get("/search", params={"q": "cooperation", "cursor": page["next"].split("cursor=")[1]})
    assert other.status_code == 400 and other.json()["type"] == "/problems/invalid-cursor"


def test_search_exports_csv_and_ndjson(client: TestClient) -> None:
    hits = client.get("/search", params={"q": "peace"}).json()["items"]
    flat = [{**{k: v for k, v in h.items() if k != "speaker"},
             "speaker_id": h["speaker"] and h["speaker"]["id"], "speaker_name": h["speaker"] and h["speaker"]["name"]}
            for h in hits]
    ndjson = client.get("/search", params={"q": "peace", "format": "ndjson"})
    assert ndjson.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in ndjson.text.splitlines()] == flat
    response = client.get("/search", params={"q": "peace"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["type"], int(r["id"]), r["snippet"]) for r in rows] == [(h["type"], h["id"], h["snippet"]) for h in hits]
    assert len(client.get("/search", params={"q": "peace", "format": "ndjson", "limit": 1}).text.splitlines()) == 1
    again = client.get("/search", params={"q": "peace", "format": "ndjson"}, headers={"If-None-Match": ndjson.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "query",
    ['"territorial integrity', "*", '"', "-", "AND OR", "NEAR(", "NEAR(peace, 2)", "text:peace", "peace^2",
     "'", "(", ")", "peace OR", "{peace}", "\\", "a*b*c", "!!!", "—", "*peace", "\"\"\"", "NOT", "peace -war",
     "rank:1", "statement_fts", "x" * 500, "é ü ß 你好", "a" + " b" * 40],
)
def test_hostile_syntax_is_words_or_a_400(client: TestClient, query: str) -> None:
    for url in ("/search", "/statements", "/quotes", "/clauses", "/documents"):
        response = client.get(url, params={"q": query})
        assert response.status_code in (200, 400), (url, query, response.text)
        if response.status_code == 400:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"][0]["name"] == "q"


def test_unbalanced_quote_is_plain_words(client: TestClient) -> None:
    assert client.get("/search", params={"q": '"territorial integrity'}).json()["total"] == 2
    assert client.get("/search", params={"q": "territorial:integrity"}).json()["total"] == 2
    assert client.get("/search", params={"q": '"'}).status_code == 400
    assert client.get("/search").status_code == 422


def test_query_translation_never_passes_syntax() -> None:
    query = parse('NEAR(a b) "c d" e* text:f OR "unclosed g')
    assert fts5_expression(query) == '"near" "a" "b" "c d" "e"* "text" "f" "or" "unclosed" "g"'
    assert tsquery_expression(parse('"c d" e*')) == "('c' <-> 'd') & ('e':*)"


@pytest.mark.parametrize(
    ("url", "count"),
    [
        ('/statements?q="territorial integrity"', 1),
        ("/statements?q=sovereign*&speaker=ilham-aliyev", 1),
        ("/quotes?q=companies", 1),
        ("/clauses?q=territorial integrity", 1),
        ("/clauses?q=inviol*", 1),
        ("/documents?q=Caucasus", 1),
        ("/documents?q=allied cooperation", 1),
        ("/statements?q=kremlin", 0),
    ],
)
def test_q_filter_of_lists_uses_the_index(client: TestClient, url: str, count: int) -> None:
    assert client.get(url).json()["total"] == count


def test_q_filter_is_compiled_once_and_runs_with_its_own_words(client: TestClient) -> None:
    """The words are a bound value of one cached statement (a list with ``q`` is not compiled
    per request); each request still matches its own words: a list's total and facet counts
    agree with ``/search``, whose SQL is written apart."""
    def keyed(raw: str) -> Any:
        return select(Statement.id).where(matches("statement", Statement.id, raw))._generate_cache_key()

    assert keyed("peace") is not None and keyed("peace") == keyed('"territorial integrity" sovereign*')
    for raw in ("territorial integrity", "peace", "sovereign*", "kremlin", "companies"):
        expected = client.get("/search", params={"q": raw, "type": "statement"}).json()["total"]
        page = client.get("/statements", params={"q": raw, "facet": "kind", "sort": "-confidence"}).json()
        assert page["total"] == expected == sum(f["count"] for f in page["facets"]["kind"]), raw


def test_q_filter_garbage_is_a_400(client: TestClient) -> None:
    response = client.get("/statements", params={"q": "*"})
    assert response.status_code == 400 and response.json()["errors"][0]["name"] == "q"


# --- the index follows writes (its own database per test) ------------------------------------


def _total(client: TestClient, query: str) -> int:
    return int(client.get("/search", params={"q": query}).json()["total"])


def test_index_follows_insert_update_reextract_delete(database_url: str) -> None:
    from app.migrate import migrate

    migrate(database_url)
    engine = make_engine(database_url)
    app = create_app(Settings(database_url=database_url))
    try:
        with Session(engine) as session, TestClient(app) as client:
            document_id = ingest_text(session, SEED, title="Seed").document_id
            assert _total(client, "territorial integrity") == 2

            row = Statement(document_id=document_id, kind="direct", start_char=0, end_char=5,
                            text="Zanzibar <b>tea</b> & biscuits")
            session.add(row)
            session.commit()
            hit = client.get("/search", params={"q": "zanzibar tea"}).json()["items"][0]
            assert hit["id"] == row.id
            assert hit["snippet"] == "<mark>Zanzibar</mark> &lt;b&gt;<mark>tea</mark>&lt;/b&gt; &amp; biscuits"
            assert client.get("/statements", params={"q": "biscuits"}).json()["total"] == 1

            row.text = "Lighthouse keepers"
            session.add(row)
            session.commit()
            assert _total(client, "zanzibar") == 0 and _total(client, "lighthouse") == 1

            before = {h["id"] for h in client.get("/search", params={"q": "peace"}).json()["items"]}
            ingest_text(session, SEED, reextract=True)  # statements deleted and inserted again
            after = {h["id"] for h in client.get("/search", params={"q": "peace"}).json()["items"]}
            listed = {s["id"] for s in client.get("/statements", params={"q": "peace"}).json()["items"]}
            assert len(after) == len(before) == 3 and after == listed
            assert _total(client, "lighthouse") == 0  # re-extraction replaced the extra row too

            assert delete_document(session, document_id)
            assert _total(client, "territorial integrity") == 0 and _total(client, "peace") == 0
            assert client.get("/documents", params={"q": "Caucasus"}).json()["total"] == 0

            ingest_text(session, SEED)  # a plain SQL delete cascades and still unindexes
            assert _total(client, "peace") == 3
            session.execute(text("DELETE FROM document"))
            session.commit()
            assert _total(client, "peace") == 0
    finally:
        engine.dispose()


# --- query plans: the indexes are usable (EXPLAIN, no timing) --------------------------------


def _plan(database_url: str, stmt: Any) -> str:
    """The backend's plan of ``stmt`` as one string; PostgreSQL may not pick a seq scan."""
    engine = make_engine(database_url)
    try:
        sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                return " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            # tiny test tables make a seq scan cheapest: forbid it to prove the index is usable
            connection.exec_driver_sql("SET enable_seqscan = off")
            return " | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
    finally:
        engine.dispose()


def test_q_filter_plan_uses_the_full_text_index(seeded_database_url: str) -> None:
    """SQLite: rows come from the FTS5 table by rowid, never a SCAN of statement
    (``id IN (…) = 1`` used to scan it); PostgreSQL: the GIN index on the stored vector."""
    stmt = select(Statement.id).where(matches("statement", Statement.id, "peace"))
    if seeded_database_url.startswith("sqlite"):
        plan = _plan(seeded_database_url, stmt.order_by(Statement.id.desc()).limit(51))
        assert "SCAN statement_fts VIRTUAL TABLE" in plan and "USING INTEGER PRIMARY KEY" in plan, plan
        assert "SCAN statement " not in f"{plan} ", plan
    else:  # (a tiny table's page would walk the primary key: plan the bare filter)
        plan = _plan(seeded_database_url, stmt)
        assert "ix_statement_fts" in plan and "text_fts @@" in plan, plan


SPEAKER_READS = [("id", None), ("-id", None), ("id", 3), ("-id", 3), ("published_at", None),
                 ("-published_at", None), ("published_at", "2023-02-22T00:00:00+00:00"),
                 ("-published_at", "2023-02-22T00:00:00+00:00")]


@pytest.mark.parametrize(("token", "after"), SPEAKER_READS)
def test_speaker_pages_are_read_from_the_link_index(seeded_database_url: str, token: str, after: Any) -> None:
    """A speaker's statements, in id or date order, first page or later: every query reads the
    statement-speaker link table's index in order (no sort of the speaker's rows, no scan)."""
    from sqlalchemy import event

    from app.api.statements import SPEAKER_LINK, STATEMENTS
    from app.queries import Key, Linked, fetch_page, parse_sort

    engine = make_engine(seeded_database_url)
    sql: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        sql.append((args[2], args[3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            sort = parse_sort(STATEMENTS, token)
            start = None if after is None else Key(after if sort.name == "id" else datetime.fromisoformat(after), 2)
            fetch_page(session, STATEMENTS, conditions=[Linked(SPEAKER_LINK, [1])], sort=sort, start=start, limit=51)
        event.remove(engine, "before_cursor_execute", record)
        assert sql
        with engine.connect() as connection:
            for statement, params in sql:
                if engine.dialect.name == "sqlite":
                    plan = " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params))
                    assert "USING COVERING INDEX ix_statement_speaker_speaker_id_" in plan and "TEMP B-TREE" not in plan, plan
                else:  # tiny tables: make scans and sorts look dear to prove the ordered index read exists
                    connection.exec_driver_sql("SET enable_seqscan = off; SET enable_sort = off; SET enable_bitmapscan = off")
                    plan = " | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", params))
                    assert "ix_statement_speaker_speaker_id_" in plan and "Sort" not in plan, plan
    finally:
        engine.dispose()


def test_newest_first_plan_uses_the_descending_index(seeded_database_url: str) -> None:
    """``published_at DESC NULLS LAST, id DESC`` needs no sort: PostgreSQL's DESC index,
    SQLite's ``(published_at, id)`` read backwards (NULLs are smallest there)."""
    stmt = (select(Statement.id).order_by(Statement.published_at.desc().nulls_last(), Statement.id.desc())
            .limit(51))
    plan = _plan(seeded_database_url, stmt)
    if seeded_database_url.startswith("sqlite"):
        assert "ix_statement_published_at_id" in plan and "TEMP B-TREE" not in plan, plan
    else:
        assert "ix_statement_published_at_desc" in plan and "Sort" not in plan, plan
