"""CSV and NDJSON exports, ETag / 304 and CORS."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from app import queries
from app.formats import flatten
from app.schemas import StatementOut

EXPORTS = ["/documents", "/speakers", "/statements", "/quotes", "/declarations", "/clauses",
           "/speakers/ilham-aliyev/statements", "/documents/{doc}/statements", "/declarations/{decl}/clauses"]


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("path", EXPORTS)
def test_csv_has_every_row(client: TestClient, ids: dict[str, int], path: str) -> None:
    path = path.format(**ids)
    total = client.get(path).json()["total"]
    for response in (client.get(f"{path}?format=csv"), client.get(path, headers={"Accept": "text/csv"})):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = _csv(response.text)
        assert len(rows) == total
        assert "speaker" not in (rows[0] if rows else {})


@pytest.mark.parametrize("path", EXPORTS)
def test_ndjson_has_every_row(client: TestClient, ids: dict[str, int], path: str) -> None:
    path = path.format(**ids)
    page = client.get(f"{path}?limit=1000").json()
    response = client.get(f"{path}?format=ndjson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == [flatten(item) for item in page["items"]]  # the JSON list's objects, speaker flattened


def test_ndjson_flattens_speaker(client: TestClient) -> None:
    lines = [json.loads(line) for line in client.get("/statements?format=ndjson&speaker=ilham-aliyev").text.splitlines()]
    assert lines and all("speaker" not in line for line in lines)
    assert {(line["speaker_id"] > 0, line["speaker_name"]) for line in lines} == {(True, "Ilham Aliyev")}


def test_csv_flattens_speaker_and_joins_lists(client: TestClient) -> None:
    rows = _csv(client.get("/statements?format=csv&speaker=ilham-aliyev").text)
    assert {r["speaker_name"] for r in rows} == {"Ilham Aliyev"}
    assert all(r["speaker_id"].isdigit() for r in rows)
    header = next(csv.reader(io.StringIO(client.get("/statements?format=csv").text)))
    assert "speaker_id" in header and "speaker_name" in header and "speaker" not in header
    assert header[:3] == ["id", "document_id", "kind"]
    assert set(header) == (set(StatementOut.model_fields) - {"speaker", "speakers"}) | {
        "speaker_id", "speaker_name", "speaker_ids", "speaker_names"}
    speaker = _csv(client.get("/speakers?format=csv&q=aliyev").text)[0]
    assert "the republican leader" in speaker["aliases"].split("; ")
    clause = _csv(client.get("/clauses?format=csv&principle=territorial integrity").text)[0]
    assert clause["principles"].split("; ")[2] == "territorial integrity"


def test_empty_export_still_has_a_header(client: TestClient) -> None:
    response = client.get("/statements?format=csv&speaker=nobody")
    assert response.text.strip().startswith("id,document_id,kind")
    assert client.get("/statements?format=ndjson&speaker=nobody").text == ""


def test_export_limit_and_cursor(client: TestClient) -> None:
    assert len(client.get("/statements?format=ndjson&limit=3").text.splitlines()) == 3
    page = client.get("/statements?limit=3").json()
    cursor = page["next"].split("cursor=")[1]
    rest = [json.loads(x)["id"] for x in client.get(f"/statements?format=ndjson&cursor={cursor}").text.splitlines()]
    assert [i["id"] for i in page["items"]] + rest == [i["id"] for i in client.get("/statements").json()["items"]]


def test_export_streams_in_batches(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small batch size forces several keyset queries; the output is unchanged."""
    whole = client.get("/statements?format=ndjson&sort=-confidence").text
    original = queries.iter_rows

    def tiny_batches(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["batch_size"] = 2
        return original(*args, **kwargs)

    monkeypatch.setattr("app.api.common.iter_rows", tiny_batches)
    assert client.get("/statements?format=ndjson&sort=-confidence", headers={"If-None-Match": ""}).text == whole


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_small_exports_are_one_body_and_large_ones_stream_the_same_bytes(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """An export that fits ``WHOLE_EXPORT_BYTES`` is sent with a Content-Length; a larger one
    streams (chunked, its later batches read in the bulk lane) and carries the same rows."""
    whole = client.get(f"/statements?format={fmt}")
    assert int(whole.headers["content-length"]) == len(whole.content)
    assert "transfer-encoding" not in whole.headers

    def tiny_batches(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["batch_size"] = 2
        return queries.iter_rows(*args, **kwargs)

    monkeypatch.setattr("app.api.common.iter_rows", tiny_batches)
    monkeypatch.setattr("app.api.common.WHOLE_EXPORT_BYTES", 100)
    streamed = client.get(f"/statements?format={fmt}", headers={"If-None-Match": ""})
    assert "content-length" not in streamed.headers  # (uvicorn frames it chunked)
    assert streamed.content == whole.content
    assert streamed.headers["etag"] == whole.headers["etag"]


@pytest.mark.parametrize("url", ["/statements", "/statements?kind=direct", "/speakers/ilham-aliyev",
                                 "/documents/{doc}", "/clauses?format=csv", "/quotes?format=ndjson"])
def test_etag_and_304(client: TestClient, ids: dict[str, int], url: str) -> None:
    url = url.format(**ids)
    first = client.get(url)
    etag = first.headers["etag"]
    assert etag
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = etag if etag.startswith("W/") else f"W/{etag}"
    assert client.get(url, headers={"If-None-Match": f'"other", {weak}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_differs_between_pages_and_formats(client: TestClient) -> None:
    tags = {client.get(u).headers["etag"] for u in
            ["/statements", "/statements?limit=2", "/statements?format=csv", "/statements?format=ndjson"]}
    assert len(tags) == 4


def test_errors_carry_no_etag(client: TestClient) -> None:
    assert "etag" not in client.get("/statements/999999").headers


def test_cors_exposes_link_and_etag(client: TestClient) -> None:
    response = client.get("/statements?limit=1", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "https://example.org"
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"link", "etag"} <= exposed
    preflight = client.options("/statements", headers={"Origin": "https://example.org",
                                                       "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    other = client.get("/statements", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("url", ["/statements", "/speakers/ilham-aliyev", "/statements?format=csv", "/healthz"])
def test_head_is_get_without_body(client: TestClient, url: str) -> None:
    get, head = client.get(url), client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")


def test_json_asks_clients_to_revalidate(client: TestClient) -> None:
    assert client.get("/statements").headers["cache-control"] == "no-cache"
