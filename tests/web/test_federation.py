"""Joining with Wikidata: resource pages link out, and the documented federated query
(docs/federation/cica-members-population.rq) runs through the SERVICE allow-list against a stand-in
Wikidata endpoint on loopback.

The stand-in is a real SPARQL endpoint (pyoxigraph behind http.server) holding a few Wikidata-shaped
triples written for this test: its populations are test data, not facts about the countries.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF
from rdflib.namespace import VOID

from tests.hardening.serving import start_server, stop_server

from .conftest import REPO

QUERY = REPO / "docs" / "federation" / "cica-members-population.rq"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
WD, WDT = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"

# Test data in Wikidata's shape. Q232 and Q148 are the entities OWID's table gives Kazakhstan and China
# (facts/wikidata-countries.yaml); Q884 (South Korea) has no population here; Q999999999 is no entity of ours.
STAND_IN = "\n".join([
    f'<{WD}Q232> <{WDT}P297> "KZ" .', f'<{WD}Q232> <{WDT}P1082> "1001"^^<{XSD_DECIMAL}> .',
    f'<{WD}Q148> <{WDT}P297> "CN" .', f'<{WD}Q148> <{WDT}P1082> "1002"^^<{XSD_DECIMAL}> .',
    f'<{WD}Q884> <{WDT}P297> "KR" .',
    f'<{WD}Q999999999> <{WDT}P297> "ZZ" .', f'<{WD}Q999999999> <{WDT}P1082> "1003"^^<{XSD_DECIMAL}> .',
])


class StandInWikidata:
    """A SPARQL endpoint on 127.0.0.1 answering SELECT queries from a small in-memory store."""

    def __init__(self, triples: str) -> None:
        self.store = ox.Store()
        self.store.load(triples.encode(), format=ox.RdfFormat.N_TRIPLES)
        self.queries: list[str] = []
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
                self._answer(query)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    body = urllib.parse.parse_qs(body).get("query", [""])[0]
                self._answer(body)

            def _answer(self, query: str) -> None:
                stand_in.queries.append(query)
                answer = stand_in.store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}/sparql"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def stand_in():
    endpoint = StandInWikidata(STAND_IN)
    yield endpoint
    endpoint.close()


@pytest.fixture(scope="module")
def federating(built, stand_in, tmp_path_factory):
    """The real server over the curated build, allowed to call the stand-in and nothing else."""
    log = tmp_path_factory.mktemp("federation") / "requests.log"
    server = start_server(built, log, {"KGBUILD_SERVICE_ALLOW": stand_in.url})
    yield server
    stop_server(server.process)


def documented_query(endpoint: str) -> str:
    text = QUERY.read_text("utf-8")
    assert text.count(f"SERVICE <{WIKIDATA_SPARQL}>") == 1  # the docs name the real service
    return text.replace(WIKIDATA_SPARQL, endpoint)


def test_the_documented_query_joins_our_members_with_the_stand_in_s_populations(federating, stand_in):
    response = federating.get("/sparql", params={"query": documented_query(stand_in.url)},
                              headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows = [(row["name"]["value"], row["item"]["value"], row["population"]["value"])
            for row in response.json()["results"]["bindings"]]
    # Kazakhstan and China are CICA members (facts/cica.yaml); South Korea is one too but has no
    # population in the stand-in, and Q999999999 is no entity of ours: neither joins
    assert rows == [("China", f"{WD}Q148", "1002"), ("Kazakhstan", f"{WD}Q232", "1001")]
    assert stand_in.queries and all("P1082" in query for query in stand_in.queries)


def test_the_documented_query_is_refused_while_the_service_is_not_allowed(federating):
    response = federating.get("/sparql", params={"query": QUERY.read_text("utf-8")})
    assert response.status_code == 400
    assert WIKIDATA_SPARQL in response.text and "KGBUILD_SERVICE_ALLOW" in response.text


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data):
        if self._href is not None and data.strip():
            self.links.append((self._href, data.strip()))
            self._href = None


@pytest.mark.parametrize(("path", "qid"), [("/id/country/kz", "Q232"), ("/id/organisation/asean", "Q7768"),
                                           ("/id/place/astana", "Q1520")])
def test_a_resource_page_links_out_to_its_wikidata_entity(federating, path, qid):
    # Q232: OWID's table for Kazakhstan; Q7768: SupraVerden's table for ASEAN; Q1520: Natural Earth's
    # populated places for its feature Nur-Sultan (NAMEPAR Astana), Kazakhstan
    response = federating.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = _Links()
    page.feed(response.text)
    assert (f"https://www.wikidata.org/wiki/{qid}", qid) in page.links
    assert f"Wikidata: <a href=\"https://www.wikidata.org/wiki/{qid}\"" in response.text


@pytest.mark.parametrize("path", ["/id/organisation/cica", "/id/place/almaty"])
def test_a_page_without_a_sourced_id_shows_no_link_out(federating, path):
    response = federating.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "wikidata.org" not in response.text



def test_the_served_void_describes_the_linkset_and_claims_nothing_of_wikidata_s(federating):
    response = federating.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = rdflib.Graph().parse(data=response.text, format="turtle")
    linkset = void.value(predicate=RDF.type, object=VOID.Linkset)
    assert (linkset, VOID.linkPredicate, OWL.sameAs) in void
    assert int(void.value(linkset, VOID.triples)) > 0
    wikidata = void.value(linkset, VOID.objectsTarget)
    assert void.value(wikidata, VOID.sparqlEndpoint) == rdflib.URIRef(WIKIDATA_SPARQL)
    assert list(void.objects(wikidata, VOID.dataDump)) == []  # our dumps are not Wikidata's
    assert list(void.objects(wikidata, OWL.versionInfo)) == []
    ours = void.value(linkset, VOID.subjectsTarget)
    assert void.value(ours, VOID.sparqlEndpoint) == rdflib.URIRef(federating.url("/sparql"))
