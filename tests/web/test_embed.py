"""oEmbed provider and quote card over HTTP (both backends, in-process)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def direct(web_client: TestClient) -> dict:
    return web_client.get("/quotes").json()["items"][0]


def _oembed(client: TestClient, url: str, **params: str) -> object:
    return client.get("/oembed", params={"url": url, **params})


def test_oembed_for_a_statement_url(web_client: TestClient, direct: dict) -> None:
    response = _oembed(web_client, direct["url"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["version"] == "1.0" and data["type"] == "rich" and data["provider_name"] == "Verbatim"
    assert data["author_name"] == "Ilham Aliyev" and data["author_url"].endswith("/browse/speakers/ilham-aliyev")
    assert data["cache_age"] > 0 and data["title"].startswith("Ilham Aliyev: “")
    src = re.search(r'<iframe src="([^"]+)" width="(\d+)" height="(\d+)"', data["html"])
    assert src and src.group(1).endswith(f"/embed/statements/{direct['id']}")
    assert (int(src.group(2)), int(src.group(3))) == (data["width"], data["height"])
    assert "allow-scripts" not in data["html"]  # the sandbox lets the card open links, nothing more
    assert web_client.get(src.group(1)).status_code == 200
    assert "public" in response.headers["cache-control"] and response.headers["etag"]


@pytest.mark.parametrize(("maxwidth", "maxheight"), [("300", "150"), ("1000", "2000"), ("200", None), (None, "90")])
def test_oembed_respects_maxwidth_and_maxheight(web_client: TestClient, direct: dict,
                                                maxwidth: str | None, maxheight: str | None) -> None:
    params = {k: v for k, v in {"maxwidth": maxwidth, "maxheight": maxheight}.items() if v}
    data = _oembed(web_client, direct["url"], **params).json()
    assert 0 < data["width"] <= int(maxwidth or 800) and 0 < data["height"] <= int(maxheight or 10_000)
    assert f'width="{data["width"]}" height="{data["height"]}"' in data["html"]


def test_oembed_accepts_quote_and_card_urls(web_client: TestClient, direct: dict) -> None:
    base = direct["url"].rsplit("/statements/", 1)[0]
    for url in (f"{base}/quotes/{direct['id']}", f"{base}/embed/statements/{direct['id']}", direct["url"] + "/"):
        assert _oembed(web_client, url).status_code == 200, url


def test_oembed_errors(web_client: TestClient, direct: dict) -> None:
    base = direct["url"].rsplit("/statements/", 1)[0]
    indirect = web_client.get("/statements?kind=indirect").json()["items"][0]["id"]
    for url in (f"https://evil.example/statements/{direct['id']}", f"{base}/statements/999999",
                f"{base}/documents/1", f"{base}/quotes/{indirect}", f"{base}/statements/abc", "not a url",
                "javascript:alert(1)", f"{base}/statements/{direct['id']}/extra", "http://[::1", ""):
        response = _oembed(web_client, url)
        assert response.status_code in (404, 422), url
        assert response.headers["content-type"] == "application/problem+json"
    xml = _oembed(web_client, direct["url"], format="xml")
    assert xml.status_code == 501 and xml.headers["content-type"] == "application/problem+json"
    assert web_client.get("/oembed").status_code == 422
    assert _oembed(web_client, direct["url"], maxwidth="-5").status_code == 422


def test_card_content_and_headers(web_client: TestClient, direct: dict) -> None:
    response = web_client.get(f"/embed/statements/{direct['id']}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert direct["text"] in page and "Ilham Aliyev" in page and "President, Azerbaijan" in page
    assert direct["cue"] in page and f"/documents/{direct['document_id']}" in page and "22 Feb. 23:00" in page
    discovery = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert discovery and quote(direct["url"], safe="") in discovery.group(1)
    assert web_client.get(discovery.group(1).replace("&amp;", "&")).json()["type"] == "rich"
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors *" in csp and "script-src" not in csp
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert "x-frame-options" not in response.headers
    assert re.fullmatch(r"public, max-age=\d+", response.headers["cache-control"])
    assert "<script" not in page and "http" not in page.split("<body>")[0].replace(discovery.group(1), "")
    again = web_client.get(f"/embed/statements/{direct['id']}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_card_for_missing_statement_is_a_problem(web_client: TestClient) -> None:
    response = web_client.get("/embed/statements/999999")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
