"""Hostile-input matrix: every list endpoint × every query parameter × hostile values.

Endpoints and parameters are read from the app's own OpenAPI document, so endpoints added
later (search, facets, ...) are covered without editing this file. Each request must be a
problem+json 4xx or a 200 whose rows are plausible: never a 5xx, never more rows than the
unfiltered list, and — for values that occur nowhere in the database — no rows at all
(``%`` or ``' OR 1=1 --`` must not match everything).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from app.cursors import CursorCodec, codec_for

OLD_SOURCE_KEY = b"verbatim/cursor/v1"  # the key that used to be a constant in app/queries.py

INJECTION = [
    "' OR 1=1 --", "' OR '1'='1", '" OR ""="', "1; DROP TABLE statement; --", ";DROP TABLE document",
    "') OR ('x'='x", "%", "%%", "_", "__", "\\", "\\%", "\\_", "%_%", "[a-z]%", "*", "?", "'", '"',
    "`", "$1", "NULL", "null", "undefined", "0x00", "%00", "{{7*7}}", "${jndi:x}", "<script>alert(1)</script>",
    "../../etc/passwd", "ÿ", "İstanbul", "ǅ", "ﬁnance", "e\u0301", "\u200b", "\u202eevil", "\ufeff",
    "🙂", "％", "ẞ", "\U0001d400", "a\tb\nc", "  ", "",
]
FULLTEXT = ['"unbalanced', 'a" "b', "AND", "OR NOT", "NEAR(a b)", "foo*", "*foo", ":*", "a:b", "&|!",
            "()", "(((", "-", "+", "~x", "^x", "a AND OR b", "col:text", "\"\"", "!!!", "zzzqqq*"]
LONG = ["x" * 10_000, "%" * 600, "é" * 501]
REJECT_ALWAYS = ["a\x00b"]  # NUL: a 422 everywhere
STRINGS = INJECTION + FULLTEXT + LONG + REJECT_ALWAYS
INTEGERS = ["-1", "0", "1.5", "1e3", "abc", "", " 1", "2147483648", "99999999999999999999", "0x10",
            "1 OR 1=1", "١", "+1", "%", "NaN", "Infinity", "-0"]
DATES = ["yesterday", "2024-13-45", "0000-00-00", "9999-12-31T23:59:59Z", "-1", "1e10", "2023-02-30",
         "2023-02-01T25:00:00", "2023-02-01T00:00:00+99:00", "", "now", "' OR 1=1 --", "1" * 400,
         "0001-01-01", "2023-02-01T00:00:00.123456789Z"]
LIMITS = ["0", "-1", "1001", "100000000000000000000", "ten", "", "1.0", "1e2", "-0", " 50", "%"]
SORTS = ["colour", "--id", "-", "", "+id", "id;DROP TABLE x", "id,-id", "ID", "id desc", "text", "\\",
         "%", "-" * 300]
ENUMS = ["both", "DIRECT", "", "%", "' OR 1=1 --", "direct,indirect", "xml"]


def _base_type(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") != "null":
            return option.get("format") or ("enum" if "enum" in option else option.get("type", "string")), option
    return "string", schema


def list_operations(spec: dict[str, Any]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """GET operations whose 200 is a page (or takes limit/cursor): the list endpoints."""
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        if {"limit"} <= names or {"cursor"} <= names:
            yield path, get.get("parameters", [])


@pytest.fixture(scope="module")
def world(seeded_client: TestClient, seeded_database_url: str) -> dict[str, Any]:
    """What the matrix needs to know: the spec, real path ids, the database's text."""
    spec = seeded_client.get("/openapi.json").json()
    first = lambda url: seeded_client.get(url).json()["items"][0]  # noqa: E731
    paths = {"document_id": first("/documents")["id"], "id_or_slug": "ilham-aliyev",
             "declaration_id": first("/declarations")["id"], "statement_id": first("/statements")["id"],
             "clause_id": first("/clauses")["id"]}
    engine = create_engine(seeded_database_url)
    chunks: list[str] = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            if table.startswith(("alembic", "statement_fts", "clause_fts", "document_fts")) or "_fts" in table:
                continue
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                chunks.extend(str(v) for v in row if isinstance(v, str))
    engine.dispose()
    return {"spec": spec, "paths": paths, "haystack": "\n".join(chunks).casefold()}


def _in_database(value: str, haystack: str, fulltext: bool) -> bool:
    """Could ``value`` match anything? (Full-text: every word's stem must occur somewhere.)"""
    folded = " ".join(value.split()).casefold()
    if not fulltext:
        return folded in haystack
    words = re.findall(r"\w+", folded)
    return bool(words) and all(w[:4] in haystack for w in words)


