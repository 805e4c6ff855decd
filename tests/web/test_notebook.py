"""kgbuild.open: the build as a read-only rdflib Dataset over its Oxigraph store, beside a real server."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import RDF, RDFS, Literal, Namespace, URIRef

import kgbuild
from kgbuild.store.notebook import ReadOnlyGraphError

from ..conftest import QUERIES

KG = Namespace("https://w3id.org/kgbuild/ontology#")
ID = Namespace("https://w3id.org/kgbuild/id/")
GRAPH = Namespace("https://w3id.org/kgbuild/graph/")


@pytest.fixture(scope="module")
def graph(server):
    """The dataset the server is serving, opened while the server has the same store open."""
    return kgbuild.open(server.dist)


def test_the_stored_query_counts_cica_members_on_a_day_through_rdflib(graph, server):
    # mina-2021-10-07: CICA had 27 member states in October 2021
    rows = list(graph.query((QUERIES / "full-members-on-date.rq").read_text("utf-8")))
    assert [(row.certain.toPython(), row.possible.toPython()) for row in rows] == [(27, 27)]
    assert server.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # the server still answers


def test_value_and_triples_read_the_union_of_the_named_graphs(graph):
    summit = ID["summit/cica-5"]  # mfa-tj-2022-05-04: the 5th summit, Dushanbe, 15 June 2019
    assert graph.value(summit, KG.location) == ID["place/dushanbe"]
    assert (summit, KG.startDate, Literal("2019-06-15", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))) \
        in set(graph.triples((summit, KG.startDate, None)))
    # the facts, the reasoner's shortcut and the ontology all answer from the default graph
    assert (ID["organisation/cica"], KG.hasMember, ID["country/kz"]) in graph
    assert (KG.Membership, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph
    assert {GRAPH.facts, GRAPH.inferred, GRAPH.ontology} <= {context.identifier for context in graph.graphs()}


def test_a_triple_in_two_graphs_is_given_once(graph):
    labels = [label for _, _, label in graph.triples((ID["place/dushanbe"], RDFS.label, None))]
    assert len(labels) == len(set(labels)) >= 1
    assert len(list(graph.triples((None, None, None)))) == len(graph)


def test_changes_are_refused_and_nothing_changes(graph):
    triple = (ID["organisation/cica"], RDFS.label, Literal("changed", lang="en"))
    with pytest.raises(ReadOnlyGraphError, match="read-only graph.*kgbuild build"):
        graph.add(triple)
    with pytest.raises(ReadOnlyGraphError):
        graph.update('INSERT DATA { <https://w3id.org/kgbuild/id/organisation/cica> <http://x/p> "x" }')
    with pytest.raises(ReadOnlyGraphError):
        graph.remove((ID["organisation/cica"], None, None))
    with pytest.raises(ReadOnlyGraphError):
        graph.graph(URIRef("http://example.org/a-new-graph"))
    assert triple not in graph and (ID["organisation/cica"], RDF.type, KG.Organisation) in graph


def test_importing_kgbuild_loads_neither_rdflib_nor_oxrdflib():
    # the query processes and the CLI import kgbuild; kgbuild.open loads its libraries when called
    loaded = subprocess.run([sys.executable, "-c", "import sys, kgbuild; print(sorted({'rdflib', 'oxrdflib', "
                             "'pyoxigraph'} & set(sys.modules)))"], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_folder_without_a_build_is_one_clear_error(tmp_path):
    from kgbuild.store import StoreError

    with pytest.raises(StoreError, match="holds no finished build; run `kgbuild build"):
        kgbuild.open(tmp_path / "dist")
    (tmp_path / "replica").mkdir()
    (tmp_path / "replica" / "backend.json").write_text('{"sparql": "http://127.0.0.1:9/sparql"}')
    with pytest.raises(StoreError, match="points at a remote store"):
        kgbuild.open(tmp_path / "replica")
