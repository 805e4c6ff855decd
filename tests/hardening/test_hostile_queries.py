"""Hostile requests to the endpoint: updates, calls out, oversized requests, runaway and huge queries.

Against the production server on loopback (serving.TEST_LIMITS: 2 s, 100 rows, 1 MiB).
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import threading
import time
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest
import requests

from kgbuild.store import open_store

from .observations import observe
from .serving import cpu_seconds, start_server, stop_server

AREA_UPDATES = "updates and writes"
AREA_OUT = "requests leaving the server"
AREA_SIZE = "oversized requests"
AREA_RUNAWAY = "runaway and huge queries"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 3,260^4 rows to count
FACTS = "https://w3id.org/kgbuild/graph/facts"
SRJ = {"Accept": "application/sparql-results+json"}


def triples(server) -> int:
    return int(
        server.get("/sparql", params={"query": COUNT}, headers=SRJ).json()["results"]["bindings"][0]["n"]["value"]
    )


# -- updates: every form refused with a 4xx before the store; the store could not take one anyway --

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }", "delete { ?s ?p ?o } where { ?s ?p ?o }", "LOAD <http://127.0.0.1:9/x.ttl>",
    "CLEAR ALL", "CLEAR DEFAULT", f"DROP GRAPH <{FACTS}>", "DROP ALL", "CREATE GRAPH <urn:g>",
    f"ADD <{FACTS}> TO DEFAULT", f"MOVE <{FACTS}> TO <urn:g>", f"COPY <{FACTS}> TO <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "ASK {} ; CLEAR ALL",
    "# a comment first\nPREFIX x: <urn:x#>\n  iNsErT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "DELETE/*not a comment*/WHERE { ?s ?p ?o }",
]
SENDERS = {
    "query= (GET)": lambda s, text: s.get("/sparql", params={"query": text}),
    "query= (form POST)": lambda s, text: s.post("/sparql", data={"query": text}),
    "sparql-query body": lambda s, text: s.post("/sparql", data=text.encode(),
                                                headers={"Content-Type": "application/sparql-query"}),
    "update= (GET)": lambda s, text: s.get("/sparql", params={"update": text}),
    "update= (form POST)": lambda s, text: s.post("/sparql", data={"update": text}),
    "sparql-update body": lambda s, text: s.post("/sparql", data=text.encode(),
                                                 headers={"Content-Type": "application/sparql-update"}),
}


@pytest.mark.parametrize("how", list(SENDERS))
def test_every_update_form_is_refused_and_changes_nothing(guarded, how):
    before = triples(guarded)
    for text in UPDATES:
        response = SENDERS[how](guarded, text)
        assert 400 <= response.status_code < 500, (how, text, response.status_code)
        if "update" in how or response.status_code == 403:
            assert "read-only" in response.text
    assert triples(guarded) == before
    observe(AREA_UPDATES, f"SPARQL updates (17 kinds) as {how}", len(UPDATES), "4xx before the store; data unchanged")


GSP_WRITES = [(method, path) for method in ("PUT", "POST", "DELETE", "PATCH")
              for path in ("/sparql?default", f"/sparql?graph={quote(FACTS)}", "/rdf-graph-store?default",
                           f"/store?graph={quote(FACTS)}", "/data", "/id/organisation/cica", "/dumps/kg.ttl")]


def test_graph_store_protocol_writes_are_refused(guarded):
    before = triples(guarded)
    for method, path in GSP_WRITES:
        response = requests.request(method, guarded.url(path), data=b"<urn:a> <urn:b> <urn:c> .",
                                    headers={"Content-Type": "text/turtle"}, timeout=10)
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
    assert triples(guarded) == before
    observe(AREA_UPDATES, "Graph Store Protocol writes (PUT, POST, DELETE, PATCH on 7 paths)", len(GSP_WRITES),
            "4xx (405, 415 or 404); data unchanged")


def test_the_served_store_is_opened_read_only(built):
    store = open_store(built).store
    with pytest.raises((OSError, RuntimeError), match="read-write|read.only"):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises((OSError, RuntimeError), match="read-write|read.only"):
        store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    observe(AREA_UPDATES, "writing to the store the server opened", 2, "refused by Oxigraph (read-only)")


# -- nothing leaves the server: SERVICE and remote or file: graphs refused, a listener sees no connection --

class Listener:
    """A socket on 127.0.0.1 counting the connections it receives."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener():
    opened = Listener()
    yield opened
    opened.close()