def _values(param: dict[str, Any]) -> list[str]:
    name = param["name"]
    kind, schema = _base_type(param.get("schema", {}))
    if name == "limit":
        return LIMITS
    if name == "sort":
        return SORTS + list(schema.get("enum", []))
    if name == "cursor":
        return []  # see test_invalid_cursors
    if kind == "integer":
        return INTEGERS
    if kind == "date-time":
        return DATES
    if kind == "enum":
        return ENUMS + list(schema["enum"])
    return STRINGS


def _check(client: TestClient, url: str, params: list[tuple[str, str]], baseline: int | None,
           world: dict[str, Any], literal: tuple[str, bool] | None) -> str | None:
    """None if the answer is acceptable, else a one-line description of what went wrong."""
    response = client.get(url, params=params)
    where = f"{url}?{urlencode(params)[:120]} -> {response.status_code}"
    if response.status_code >= 500:
        return f"{where}: server error {response.text[:200]}"
    if response.status_code >= 400:
        if response.headers.get("content-type") != "application/problem+json":
            return f"{where}: not problem+json"
        body = response.json()
        if body.get("status") != response.status_code or not body.get("detail"):
            return f"{where}: bad problem body"
        if "Traceback" in response.text or "SELECT" in response.text:
            return f"{where}: internals leaked"
        return None
    if response.status_code != 200:
        return f"{where}: unexpected status"
    media = response.headers.get("content-type", "")
    if not media.startswith("application/json"):  # a CSV / NDJSON export: count its rows
        lines = [line for line in response.text.splitlines() if line.strip()]
        total = len(lines) - (1 if media.startswith("text/csv") else 0)
        items = lines
    else:
        body = response.json()
        items, total = body.get("items", []), body.get("total")
    if baseline is not None and total is not None and total > baseline:
        return f"{where}: total {total} > unfiltered {baseline}"
    if literal is not None:
        value, fulltext = literal
        if value.strip() and not _in_database(value, world["haystack"], fulltext) and (total or items):
            return f"{where}: {total} rows for a value that occurs nowhere"
    return None


def _hostile_cases(world: dict[str, Any]) -> Iterator[tuple[str, str, list[tuple[str, str]], tuple[str, bool] | None]]:
    for path, params in list_operations(world["spec"]):
        url = path.format(**world["paths"])
        for param in params:
            if param["in"] != "query":
                continue
            kind, _ = _base_type(param.get("schema", {}))
            fulltext = "full-text" in param.get("description", "").lower() or path == "/search"
            for value in _values(param):
                literal = (value, fulltext) if kind == "string" and param["name"] not in ("sort", "format") else None
                yield path, url, [(param["name"], value)], literal
            # repeated parameters: the last one (or a 4xx), never a crash
            yield path, url, [(param["name"], "a"), (param["name"], "b")], None


def test_hostile_query_parameters(seeded_client: TestClient, world: dict[str, Any]) -> None:
    baselines: dict[str, int | None] = {}
    failures: list[str] = []
    ran = 0
    for path, url, params, literal in _hostile_cases(world):
        if url not in baselines:
            first = seeded_client.get(url, params={"q": "the"} if path == "/search" else None)
            baselines[url] = first.json().get("total") if first.status_code == 200 else None
        extra = [("q", "the")] if path == "/search" and params[0][0] != "q" else []
        problem = _check(seeded_client, url, params + extra, baselines[url], world, literal)
        ran += 1
        if problem:
            failures.append(problem)
    assert ran > 1000, ran
    assert not failures, f"{len(failures)} of {ran} cases failed:\n" + "\n".join(failures[:40])


