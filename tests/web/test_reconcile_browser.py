"""OpenRefine's view of /reconcile from another origin, in Debian's chromium: a page elsewhere reads a
batch's JSON (CORS as a browser enforces it) and shows the preview card in an iframe (framing allowed)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import free_port
from .test_browser import ARTEFACTS, browser  # noqa: F401  (the chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CLIENT_PAGE = """<!doctype html><html><body>
<iframe id="card" src="{server}/reconcile/preview?id=country%2Fkz" width="420" height="200"></iframe>
<pre id="answer">waiting</pre>
<script>
  const body = new URLSearchParams({{queries: JSON.stringify({{q0: {{query: "Korea Selatan", type: "Country"}}}})}});
  fetch("{server}/reconcile", {{method: "POST", body}})
    .then(response => response.json())
    .then(batch => {{ document.getElementById("answer").textContent = JSON.stringify(batch); }})
    .catch(error => {{ document.getElementById("answer").textContent = "refused: " + error; }});
</script>
</body></html>"""


@pytest.fixture(scope="module")
def other_origin(server):
    """A page on another port of this machine (another origin), as OpenRefine's own UI would be."""
    page = CLIENT_PAGE.format(server=server.root).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_address[1]}/"
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client_page(browser, other_origin):  # noqa: F811
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    page.goto(other_origin)
    yield page
    context.close()


def test_a_page_elsewhere_reads_the_batch_answer(client_page):
    answer = client_page.locator("#answer")
    client_page.wait_for_function("document.getElementById('answer').textContent !== 'waiting'", timeout=15000)
    batch = json.loads(answer.text_content())  # "refused: ..." here would mean the browser blocked it
    top = batch["q0"]["result"][0]
    assert (top["id"], top["match"]) == ("country/kr", True)  # Korea Selatan: Indonesian for the Republic of Korea


def test_the_preview_card_shows_in_a_frame_elsewhere(client_page):
    card = client_page.frame_locator("#card")
    heading = card.locator("h1")
    heading.wait_for(timeout=15000)  # a frame the browser refused would never show the card's heading
    assert heading.inner_text() == "Kazakhstan"
    assert "KZ" in card.locator("dl").inner_text()
    ARTEFACTS.mkdir(exist_ok=True)
    client_page.screenshot(path=str(ARTEFACTS / "reconcile-preview-in-frame.png"))
