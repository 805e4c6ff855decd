"""The SPARQL 1.1 Protocol at /sparql, case by case after the W3C protocol test suite
(w3c/rdf-tests sparql/sparql11/protocol/manifest.ttl); its update cases are inverted: this
endpoint is read-only, so every update is refused with a 4xx and the data stays as it was."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests

SRX = "{http://www.w3.org/2005/sparql-results#}"
KG = "https://w3id.org/kgbuild/ontology#"
CICA = "https://w3id.org/kgbuild/id/organisation/cica"
FACTS = "https://w3id.org/kgbuild/graph/facts"
INFERRED = "https://w3id.org/kgbuild/graph/inferred"
ONTOLOGY = "https://w3id.org/kgbuild/graph/ontology"
CICA_IS_ORGANISATION = f"ASK {{ <{CICA}> a <{KG}Organisation> }}"


def boolean_of(response) -> bool:
    assert response.status_code == 200, response.text
    if "json" in response.headers["Content-Type"]:
        return response.json()["boolean"]
    return ET.fromstring(response.content).find(f"{SRX}boolean").text == "true"


# -- queries: how they may arrive (query_get, query_post_form, query_post_direct) --

def test_query_via_get(server):
    assert boolean_of(server.get("/sparql", params={"query": "ASK {}"})) is True


def test_query_via_url_encoded_post(server):
    response = server.post("/sparql", data={"query": "ASK {}"})
    assert boolean_of(response) is True


def test_query_via_post_directly(server):
    response = server.post("/sparql", data=b"ASK {}",
                           headers={"Content-Type": "application/sparql-query"})
    assert boolean_of(response) is True


def test_url_encoded_post_takes_the_dataset_from_the_url(server):
    # query_post_form: default-graph-uri in the URL, the query in the body
    response = server.post(f"/sparql?default-graph-uri={FACTS}", data={"query": CICA_IS_ORGANISATION})
    assert boolean_of(response) is True


# -- the dataset: default-graph-uri and named-graph-uri --

@pytest.mark.parametrize("method", ["GET", "POST"])
def test_default_graph_uri_limits_the_default_graph(server, method):
    ask_inferred_only = "ASK { ?country <https://w3id.org/kgbuild/ontology#memberOf> ?org }"
    params = {"query": ask_inferred_only, "default-graph-uri": FACTS}
    response = (server.get("/sparql", params=params) if method == "GET"
                else server.post("/sparql", data=params))
    assert boolean_of(response) is False  # memberOf is materialised by the build: inferred graph only
    params["default-graph-uri"] = [FACTS, INFERRED]
    response = (server.get("/sparql", params=params) if method == "GET"
                else server.post("/sparql", data=params))
    assert boolean_of(response) is True


def test_named_graph_uri_limits_the_named_graphs(server):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = server.get("/sparql", params={"query": query, "named-graph-uri": [FACTS, ONTOLOGY]},
                          headers={"Accept": "application/sparql-results+json"})
    graphs = {row["g"]["value"] for row in response.json()["results"]["bindings"]}
    assert graphs == {FACTS, ONTOLOGY}


def test_protocol_dataset_has_both_default_and_named_graphs(server):
    # query_dataset_full
    query = f"ASK {{ <{CICA}> a <{KG}Organisation> GRAPH ?g {{ ?class a <http://www.w3.org/2002/07/owl#Class> }} }}"
    response = server.post(f"/sparql?default-graph-uri={FACTS}&named-graph-uri={ONTOLOGY}",
                           data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert boolean_of(response) is True


UNKNOWN = "http://example.org/unknown"  # a graph this dataset does not have: empty, never fetched
SRJ = {"Accept": "application/sparql-results+json"}


@pytest.mark.parametrize("params", [
    {"default-graph-uri": UNKNOWN}, {"named-graph-uri": UNKNOWN},
    {"default-graph-uri": UNKNOWN, "named-graph-uri": UNKNOWN},
])
def test_a_protocol_graph_the_store_lacks_is_an_empty_graph(server, params):
    # §2.1.4 lets a service refuse such a dataset; this one answers it as Oxigraph and Fuseki do
    response = server.get("/sparql", params={"query": "ASK { ?s ?p ?o }", **params}, headers=SRJ)
    assert boolean_of(response) is False
    response = server.get("/sparql", params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }", **params}, headers=SRJ)
    assert boolean_of(response) is False


def test_an_unknown_graph_beside_a_known_one_adds_nothing(server):
    params = {"query": CICA_IS_ORGANISATION, "default-graph-uri": [UNKNOWN, FACTS]}
    assert boolean_of(server.post("/sparql", data=params)) is True


@pytest.mark.parametrize("query", [
    f"SELECT * FROM <{UNKNOWN}> {{ ?s ?p ?o }}",
    f"SELECT * FROM NAMED <{UNKNOWN}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "PREFIX e: <http://example.org/> SELECT ?g FROM e:unknown FROM NAMED e:unknown { GRAPH ?g { ?s ?p ?o } }",
])
def test_from_naming_a_graph_the_store_lacks_reads_an_empty_graph(server, query):
    response = server.get("/sparql", params={"query": query}, headers=SRJ)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == []


@pytest.mark.parametrize("query", [
    "SELECT * FROM <relative> { ?s ?p ?o }",
    "SELECT * FROM NAMED <graphs/facts> { GRAPH ?g { ?s ?p ?o } }",
])
def test_from_a_relative_graph_name_without_a_base_is_a_400_saying_so(server, query):
    response = server.get("/sparql", params={"query": query}, headers=SRJ)
    assert response.status_code == 400, response.text
    assert "absolute IRI" in response.text and "BASE" in response.text


def test_from_a_relative_graph_name_under_a_base_reads_that_graph(server):
    base, name = FACTS.rsplit("/", 1)  # FROM <facts> under BASE <.../graph/> is the facts graph
    query = f"BASE <{base}/> ASK FROM <{name}> {{ <{CICA}> a <{KG}Organisation> }}"
    assert boolean_of(server.get("/sparql", params={"query": query})) is True


def test_from_a_known_graph_and_an_unknown_one_reads_the_known_one(server):
    query = f"ASK FROM <{UNKNOWN}> FROM <{FACTS}> {{ <{CICA}> a <{KG}Organisation> }}"
    assert boolean_of(server.get("/sparql", params={"query": query})) is True


def test_without_a_protocol_dataset_the_default_graph_is_the_union(server):
    query = f"ASK {{ <{CICA}> a <{KG}Organisation> . ?c <{KG}memberOf> <{CICA}> . <{KG}Organisation> ?p ?o }}"
    assert boolean_of(server.get("/sparql", params={"query": query})) is True


# -- result formats (query_content_type_select/ask/construct/describe) --

@pytest.mark.parametrize("accept, parse", [
    ("application/sparql-results+json", lambda r: [b["org"]["value"] for b in r.json()["results"]["bindings"]]),
    ("application/sparql-results+xml", lambda r: [
        b.find(f"{SRX}uri").text for b in ET.fromstring(r.content).iter(f"{SRX}binding")]),
    ("text/csv", lambda r: [row["org"] for row in csv.DictReader(io.StringIO(r.text))]),
    ("text/tab-separated-values", lambda r: [
        row["?org"].strip("<>") for row in csv.DictReader(io.StringIO(r.text), delimiter="\t")]),
])
def test_select_results_in_each_format(server, accept, parse):
    query = f"SELECT ?org WHERE {{ ?org a <{KG}Organisation> FILTER (?org = <{CICA}>) }}"
    response = server.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    assert parse(response) == [CICA]


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_results_in_each_format(server, accept):
    response = server.get("/sparql", params={"query": CICA_IS_ORGANISATION}, headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith(accept)
    assert boolean_of(response) is True


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_graph_results_in_each_format(server, accept, rdflib_format, form):
    query = (f"CONSTRUCT {{ <{CICA}> a ?type }} WHERE {{ <{CICA}> a ?type }}" if form == "CONSTRUCT"
             else f"DESCRIBE <{CICA}>")
    response = server.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert (rdflib.URIRef(CICA), rdflib.RDF.type, rdflib.URIRef(KG + "Organisation")) in graph


# -- content negotiation --

@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*, application/sparql-results+json;q=0.1", "text/csv"),
    ("text/*;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ("*/*;q=0.1, text/csv;q=0", "application/sparql-results+json"),
    ("text/*;q=0, text/csv", "text/csv"),  # the most specific range wins
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("*/*, text/csv", "text/csv"),  # at equal quality the more specific range wins
    ("application/sparql-results+xml; charset=utf-8", "application/sparql-results+xml"),  # the charset we send
])
def test_accept_with_q_values_and_wildcards(server, accept, expected):
    response = server.get("/sparql", params={"query": "SELECT * {}"}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(expected)
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_overrides_accept(server):
    response = server.get("/sparql", params={"query": "SELECT * {}", "format": "csv"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.headers["Content-Type"].startswith("text/csv")


def test_unknown_format_parameter_is_a_400_naming_the_good_ones(server):
    response = server.get("/sparql", params={"query": "SELECT * {}", "format": "yaml"})
    assert response.status_code == 400
    assert "yaml" in response.text and "csv" in response.text


def test_nothing_acceptable_is_a_406_listing_the_offered_types(server):
    response = server.get("/sparql", params={"query": "SELECT * {}"},
                          headers={"Accept": "image/png, application/sparql-results+json;q=0"})
    assert response.status_code == 406
    for offered in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv"):
        assert offered in response.text
    assert "Accept" in response.headers["Vary"]


def test_head_answers_like_get_without_a_body(server):
    response = requests.head(server.url("/sparql"), params={"query": "ASK {}"},
                             headers={"Accept": "text/csv;q=0.5, application/sparql-results+xml"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+xml")
    assert response.content == b""


# -- conditional GET: the build id is the ETag --

def test_results_carry_the_build_id_and_answer_304_when_unchanged(server):
    build_id = json.loads((server.dist / "report.json").read_text())["build_id"]
    first = server.get("/sparql", params={"query": "ASK {}"})
    assert build_id in first.headers["ETag"]
    again = server.get("/sparql", params={"query": "ASK {}"}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


# -- malformed requests (bad_query_*) --

def test_malformed_query_is_a_400_with_line_and_column(server):
    response = server.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    assert "line 3, column" in response.text


def test_query_method_other_than_get_or_post_is_a_4xx(server):
    response = requests.put(server.url("/sparql?query=ASK%20%7B%7D"), timeout=10,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= response.status_code < 500


def test_more_than_one_query_is_a_4xx(server):
    response = server.get("/sparql", params={"query": ["ASK {}", "SELECT * {}"]})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("body, content_type", [
    (b"ASK {}", "text/plain"),                               # bad_query_wrong_media_type
    (b"query=ASK%20%7B%7D", None),                            # bad_query_missing_form_type
    (b"ASK {}", None),                                        # bad_query_missing_direct_type
    ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"),  # bad_query_non_utf8
])
def test_post_without_a_protocol_media_type_is_a_4xx(server, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    prepared = requests.Request("POST", server.sparql, data=body, headers=headers).prepare()
    if content_type is None:
        prepared.headers.pop("Content-Type", None)
    response = requests.Session().send(prepared, timeout=10)
    assert 400 <= response.status_code < 500


# -- updates are refused (update_* cases, inverted) --

@pytest.mark.parametrize("send", [
    lambda s: s.get("/sparql", params={"update": "CLEAR ALL"}),                          # bad_update_get
    lambda s: s.post("/sparql", data={"update": "CLEAR ALL"}),                           # update_post_form
    lambda s: s.post("/sparql", data=b"CLEAR ALL",
                     headers={"Content-Type": "application/sparql-update"}),            # update_post_direct
    lambda s: s.post("/sparql", data={"update": ["CLEAR ALL", "CLEAR ALL"]}),            # bad_multiple_updates
    lambda s: s.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}),
    lambda s: s.get("/sparql", params={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
    lambda s: s.get("/sparql", params={"query": "prefix x: <urn:x#> delete where { ?s ?p ?o }"}),
    lambda s: s.post("/sparql", data={"query": "LOAD <http://example.org/data.ttl>"}),
    lambda s: s.post("/sparql", data=b"ASK {} ; CLEAR ALL",
                     headers={"Content-Type": "application/sparql-query"}),
    lambda s: s.post(f"/sparql?using-named-graph-uri={FACTS}", data=b"CLEAR GRAPH <urn:g>",
                     headers={"Content-Type": "application/sparql-update"}),         # bad_update_dataset_conflict
])
def test_updates_are_refused_and_change_nothing(server, send):
    before = server.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                        headers={"Accept": "application/sparql-results+json"}).json()
    response = send(server)
    assert 400 <= response.status_code < 500
    after = server.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"}).json()
    assert after == before


def test_a_query_mentioning_update_words_in_strings_and_iris_is_answered(server):
    query = 'ASK { BIND("insert delete clear" AS ?x) FILTER (?x != <urn:load>) }  # drop'
    assert boolean_of(server.get("/sparql", params={"query": query})) is True


def test_federated_service_calls_are_refused(server):
    response = server.get("/sparql", params={"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 400
    assert "SERVICE" in response.text


# -- no query: the service description, or the UI for browsers --

@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
])
def test_without_a_query_the_service_description(server, accept, rdflib_format):
    response = server.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(server.sparql)
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    build_id = json.loads((server.dist / "report.json").read_text())["build_id"]
    assert rdflib.Literal(build_id) in set(graph.objects(endpoint, rdflib.OWL.versionInfo))
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == {FACTS, INFERRED, ONTOLOGY}


def test_without_a_query_a_browser_gets_the_query_ui(server):
    response = server.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response.headers
    assert '<form class="plain-query"' in response.text


def test_cors_lets_browser_clients_elsewhere_query(server):
    preflight = requests.options(server.sparql, timeout=10, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    answer = server.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_errors_carry_the_common_headers_and_only_html_the_page_policy(server):
    """A browser client elsewhere can read why its query failed; nothing is sniffed; CSP is for pages."""
    refused = server.get("/sparql", params={"query": "SELECT WHERE {"}, headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 400
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    answer = server.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert answer.json() == {"head": {}, "boolean": True}
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in answer.headers