def test_literal_wildcards_match_literally(seeded_client: TestClient, world: dict[str, Any]) -> None:
    """``%`` ``_`` ``\\`` in substring filters match those characters, not everything."""
    speakers = seeded_client.get("/speakers", params={"limit": 1000}).json()["items"]
    for value in ["%", "_", "\\", "%a%", "a_i", "il_am", "ilh%"]:
        expected = sum(value in s["name"].casefold() or any(value in a.casefold() for a in s["aliases"])
                       for s in speakers)
        total = seeded_client.get("/speakers", params={"q": value}).json()["total"]
        assert total == expected, (value, total, expected)
    assert seeded_client.get("/speakers", params={"q": "ilham"}).json()["total"] >= 1


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _old_style(*values: Any) -> str:
    """A cursor signed the way the source used to sign them, with its public constant."""
    payload = orjson.dumps(list(values))
    mac = hashlib.blake2b(payload, key=OLD_SOURCE_KEY, digest_size=8).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def test_invalid_cursors(seeded_client: TestClient, world: dict[str, Any]) -> None:
    codec = codec_for(seeded_client.app.state)  # this deployment's own key, as if it leaked

    def _cursor(*values: Any) -> str:
        return codec.encode(*values)

    page = seeded_client.get("/statements", params={"limit": 1}).json()
    good = dict(parse_qsl(urlsplit(page["next"]).query))["cursor"]
    body, mac = good.split(".")
    tampered = [
        body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac,
        body + "." + mac[::-1], body, "." + mac, good + ".x", good.upper(),
        "eyJhIjoxfQ", "eyJhIjoxfQ.AAAAAAAAAAA", "%", "' OR 1=1 --", "x" * 10_000, " ", "..", "\u00e9.\u00e9",
        # forged: the key that used to be in the source, and another deployment's key
        _old_style("statements", "id", None, 1), _old_style("documents", "published_at", "9999-12-31T23:59:59-14:00", 1),
        CursorCodec("another deployment's secret").encode("statements", "id", None, 1),
        # valid signatures with hostile contents (a leaked key, a bug): still 400, never 500
        _cursor("documents", "published_at", "9999-12-31T23:59:59-14:00", 1),
        _cursor("documents", "published_at", "0001-01-01T00:00:00+14:00", 1),
        _cursor("documents", "published_at", "20230222", 1), _cursor("documents", "published_at", 0, 1),
        _cursor("documents", "title", "a\x00b", 1), _cursor("speakers", "name", "\x00", 1),
        _cursor("search", "x", 2**63 - 1), _cursor("search", "x", -1),
        _cursor("statements", "id", None, "1; DROP TABLE statement"),
        _cursor("statements", "id", None, 2**63), _cursor("statements", "id", None, -1),
        _cursor("statements", "id", None, True), _cursor("statements", "id", None, 1.5),
        _cursor("statements", "-published_at", "not a date", 1),
        _cursor("statements", "-published_at", ["list"], 1),
        _cursor("statements", "confidence", "0.5", 1), _cursor("statements", "confidence", 1e308, 1),
        _cursor("statements", "paragraph", 2**40, 1), _cursor("statements", "id", None, None),
        _cursor("statements", "id", {"a": 1}, 1),
        _cursor("statements", "id", None), _cursor(), codec.encode({"a": 1}),
    ]
    failures = []
    cases = 0
    for path, _ in list_operations(world["spec"]):
        url = path.format(**world["paths"])
        extra = {"q": "the"} if path == "/search" else {}
        for token in tampered:
            cases += 1
            problem = _check(seeded_client, url, [("cursor", token), *extra.items()], None, world, None)
            response = seeded_client.get(url, params={"cursor": token, **extra})
            if problem or response.status_code not in (400, 422):
                failures.append(problem or f"{url} cursor={token[:40]!r} -> {response.status_code}")
    # a real cursor from another list or another sort is refused
    for url, params in [("/speakers", {}), ("/quotes", {}), ("/statements", {"sort": "-id"}),
                        ("/documents", {}), ("/clauses", {}), ("/statements", {"sort": "confidence"})]:
        cases += 1
        response = seeded_client.get(url, params={**params, "cursor": good})
        if response.status_code != 400 or response.json()["type"] != "/problems/invalid-cursor":
            failures.append(f"{url} {params} with a /statements cursor -> {response.status_code}")
    assert seeded_client.get(page["next"]).status_code == 200
    assert not failures, f"{len(failures)} of {cases}:\n" + "\n".join(failures[:30])


ITEM_PATHS = ["/documents/{}", "/statements/{}", "/quotes/{}", "/speakers/{}", "/declarations/{}",
              "/clauses/{}", "/speakers/{}/statements", "/documents/{}/statements", "/declarations/{}/clauses"]
PATH_VALUES = ["0", "-1", "1.5", "abc", "99999999999999999999", "' OR 1=1 --", "%25", "_", "%5C", "..",
               "%2e%2e", "ilham%", "ILHAM-ALIYEV", "x" * 5000, "%F0%9F%99%82", "%C3%28", "%00", "1%20OR%201"]


def test_hostile_path_segments(seeded_client: TestClient) -> None:
    failures = []
    for template in ITEM_PATHS:
        for value in PATH_VALUES:
            response = seeded_client.get(template.format(value))
            ok = response.status_code in (200, 404, 422) and (
                response.status_code == 200 or response.headers["content-type"] == "application/problem+json")
            if not ok:
                failures.append(f"{template.format(value[:30])} -> {response.status_code}")
    # a slug that only *looks* like a pattern must not match anyone
    assert seeded_client.get("/speakers/ilham%25").status_code == 404
    assert seeded_client.get("/speakers/%25/statements").status_code == 404
    assert not failures, "\n".join(failures)


def hostile_case_count(spec: dict[str, Any]) -> int:
    """How many requests the matrix sends (reported in the issue's closing note)."""
    world = {"spec": spec, "paths": dict.fromkeys(["document_id", "id_or_slug", "declaration_id"], 1)}
    return sum(1 for _ in _hostile_cases(world))