def calling_out(url: str) -> dict[str, str]:
    host = urlsplit(url)
    base = f"{host.scheme}://{host.netloc}/"
    return {
        "SERVICE <iri>": f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE SILENT": f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "service, lower case, comment between": f"select * {{ service # hidden?\n <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE prefixed name": f"PREFIX r: <{base}> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        "SERVICE relative IRI under BASE": f"BASE <{base}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        "SERVICE ?variable bound by VALUES": f"SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "SERVICE IRI with \\u escapes": "SELECT * { SERVICE <"
        + url.replace("sparql", "\\u0073parql")
        + "> { ?s ?p ?o } }",
        "SERVICE inside a subquery": f"SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "FROM remote IRI": f"SELECT * FROM <{url}> {{ ?s ?p ?o }}",
        "FROM NAMED file: IRI": "SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }",
        "FROM prefixed remote name": f"PREFIX r: <{base}> SELECT * FROM r:data {{ ?s ?p ?o }}",
    }


def test_calls_out_are_refused_graphs_elsewhere_are_empty_and_no_connection_is_made(guarded, listener):
    attempts = calling_out(listener.url)
    for kind, text in attempts.items():
        for response in (guarded.get("/sparql", params={"query": text}, headers=SRJ),
                         guarded.post("/sparql", data=text.encode(),
                                      headers={"Content-Type": "application/sparql-query", **SRJ})):
            if "SERVICE" in kind.upper():
                assert response.status_code == 400, (kind, response.status_code, response.text)
                assert "SERVICE" in response.text, kind
            else:  # a graph the dataset does not have is an empty graph, as Oxigraph and Fuseki answer it
                assert response.status_code == 200, (kind, response.status_code, response.text)
                assert response.json()["results"]["bindings"] == [], kind
    for parameter in ("default-graph-uri", "named-graph-uri"):
        for iri in (listener.url, "file:///etc/passwd"):
            response = guarded.get("/sparql", params={"query": "ASK { ?s ?p ?o }", parameter: iri}, headers=SRJ)
            assert response.status_code == 200 and response.json()["boolean"] is False, (parameter, iri)
    time.sleep(0.5)
    assert listener.connections == 0
    services = sum("SERVICE" in kind.upper() for kind in attempts)
    observe(AREA_OUT, f"SERVICE calls ({services} spellings)", 2 * services,
            "400 naming the setting; a listener on 127.0.0.1 got no connection")
    observe(AREA_OUT, f"FROM / FROM NAMED remote or file: graphs ({len(attempts) - services})",
            2 * (len(attempts) - services), "200, an empty graph: no rows; no connection")
    observe(AREA_OUT, "default-graph-uri / named-graph-uri naming remote or file: graphs", 4,
            "200, an empty graph: ASK is false; no connection")


def test_the_dataset_s_own_graphs_stay_available_in_from(guarded):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{FACTS}> {{ ?s ?p ?o }}"
    response = guarded.get("/sparql", params={"query": query}, headers=SRJ)
    assert response.status_code == 200
    assert 0 < int(response.json()["results"]["bindings"][0]["n"]["value"]) < triples(guarded)


def test_service_allow_list_lets_named_endpoints_through(built, tmp_path, listener):
    other = Listener()
    server = start_server(built, tmp_path / "allow.log", {"KGBUILD_SERVICE_ALLOW": listener.url})
    try:
        allowed = server.get("/sparql", params={"query": f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"})
        refused = server.get("/sparql", params={"query": f"SELECT * {{ SERVICE <{other.url}> {{ ?s ?p ?o }} }}"})
        time.sleep(0.5)
        assert refused.status_code == 400 and listener.url in refused.text  # the message lists what is allowed
        assert allowed.status_code != 400
        assert listener.connections >= 1 and other.connections == 0
    finally:
        stop_server(server.process)
        other.close()
    observe(AREA_OUT, "SERVICE to an endpoint on the allow-list (KGBUILD_SERVICE_ALLOW) / not on it", 2,
            "sent / refused with 400")


# -- oversized requests: refused at once, by gunicorn (414, 431) or the app (413) --

def raw_request(server, head: bytes, body: bytes = b"", timeout: float = 5.0) -> tuple[int, float]:
    """Send bytes as they are; return the status line's code and how long the answer took."""
    host = urlsplit(server.root)
    started = time.monotonic()
    with socket.create_connection((host.hostname, host.port), timeout=timeout) as connection:
        connection.sendall(head + body)
        reply = connection.recv(256)
    return int(reply.split(b" ", 2)[1]), time.monotonic() - started


def test_oversized_requests_are_refused_quickly(guarded):
    long_query = "SELECT * { ?s ?p ?o } #" + "x" * 10_000
    cases = {
        "request line of 10 KB (GET query)": (414, f"GET /sparql?query={quote(long_query)} HTTP/1.1\r\n"
                                                   "Host: x\r\n\r\n".encode(), b""),
        "one header of 10 KB": (431, b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 10_000 + b"\r\n\r\n", b""),
        "120 headers": (431, b"GET /sparql HTTP/1.1\r\nHost: x\r\n"
                        + b"".join(b"X-H%d: a\r\n" % i for i in range(120)) + b"\r\n", b""),
        "2 MB query body, declared": (413, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
                                      b"\r\nContent-Length: 2097152\r\n\r\n", b"#" * 65536),
        "2 MB form body, declared": (413, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                     b"application/x-www-form-urlencoded\r\nContent-Length: 2097152\r\n\r\n",
                                     b"query=" + b"a" * 65536),
    }
    for kind, (status, head, body) in cases.items():
        code, elapsed = raw_request(guarded, head, body)
        assert code == status and elapsed < 1.0, (kind, code, elapsed)
        observe(AREA_SIZE, kind, 1, f"{status} in < 1 s")


def test_an_undeclared_oversized_body_is_cut_off_with_413(guarded):
    def chunks():
        for _ in range(64):  # 2 MiB, sent chunked: no Content-Length to refuse it by
            yield b"#" * 32768

    response = requests.post(guarded.sparql, data=chunks(), headers={"Content-Type": "application/sparql-query"},
                             timeout=10)
    assert response.status_code == 413
    observe(AREA_SIZE, "2 MB query body, chunked (no Content-Length)", 1, "413")


# -- runaway and huge queries --

def test_a_runaway_query_is_stopped_at_the_limit_with_a_503(guarded):
    master = guarded.process.pid
    started = time.monotonic()
    response = guarded.get("/sparql", params={"query": RUNAWAY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and 1.9 < elapsed < 3.5, (response.status_code, elapsed)
    assert "more than 2 s, the limit" in response.text and response.headers["Retry-After"]
    time.sleep(0.3)  # the killed process's replacement starts
    burnt = cpu_seconds(master)
    time.sleep(2.0)
    assert cpu_seconds(master) - burnt < 0.5  # a query still running would burn ~2 CPU-seconds here
    assert guarded.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    observe(AREA_RUNAWAY, "cartesian product (would run for hours), limit 2 s", 1,
            "503 naming the limit after 2 s; its process killed (no CPU used after); server answers")


def test_a_runaway_query_in_a_post_body_and_a_stored_query_page_are_stopped_too(guarded):
    response = guarded.post("/sparql", data=RUNAWAY.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 503
    response = guarded.post("/sparql", data={"query": RUNAWAY}, headers={"Accept": "text/html"})
    assert response.status_code == 503 and "text/html" in response.headers["Content-Type"]
    observe(AREA_RUNAWAY, "the same as a POST body and a form POST (HTML)", 2, "503")


def test_an_answer_over_the_row_cap_is_a_clear_400(guarded):
    response = guarded.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert response.status_code == 400
    assert "more than 100 rows" in response.text and "LIMIT" in response.text
    assert guarded.get("/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 100"},
                       headers={"Accept": "text/csv"}).status_code == 200
    observe(AREA_RUNAWAY, "an answer of 3,260 rows (row cap set to 100)", 1, "400: names the cap, suggests LIMIT")


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values", "text/turtle"])
def test_an_answer_over_the_byte_cap_breaks_off_never_looks_complete(guarded, accept):
    huge = ("CONSTRUCT { ?a ?b ?x } WHERE { ?a ?b ?c . ?x ?y ?z }" if accept == "text/turtle"
            else "SELECT * { ?a ?b ?c . ?x ?y ?z }")  # ~10 million rows: far past 1 MiB
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        response = guarded.get("/sparql", params={"query": huge}, headers={"Accept": accept}, stream=True)
        assert response.status_code in (200, 400)
        if response.status_code == 400:
            raise requests.exceptions.ConnectionError("refused before the answer started")
        for _ in response.iter_content(65536):
            pass
    observe(AREA_RUNAWAY, "answers of ~10 million rows in 5 formats (byte cap 1 MiB)", 1,
            "cut off after 1 MiB: the client sees an incomplete body, never a complete-looking one")


# -- the request log names the client, the query, the time and the outcome --

def test_every_request_is_logged_with_client_query_hash_duration_and_outcome(guarded):
    marker = f"SELECT ?s {{ ?s ?p ?o }} LIMIT 1 # {time.time()}"
    guarded.get("/sparql", params={"query": marker})
    guarded.get("/sparql", params={"query": "CLEAR ALL"})
    guarded.get("/id/organisation/cica")
    time.sleep(0.3)
    lines = guarded.log_lines()
    digest = hashlib.sha256(marker.encode()).hexdigest()[:12]
    ok = [line for line in lines if f"query={digest}" in line]
    assert ok and "client=127.0.0.1" in ok[-1] and "status=200" in ok[-1] and "outcome=ok" in ok[-1]
    assert " ms=" in ok[-1] and "rows=1" in ok[-1]
    assert any("status=403" in line and "outcome=refused" in line for line in lines)
    assert any('"GET /id/organisation/cica"' in line for line in lines)


def test_a_client_s_concurrent_queries_and_query_seconds_are_limited(built, tmp_path):
    server = start_server(built, tmp_path / "limits.log",
                          {"KGBUILD_CLIENT_CONCURRENCY": "2", "KGBUILD_CLIENT_QUERY_SECONDS": "3"})
    try:
        results: list[requests.Response] = []

        def run() -> None:
            results.append(server.get("/sparql", params={"query": RUNAWAY}))

        threads = [threading.Thread(target=run) for _ in range(3)]
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        for thread in threads:
            thread.join()
        statuses = sorted(response.status_code for response in results)
        assert statuses == [429, 503, 503], statuses  # two ran to the limit; across both workers, a third waited
        limited = next(response for response in results if response.status_code == 429)
        assert int(limited.headers["Retry-After"]) >= 1 and "at once" in limited.text
        spent = server.get("/sparql", params={"query": "ASK {}"})  # 4 s used of 3 a minute
        assert spent.status_code == 429 and int(spent.headers["Retry-After"]) >= 1
        assert "query-seconds" in spent.text
        other = http.client.HTTPConnection("127.0.0.1", int(urlsplit(server.root).port), timeout=10,
                                           source_address=("127.0.0.2", 0))
        other.request("GET", "/sparql?query=ASK%7B%7D")
        assert other.getresponse().status == 200  # another client is not held back
    finally:
        stop_server(server.process)
    observe(AREA_RUNAWAY, "3 runaway queries at once from one client (limit 2), then one more (3 s a minute)", 4,
            "429 with Retry-After for the third and the fourth; another client unaffected")
