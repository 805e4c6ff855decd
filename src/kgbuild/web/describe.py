"""Serve -> what the store says about one resource: its triples, what points at it, labels, sources."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..store import BuiltStore
from .terms import pick_label

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
INCOMING_LIMIT = 2000
SUBJECT = ox.Variable("subject")

OUTGOING = """
SELECT DISTINCT ?subject ?p ?o ?olabel ?plabel WHERE {
  ?subject ?p ?o
  OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?olabel }
  OPTIONAL { ?p <http://www.w3.org/2000/01/rdf-schema#label> ?plabel }
}"""
INCOMING = f"""
SELECT DISTINCT ?subject ?x ?p ?xlabel ?plabel WHERE {{
  ?x ?p ?subject
  OPTIONAL {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?xlabel }}
  OPTIONAL {{ ?p <http://www.w3.org/2000/01/rdf-schema#label> ?plabel }}
}} LIMIT {INCOMING_LIMIT}"""
SOURCES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?subject ?source ?title ?publisher ?issued ?url WHERE {
  ?subject <http://www.w3.org/ns/prov#wasDerivedFrom> ?source
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:publisher ?publisher }
  OPTIONAL { ?source dcterms:issued ?issued }
  OPTIONAL { ?source <http://schema.org/url>|<http://xmlns.com/foaf/0.1/page>|<http://www.w3.org/ns/dcat#landingPage>
             |<http://purl.org/dc/terms/source>|<http://www.w3.org/2000/01/rdf-schema#seeAlso> ?url }
}"""


@dataclass
class Statement:
    """One triple about the resource, seen from it: the predicate and the other end, with labels."""

    predicate: ox.NamedNode
    other: object
    predicate_labels: list[ox.Literal] = field(default_factory=list)
    other_labels: list[ox.Literal] = field(default_factory=list)


@dataclass
class Description:
    """Everything one resource page or document shows."""

    iri: ox.NamedNode
    outgoing: list[Statement]
    incoming: list[Statement]
    sources: list[dict]

    def values(self, predicate: ox.NamedNode) -> list[object]:
        return [s.other for s in self.outgoing if s.predicate == predicate]

    @property
    def labels(self) -> list[ox.Literal]:
        return [v for v in self.values(RDFS_LABEL) if isinstance(v, ox.Literal)]

    @property
    def types(self) -> list[Statement]:
        return [s for s in self.outgoing if s.predicate == RDF_TYPE]

    def triples(self, language: str) -> list[ox.Triple]:
        """The description as triples: the resource's own, labels (in language) of what it points
        to, what points at it with those things' labels, and its sources' titles."""
        found: dict[ox.Triple, None] = {}
        for statement in self.outgoing:
            found[ox.Triple(self.iri, statement.predicate, statement.other)] = None
            _add_label(found, statement.other, statement.other_labels, language)
        for statement in self.incoming:
            found[ox.Triple(statement.other, statement.predicate, self.iri)] = None
            _add_label(found, statement.other, statement.other_labels, language)
        for source in self.sources:
            for key in ("title", "publisher", "issued"):
                if source.get(key) is not None:
                    predicate = ox.NamedNode(f"http://purl.org/dc/terms/{key}")
                    found[ox.Triple(source["source"], predicate, source[key])] = None
        return list(found)


def _add_label(found: dict, term: object, labels: list[ox.Literal], language: str) -> None:
    if not isinstance(term, (ox.NamedNode, ox.BlankNode)) or not labels:
        return
    chosen = pick_label(labels, language)
    for label in labels:
        if label.value == chosen:
            found[ox.Triple(term, RDFS_LABEL, label)] = None
            return


def resource_exists(build: BuiltStore, iri: str) -> bool:
    """True when the store holds any triple about iri (as subject)."""
    return bool(build.query("ASK { ?subject ?p ?o }", substitutions={SUBJECT: ox.NamedNode(iri)}))


def _grouped(rows, other_name: str, other_label: str) -> list[Statement]:
    statements: dict[tuple, Statement] = {}
    labels: dict[tuple, dict] = defaultdict(lambda: {"p": {}, "o": {}})
    for row in rows:
        key = (row["p"], row[other_name])
        statement = statements.setdefault(key, Statement(row["p"], row[other_name]))
        for slot, name in (("p", "plabel"), ("o", other_label)):
            label = row[name]
            if label is not None:
                labels[key][slot][label] = None
    for key, statement in statements.items():
        statement.predicate_labels = list(labels[key]["p"])
        statement.other_labels = list(labels[key]["o"])
    return list(statements.values())


def describe(build: BuiltStore, iri: str) -> Description:
    """Gather the description of iri (all label languages; callers pick one)."""
    bound = {SUBJECT: ox.NamedNode(iri)}
    outgoing = _grouped(build.query(OUTGOING, substitutions=bound), "o", "olabel")
    incoming = _grouped(build.query(INCOMING, substitutions=bound), "x", "xlabel")
    sources: dict[object, dict] = {}
    for row in build.query(SOURCES, substitutions=bound):
        entry = sources.setdefault(row["source"], {"source": row["source"]})
        for key in ("title", "publisher", "issued", "url"):
            if row[key] is not None and key not in entry:
                entry[key] = row[key]
    return Description(ox.NamedNode(iri), outgoing, incoming, list(sources.values()))
