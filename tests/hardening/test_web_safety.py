"""Web safety: no path traversal, escaped markup, a CSP on every page, and error bodies that leak nothing."""

from __future__ import annotations

import re
import socket
import threading
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from kgbuild.web import create_app
from tests.web.conftest import free_port

from .observations import observe

AREA = "web safety"
TRAVERSALS = [
    "/dumps/..%2f..%2f..%2f..%2fetc%2fpasswd", "/dumps/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/dumps/..%252f..%252fetc%252fpasswd",
    "/dumps/../../../../etc/passwd", "/dumps/%2e%2e%2freport.json", "/dumps//etc/passwd", "/dumps/..\\..\\etc\\passwd",
    "/dumps/kg.ttl%00.gz", "/dumps/store%2fCURRENT", "/dumps/queries%2fchair-timeline.rq",
    "/id/organisation/..%2f..%2f..%2fetc%2fpasswd", "/id/..%2f..%2fstore/CURRENT", "/id/organisation/%2e%2e",
    "/id/%2e%2e/%2e%2e/etc/passwd", "/queries/..%2f..%2fstore%2fCURRENT", "/queries/%2e%2e%2freport",
    "/queries/..%252f..%252fetc%252fpasswd", "/queries/....//....//etc/passwd", "/ui/..%2f..%2f..%2fpyproject.toml",
    "/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
]
LEAKS = re.compile(r"Traceback|File \"|/work/|/tmp/|/home/|/root/|\.py\b|site-packages|root:x:0:0")


def raw_get(server, path: str) -> tuple[int, str]:
    """GET a path exactly as written (clients normalise ../ and %2e away; an attacker does not)."""
    host = urlsplit(server.root)
    with socket.create_connection((host.hostname, host.port), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal(guarded, path):
    status, body = raw_get(guarded, path)
    if status == 308:  # werkzeug merges '//' by redirecting; follow it as a browser would
        status, body = raw_get(guarded, path.replace("//", "/"))
    assert status in (400, 404), (path, status)
    assert not LEAKS.search(body), (path, body[:300])
    observe(AREA, "path traversal (../, %2e%2e, %252f, \\, NUL, //) on /dumps, /id, /queries, /ui", 1,
            "404 or 400; nothing outside the build served; no path in the body")


MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.mark.parametrize(
    "request_for",
    [
        lambda s: s.get(
            "/sparql", params={"query": f'SELECT ?x {{ BIND("{MARKUP}" AS ?x) }}'}, headers={"Accept": "text/html"}
        ),
        lambda s: s.get(
            "/sparql",
            params={"query": "SELECT ?x { BIND(<javascript:alert(1)> AS ?x) }"},
            headers={"Accept": "text/html"},
        ),
        lambda s: s.get("/sparql", params={"query": f"SELECT {MARKUP}"}, headers={"Accept": "text/html"}),
        lambda s: s.get(f"/id/organisation/{MARKUP}", headers={"Accept": "text/html"}),
        lambda s: s.get(f"/queries/{MARKUP}", headers={"Accept": "text/html"}),
        lambda s: s.get("/queries/chair-timeline", params={"org": MARKUP}, headers={"Accept": "text/html"}),
        lambda s: s.get("/sparql", params={"query": "ASK {}", "format": MARKUP}, headers={"Accept": "text/html"}),
    ],
    ids=[
        "literal in results",
        "javascript: IRI",
        "syntax error echo",
        "404 path",
        "unknown stored query",
        "bad parameter",
        "unknown format",
    ],
)
def test_markup_from_requests_and_data_is_escaped_on_pages(guarded, request_for):
    response = request_for(guarded)
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert 'href="javascript:' not in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    observe(AREA, "markup in query text, results, paths and parameters, shown as HTML", 1,
            "escaped; Content-Security-Policy on the page")


ERRORS = {
    400: lambda s, h: s.get("/sparql", params={"query": "SELECT ?s WHERE {"}, headers=h),
    403: lambda s, h: s.get("/sparql", params={"update": "CLEAR ALL"}, headers=h),
    404: lambda s, h: s.get("/id/organisation/nowhere", headers=h),
    405: lambda s, h: requests.put(s.url("/sparql"), headers=h, timeout=10),
    406: lambda s, h: s.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}),
    413: lambda s, h: s.post("/sparql", data=b"#" * (1024 * 1024 + 1),
                             headers={**h, "Content-Type": "application/sparql-query"}),
    415: lambda s, h: s.post("/sparql", data=b"ASK {}", headers={**h, "Content-Type": "text/plain"}),
    503: lambda s, h: s.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
                            headers=h),
}


@pytest.mark.parametrize("status", list(ERRORS))
@pytest.mark.parametrize("accept", ["text/plain", "text/html"])
def test_error_bodies_leak_no_trace_or_path(guarded, status, accept):
    response = ERRORS[status](guarded, {"Accept": accept})
    assert response.status_code == status, response.text[:200]
    assert not LEAKS.search(response.text), response.text[:300]
    observe(AREA, "error statuses 400 403 404 405 406 413 415 503, as text and as HTML", 1,
            "a message saying what to do; no trace, no local path")


@pytest.fixture
def app_with_a_bug(built):
    """The app over the curated build, plus a view that fails unexpectedly, served on loopback."""
    app = create_app(built, {"KGBUILD_QUERY_PROCESSES": 0})

    def broken():
        raise RuntimeError(f"cannot open {built}/secret.db")

    app.add_url_rule("/broken", "broken", broken)
    port = free_port()
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", built
    http.shutdown()
    thread.join(timeout=10)


def test_an_unexpected_error_is_a_generic_500_with_a_request_id(app_with_a_bug, caplog):
    root, built = app_with_a_bug
    for accept in ("text/plain", "text/html"):
        response = requests.get(root + "/broken", headers={"Accept": accept}, timeout=10)
        assert response.status_code == 500
        assert str(built) not in response.text and "secret.db" not in response.text and not LEAKS.search(response.text)
        assert response.headers["X-Request-Id"] in response.text
    assert any("secret.db" in record.getMessage() or "secret.db" in str(record.exc_info) for record in caplog.records)
    observe(AREA, "an unexpected exception in a view", 2, "500 with a request id; the trace goes to the log only")


def test_a_vanished_build_is_a_503_that_names_no_path(built, tmp_path, server_kind):
    import os
    import shutil

    from .serving import start_server, stop_server

    shutil.copytree(built.resolve(), tmp_path / "builds" / "one")
    dist = tmp_path / "dist"
    dist.symlink_to(tmp_path / "builds" / "one")
    server = start_server(dist, tmp_path / "server.log", server=server_kind)
    try:
        link = tmp_path / "dist.new"
        link.symlink_to(tmp_path / "builds" / "gone")
        os.replace(link, dist)  # dist now points at a build that is not there
        response = server.get("/id/organisation/cica")
        assert response.status_code == 503 and "kgbuild build" in response.text
        assert str(tmp_path) not in response.text and not LEAKS.search(response.text)
        query = server.get("/sparql", params={"query": "ASK {}"})
        assert query.status_code == 503 and str(tmp_path) not in query.text
    finally:
        stop_server(server.process)
    observe(AREA, "the build gone from under a running server", 2, "503 naming the fix (`kgbuild build`), no path")
