"""Publish <-> serve: the metadata graph a publication leaves in a store, and reading it back.

`kgbuild publish` writes it last, after the data graphs; `kgbuild serve --backend` reads it to
learn which build the store holds (build id, report), which graphs hold its data, and the stored
queries and VoID a server needs, so a replica needs no dist/ of its own.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_JSON = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
IDENTIFIER = ox.NamedNode(DCTERMS + "identifier")
ISSUED = ox.NamedNode(DCTERMS + "issued")
HAS_PART = ox.NamedNode(DCTERMS + "hasPart")  # a graph holding the published data
DESCRIPTION = ox.NamedNode(DCTERMS + "description")  # report.json, as an rdf:JSON literal
STORED_QUERY = ox.NamedNode(SCHEMA + "hasPart")
SOURCE_CODE = ox.NamedNode(SCHEMA + "SoftwareSourceCode")
NAME = ox.NamedNode(SCHEMA + "name")
TEXT = ox.NamedNode(SCHEMA + "text")


def metadata_graph(base: str) -> str:
    """The graph the publication record lives in; a sibling of the build's own graphs."""
    return f"{base}graph/publication"


def publication_iri(base: str) -> str:
    return f"{base}publication"


@dataclass
class Publication:
    """What a store holds: which build, in which graphs, with which stored queries and VoID."""

    report: dict[str, Any]
    data_graphs: list[str]
    queries: dict[str, str] = field(default_factory=dict)  # name -> text of queries/{name}.rq
    void: list[ox.Triple] = field(default_factory=list)

    @property
    def build_id(self) -> str:
        return str(self.report.get("build_id", ""))


def publication_triples(dist: Path, data_graphs: list[str], base: str) -> list[ox.Triple]:
    """The record of publishing dist/ into data_graphs: build id, report, stored queries, VoID."""
    report_text = (dist / "report.json").read_text("utf-8")
    record = ox.NamedNode(publication_iri(base))
    issued = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    triples = [
        ox.Triple(record, IDENTIFIER, ox.Literal(json.loads(report_text)["build_id"])),
        ox.Triple(record, ISSUED, ox.Literal(issued, datatype=XSD_DATETIME)),
        ox.Triple(record, DESCRIPTION, ox.Literal(report_text, datatype=RDF_JSON)),
        *(ox.Triple(record, HAS_PART, ox.NamedNode(graph)) for graph in data_graphs),
    ]
    for path in sorted((dist / "queries").glob("*.rq")):
        query = ox.BlankNode()
        triples += [ox.Triple(record, STORED_QUERY, query), ox.Triple(query, RDF_TYPE, SOURCE_CODE),
                    ox.Triple(query, NAME, ox.Literal(path.stem)),
                    ox.Triple(query, TEXT, ox.Literal(path.read_text("utf-8")))]
    void_path = dist / "void.ttl"
    if void_path.is_file():
        triples += [quad.triple for quad in ox.parse(path=str(void_path), format=ox.RdfFormat.TURTLE)]
    return triples


# One query answers "which build is published?": it runs every few seconds on every replica.
HEAD_QUERY = """SELECT ?id ?report WHERE {{ GRAPH <{graph}> {{
  <{record}> <{identifier}> ?id ; <{description}> ?report }} }}"""
PARTS_QUERY = "SELECT ?part WHERE {{ GRAPH <{graph}> {{ <{record}> <{has_part}> ?part }} }}"
QUERIES_QUERY = """SELECT ?name ?text WHERE {{ GRAPH <{graph}> {{
  <{record}> <{stored}> ?query . ?query <{name}> ?name ; <{text}> ?text }} }}"""
# VoID is everything in the graph but the record and its stored queries
VOID_QUERY = """CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o
  FILTER(?s != <{record}>) FILTER NOT EXISTS {{ <{record}> <{stored}> ?s }} }} }}"""


def _fill(template: str, base: str) -> str:
    return template.format(graph=metadata_graph(base), record=publication_iri(base), identifier=IDENTIFIER.value,
                           description=DESCRIPTION.value, has_part=HAS_PART.value, stored=STORED_QUERY.value,
                           name=NAME.value, text=TEXT.value)


def head_query(base: str) -> str:
    return _fill(HEAD_QUERY, base)


def read_head(solutions) -> tuple[str, dict[str, Any]] | None:
    """(build id, report) from the answer to head_query, or None when nothing is published."""
    for row in solutions:
        return row["id"].value, json.loads(row["report"].value)
    return None


def read_publication(query, base: str, report: dict[str, Any]) -> Publication:
    """The rest of the record, asked through query(text) (the store's SPARQL endpoint)."""
    parts = sorted(row["part"].value for row in query(_fill(PARTS_QUERY, base)))
    queries = {row["name"].value: row["text"].value for row in query(_fill(QUERIES_QUERY, base))}
    void = list(query(_fill(VOID_QUERY, base)))
    return Publication(report=report, data_graphs=parts, queries=queries, void=void)
