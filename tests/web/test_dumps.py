"""/dumps/ and /.well-known/void: the build's files, no path traversal, VoID with endpoint and build id."""

from __future__ import annotations

import gzip
import json

import pytest
import rdflib
import requests

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


def test_dump_index_lists_the_graph_dumps(server):
    response = server.get("/dumps/")
    for name in ("kg.ttl", "kg.nt", "kg.jsonld"):
        assert f'href="/dumps/{name}"' in response.text


@pytest.mark.parametrize("name, media_type, rdflib_format", [
    ("kg.ttl", "text/turtle", "turtle"), ("kg.nt", "application/n-triples", "nt"),
    ("kg.jsonld", "application/ld+json", "json-ld"),
])
def test_dumps_parse_and_hold_the_graph(server, name, media_type, rdflib_format):
    response = server.get(f"/dumps/{name}")
    assert response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    cica = rdflib.URIRef("https://w3id.org/kgbuild/id/organisation/cica")
    assert (cica, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/kgbuild/ontology#Organisation")) in graph


def test_gzip_dump_is_the_same_file_compressed(server):
    plain = server.get("/dumps/kg.nt").content
    packed = server.get("/dumps/kg.nt.gz")
    assert packed.headers["Content-Type"] == "application/gzip"
    assert gzip.decompress(packed.content) == plain


@pytest.mark.parametrize("path", ["/dumps/../report.json", "/dumps/..%2Freport.json", "/dumps/%2E%2E/store",
                                  "/dumps/store", "/dumps/queries", "/dumps/..%2F..%2Fetc%2Fpasswd"])
def test_no_path_leaves_the_dump_list(server, path):
    response = requests.get(server.url(path), timeout=10, allow_redirects=False)
    assert response.status_code == 404


@pytest.mark.parametrize("accept, rdflib_format", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                   ("application/rdf+xml", "xml")])
def test_void_names_the_endpoint_dumps_and_build(server, accept, rdflib_format):
    response = server.get("/.well-known/void", headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    # ours: every dataset but a linkset's target (Wikidata, with its own endpoint)
    datasets = set(graph.subjects(rdflib.RDF.type, VOID.Dataset)) - set(graph.objects(None, VOID.objectsTarget))
    assert datasets
    endpoints = {str(o) for d in datasets for o in graph.objects(d, VOID.sparqlEndpoint)}
    assert endpoints == {server.sparql}
    dumps = {str(o) for d in datasets for o in graph.objects(d, VOID.dataDump)}
    assert dumps and all(dump.startswith(server.root + "/dumps/") for dump in dumps)
    build_id = json.loads((server.dist / "report.json").read_text())["build_id"]
    assert any(str(o) == build_id for d in datasets for o in graph.objects(d, rdflib.OWL.versionInfo))
    assert requests.get(sorted(dumps)[0], timeout=10).status_code == 200
