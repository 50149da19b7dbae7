"""Fetching a page by URL: limits, redirects and the refusal of private addresses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from inputs_server import page_server

from app.inputs import fetch_page
from app.inputs.fetch import FetchError, FetchPolicy, fetch_html, is_public

OPEN = FetchPolicy(timeout=5, max_bytes=1_000_000, max_redirects=3, allow_private=True)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with page_server() as url:
        yield url


def test_a_page_is_fetched_and_read(base: str) -> None:
    page = fetch_page(f"{base}/page", OPEN)
    assert page.title == "Minister backs harbour plan" and "Clara Vent" in page.text
    assert page.source_url == "https://herald.example/news/harbour-plan"  # the canonical link wins


def test_redirects_are_followed_within_the_bound(base: str) -> None:
    assert fetch_html(f"{base}/moved", OPEN).url == f"{base}/page"


@pytest.mark.parametrize(("path", "kind", "words"), [
    ("/loop/0", "too-many-redirects", "more than 3 redirects"),
    ("/pdf", "unsupported-type", "application/pdf, not an HTML page"),
    ("/big", "too-large", "over the limit of 1000000"),
    ("/chunked-big", "too-large", "over the limit of 1000000"),
    ("/missing", "failed", "HTTP 404"),
])
def test_refusals(base: str, path: str, kind: str, words: str) -> None:
    with pytest.raises(FetchError, match=words) as caught:
        fetch_html(f"{base}{path}", OPEN)
    assert caught.value.kind == kind


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/x", "http://localhost:9/x", "http://10.1.2.3/x", "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data", "http://[::1]:9/", "http://[::ffff:127.0.0.1]:9/",
])
def test_private_addresses_are_refused_before_any_connection(url: str) -> None:
    with pytest.raises(FetchError, match="loopback, private or link-local") as caught:
        fetch_html(url, FetchPolicy(timeout=2))
    assert caught.value.kind == "not-allowed"


def test_every_redirect_hop_is_checked(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server stands in for a public site (its address counts as public here); its
    redirect to a private address, or to another scheme, is refused."""
    import app.inputs.fetch as fetch_module

    monkeypatch.setattr(fetch_module, "is_public", lambda address: address == "127.0.0.1")
    assert fetch_html(f"{base}/moved", FetchPolicy(timeout=2)).url == f"{base}/page"
    with pytest.raises(FetchError, match="10.255.255.1, a loopback, private or link-local"):
        fetch_html(f"{base}/to-private", FetchPolicy(timeout=2))
    with pytest.raises(FetchError, match="only http and https"):
        fetch_html(f"{base}/to-file", FetchPolicy(timeout=2))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://example.org/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https") as caught:
        fetch_html(url, OPEN)
    assert caught.value.kind == "not-allowed"


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:2800:220:1::1", True), ("127.0.0.1", False), ("10.0.0.1", False),
    ("172.16.5.4", False), ("100.64.0.1", False), ("169.254.1.1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:10.0.0.1", False),
])
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public
