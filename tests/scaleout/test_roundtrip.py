"""build -> publish -> serve --backend: a replica over a real store answers as the embedded store does."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kgbuild.cli import cli
from kgbuild.iris import XSD_BOOLEAN as XSD_BOOLEAN_IRI

from ..conftest import QUERIES, SMALL_FACTS
from ..hardening.test_hostile_queries import Listener
from ..web.conftest import serve_in_thread
from .conftest import publish_args, replica

QUERY_NAMES = sorted(path.stem for path in QUERIES.glob("*.rq"))
RESOURCES = ("/id/organisation/cica", "/id/summit/cica-5", "/id/country/kz", "/ontology")
KG = "https://w3id.org/kgbuild/ontology#"
BASE = "https://w3id.org/kgbuild/"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def published(request, built):
    """The curated build, published into one real store (each store in turn)."""
    store = request.getfixturevalue(request.param)
    result = CliRunner().invoke(cli, publish_args(store, built))
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="module")
def remote(published):
    """`kgbuild serve --backend` over the store, with no dist/ of its own."""
    yield from replica(published.sparql)


@pytest.fixture(scope="module")
def embedded(built):
    yield from serve_in_thread(built)


def rows(response: requests.Response) -> list[tuple[str, ...]]:
    assert response.status_code == 200, response.text
    result = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return [(str(bool(result)),)]
    names = [variable.value for variable in result.variables]
    return sorted(tuple(_canonical(solution[name]) for name in names) for solution in result)


XSD_BOOLEAN = ox.NamedNode(XSD_BOOLEAN_IRI)


def _canonical(term) -> str:
    """A term as text, a boolean in its canonical form: Virtuoso writes true as "1"^^xsd:boolean, the same value."""
    if isinstance(term, ox.Literal) and term.datatype == XSD_BOOLEAN:
        return str(ox.Literal({"1": "true", "0": "false"}.get(term.value, term.value), datatype=XSD_BOOLEAN))
    return str(term)


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_stored_query_gives_the_embedded_stores_rows(remote, embedded, name):
    path = f"/queries/{name}?format=json"
    expected = rows(embedded.get(path))
    assert expected, f"{name} answers nothing on the embedded store; the comparison would prove nothing"
    assert rows(remote.get(path)) == expected


@pytest.mark.parametrize("path", RESOURCES)
def test_linked_data_is_the_same_graph(remote, embedded, path):
    ours = Graph().parse(data=remote.get(path, headers={"Accept": "text/turtle"}).text, format="turtle")
    theirs = Graph().parse(data=embedded.get(path, headers={"Accept": "text/turtle"}).text, format="turtle")
    assert len(ours) > 0
    assert isomorphic(ours, theirs)


@pytest.mark.parametrize("path", ["/", "/queries/", "/sparql", "/ontology", "/id/organisation/cica"])
def test_pages_render(remote, path):
    assert remote.get(path, headers={"Accept": "text/html"}).status_code == 200


def test_default_graph_uri_leaves_the_inferences_out(remote):
    ask = f"ASK {{ ?x a <{KG}Member> }}"  # kg:Member is inferred by the reasoner, never stated
    assert rows(remote.post("/sparql", data={"query": ask})) == [("True",)]
    only_facts = {"query": ask, "default-graph-uri": f"{BASE}graph/facts"}
    assert rows(remote.post("/sparql", data=only_facts)) == [("False",)]


def test_a_graph_the_store_lacks_is_empty_and_never_fetched(remote, embedded):
    elsewhere = Listener()  # a graph IRI on loopback: a store that tried to fetch it would connect here
    try:
        asks = [
            {"query": f"SELECT * FROM <{elsewhere.url}> {{ ?s ?p ?o }}"},
            {"query": f"SELECT ?g FROM NAMED <{elsewhere.url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            {"query": "ASK { ?s ?p ?o }", "default-graph-uri": elsewhere.url},
            {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": elsewhere.url},
            {"query": f"ASK {{ <{BASE}id/organisation/cica> a <{KG}Organisation> }}",
             "default-graph-uri": [elsewhere.url, f"{BASE}graph/facts"]},
        ]
        answers = [rows(remote.post("/sparql", data=ask)) for ask in asks]
        assert answers == [rows(embedded.post("/sparql", data=ask)) for ask in asks]
        assert answers == [[], [], [("False",)], [("False",)], [("True",)]]
        time.sleep(0.5)  # a fetch the store started would have connected by now
        assert elsewhere.connections == 0
    finally:
        elsewhere.close()


def test_malformed_query_is_a_400_with_line_and_column(remote):
    answer = remote.post("/sparql", data={"query": "SELECT * WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert "line 1" in answer.text


def test_updates_are_refused_before_they_reach_the_store(remote):
    answer = remote.post("/sparql", data={"update": f"DROP GRAPH <{BASE}graph/facts>"})
    assert answer.status_code == 403
    assert rows(remote.post("/sparql", data={"query": f"ASK {{ ?x a <{KG}Summit> }}"})) == [("True",)]


def test_etag_is_the_published_build_id(remote, embedded):
    build_id = embedded.get("/").headers["ETag"].strip('"').split(".")[0]
    assert remote.get("/").headers["ETag"].strip('"').startswith(build_id + ".")


def test_without_dist_the_dumps_are_the_publication_record(remote):
    assert remote.get("/dumps/report.json").status_code == 200
    assert remote.get("/dumps/kg.nt").status_code == 404


def test_with_dist_the_dumps_are_the_published_builds_files(oxigraph, built):
    assert CliRunner().invoke(cli, publish_args(oxigraph, built)).exit_code == 0
    for server in replica(oxigraph.sparql, built):
        assert server.get("/dumps/kg.nt").content == (built / "kg.nt").read_bytes()


def test_a_new_publication_reaches_a_running_replica(fresh_oxigraph, built, built_small):
    runner = CliRunner()
    assert runner.invoke(cli, publish_args(fresh_oxigraph, built)).exit_code == 0
    for server in replica(fresh_oxigraph.sparql):
        first = server.get("/").headers["ETag"]
        assert runner.invoke(cli, publish_args(fresh_oxigraph, built_small)).exit_code == 0
        deadline = time.monotonic() + 15  # the replica looks at the publication every 5 s
        while server.get("/").headers["ETag"] == first and time.monotonic() < deadline:
            time.sleep(0.5)
        assert server.get("/").headers["ETag"] != first


def test_serving_a_store_without_a_publication_is_an_error(fresh_oxigraph):
    result = CliRunner().invoke(cli, ["serve", "--backend", fresh_oxigraph.sparql])
    assert result.exit_code == 1
    assert "holds no kgbuild publication" in result.output


def test_serving_an_unreachable_store_is_an_error():
    result = CliRunner().invoke(cli, ["serve", "--backend", "http://127.0.0.1:9/sparql"])
    assert result.exit_code == 1
    assert "unreachable" in result.output


def test_small_facts_are_a_different_build(built, built_small):
    # the test above needs two builds with different ids
    assert SMALL_FACTS.is_dir()
    assert (built / "report.json").read_text() != (built_small / "report.json").read_text()


def test_unknown_resource_is_a_404(remote):
    # the page asks the store ASK { <iri> ?p ?o }; Virtuoso 7 answers ASK as a row, which must read as false
    assert remote.get("/id/country/xx").status_code == 404
