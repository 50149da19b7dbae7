"""In a real browser (Debian's headless chromium via playwright) against ``verbatim serve``:
the card fits 320–800 px, the speaker page highlights quotes in context, an oEmbed iframe
works in a consumer page, and hostile stored text stays inert. Screenshots go to
``test-artifacts/``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records dialogs and console errors (a hostile script would show)."""
    context = browser.new_context(viewport={"width": 800, "height": 600})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


@pytest.mark.parametrize("width", [280, 320, 800])
def test_card_fits_without_horizontal_overflow(site: Any, page: Any, width: int) -> None:
    quote = httpx.get(f"{site.base}/statements/{site.direct_id}").json()
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"{site.base}/embed/statements/{site.direct_id}")
    body = page.inner_text("body")
    assert quote["text"] in body and "Ilham Aliyev" in body and "President, Azerbaijan" in body
    assert page.evaluate(OVERFLOW), f"horizontal overflow at {width}px"
    styled = "getComputedStyle(document.querySelector('.card')).borderTopLeftRadius"
    assert page.evaluate(styled) == "10px", "the inline stylesheet was blocked (CSP hash mismatch?)"
    card = page.locator(".card").bounding_box()
    assert card is not None and card["width"] <= width
    page.screenshot(path=str(site.artifacts / f"card-{width}.png"), full_page=True)


def test_speaker_page_lists_the_eight_statements_in_context(site: Any, page: Any) -> None:
    page.goto(f"{site.base}/")
    row = page.get_by_role("row", name="Ilham Aliyev")
    assert "8" in row.inner_text()
    page.screenshot(path=str(site.artifacts / "home.png"), full_page=True)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_role("link", name="Ilham Aliyev").click()
    page.wait_for_url("**/browse/speakers/ilham-aliyev")
    assert page.locator("article.statement").count() == 8
    statements = httpx.get(f"{site.base}/speakers/ilham-aliyev/statements").json()["items"]
    direct = next(s for s in statements if s["kind"] == "direct" and s["speaker_mention"] == "he")
    article = page.locator(f"#statement-{direct['id']}")
    assert article.locator("mark.quote").inner_text() == direct["text"]
    assert article.locator("mark.speaker").inner_text() == "he"
    paragraph = article.locator(".source").inner_text()
    assert paragraph.index(direct["text"]) < paragraph.index("he said")  # the quote sits inside its paragraph
    assert page.locator("figure.timeline svg[role=img] title").first.text_content().startswith("8 statements")
    assert page.evaluate(OVERFLOW)
    assert page.evaluate("getComputedStyle(document.querySelector('mark.speaker')).borderBottomStyle") == "solid"
    page.set_viewport_size({"width": 1000, "height": 900})
    page.screenshot(path=str(site.artifacts / "speaker.png"), full_page=False)
    page.select_option("select[name=kind]", "direct")
    page.fill("input[name=q]", "peace")
    page.click("button[type=submit]")
    page.wait_for_url("**kind=direct**")
    assert page.locator("article.statement").count() == 1


def test_oembed_consumer_gets_a_working_iframe(site: Any, page: Any) -> None:
    statement_url = f"{site.base}/statements/{site.direct_id}"
    data = httpx.get(f"{site.base}/oembed", params={"url": statement_url, "maxwidth": 400}).json()
    assert data["width"] <= 400
    blog = f"<!doctype html><html><body><h1>A blog on another site</h1>{data['html']}</body></html>"
    with consumer_site(blog) as consumer:  # another origin (port) on loopback, like the server
        page.goto(consumer)
        frame = page.frame_locator("iframe")
        frame.locator(".card").wait_for()
        assert "Ilham Aliyev" in frame.locator(".who").inner_text()
        inner = next(f for f in page.frames if f.url.endswith(f"/embed/statements/{site.direct_id}"))
        assert inner.evaluate(OVERFLOW)
        page.screenshot(path=str(site.artifacts / "oembed-consumer.png"))


@contextmanager
def consumer_site(body: str) -> Iterator[str]:
    """A one-page web site on its own port (Chromium refuses public pages framing loopback)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/post"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/embed/statements/{id}", "/browse/speakers/mallory", "/browse/search?q=pwned",
                                  "/"])
def test_hostile_text_stays_inert(site: Any, page: Any, path: str) -> None:
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(site.base + path.format(id=site.hostile_id))
    page.wait_for_timeout(300)  # give a would-be onerror handler time to fire
    assert page.dialogs == []
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("body script, body img").count() == 0
    body = page.inner_text("body")
    if "search" in path:
        assert "<script>window.pwned=1</script>" in body
    elif path == "/":
        assert site.hostile_name in body and "<i>Chief</i>" in body
    elif "speakers" in path:  # the page quotes the source paragraph; name, title and cue are stored text
        assert site.hostile_name in body and "<i>Chief</i>" in body and "said<script>" in body
    else:
        assert site.hostile_text.split("AAAA")[0] in body and site.hostile_name in body
    assert page.evaluate(OVERFLOW), "a long word overflowed"
    if path.startswith("/embed"):
        page.screenshot(path=str(site.artifacts / "card-hostile-320.png"), full_page=True)
