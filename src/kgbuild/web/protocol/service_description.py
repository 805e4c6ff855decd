"""Serve -> the SPARQL 1.1 Service Description of the endpoint (sd: vocabulary), as triples."""

from __future__ import annotations

import pyoxigraph as ox

from ... import iris
from ...iris import FORMATS, SD, VOID
from ...queryrun.formats import GRAPH_FORMATS, RESULT_FORMATS
from ...store import Store
from ...vocab import GRAPH_NAMES

RDF_TYPE = ox.NamedNode(iris.RDF_TYPE)
OWL_VERSION_INFO = ox.NamedNode(iris.OWL_VERSION_INFO)
W3C_FORMAT_NAMES = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "rdfxml": "RDF_XML",
    "jsonld": "JSON-LD",
}


def sd(term: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SD}{term}")


def describe_service(endpoint: str, build: Store) -> list[ox.Triple]:
    """The service description of the endpoint at URL endpoint, serving build."""
    service = ox.NamedNode(endpoint)
    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(service, OWL_VERSION_INFO, ox.Literal(build.build_id)),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, OWL_VERSION_INFO, ox.Literal(build.build_id)),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
    ]
    for chosen in (*RESULT_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, sd("resultFormat"),
                                 ox.NamedNode(FORMATS + W3C_FORMAT_NAMES[chosen.name])))
    counts = build.report.get("triples", {})
    if isinstance(counts.get("total"), int):
        triples.append(ox.Triple(default_graph, ox.NamedNode(f"{VOID}triples"), ox.Literal(counts["total"])))
    for name in GRAPH_NAMES:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(build.graph_iri(name))),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
        ]
        if isinstance(counts.get(name), int):
            triples.append(ox.Triple(graph, ox.NamedNode(f"{VOID}triples"), ox.Literal(counts[name])))
    return triples
