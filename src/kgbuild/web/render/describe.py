"""Serve -> what the store says about one resource: its triples, what points at it, labels, sources.

These are our own fixed queries about one IRI, bounded by LIMIT, so they run here in the web worker
against the read-only store rather than in the query processes that guard users' queries. Every term
an answer holds costs the store a string lookup, so each is asked for once: the resource's triples,
what points at it (the first INCOMING_LIMIT, and a count when there are more), then the labels of
everything seen (labels.py, cached per build) and the titles of its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph as ox

from ...iris import (
    DCAT_LANDING_PAGE,
    DCTERMS,
    DCTERMS_SOURCE,
    FOAF_PAGE,
    KG,
    OWL_SAME_AS,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    RDFS_SEE_ALSO,
    SCHEMA_URL,
    WIKIDATA_ENTITY,
)
from ...store import Store
from ..dataset import build_cache, keep
from .labels import LABEL, labels_of
from .terms import pick_label

TYPE = ox.NamedNode(RDF_TYPE)
DERIVED_FROM = ox.NamedNode(PROV_WAS_DERIVED_FROM)
SAME_AS = ox.NamedNode(OWL_SAME_AS)
INCOMING_LIMIT = 200  # a country many memberships point at still answers at once; the page links the rest
SOURCES_KEPT = 10_000  # sources whose details a worker keeps for the build (under 1 kB each)

INCOMING = "SELECT DISTINCT ?x ?p WHERE {{ ?x ?p {iri} }}"
# ordered, so that the page holds the same first links from any store (embedded or remote), kg: links
# first (the org: and schema: links the build materialises from them repeat them)
INCOMING_PAGE = INCOMING + f' ORDER BY DESC(STRSTARTS(STR(?p), "{KG}")) ?p ?x LIMIT {{limit}}'

INCOMING_COUNT = "SELECT (COUNT(*) AS ?count) WHERE {{ " + INCOMING + " }}"
PAGES = "|".join(f"<{iri}>" for iri in (SCHEMA_URL, FOAF_PAGE, DCAT_LANDING_PAGE, DCTERMS_SOURCE, RDFS_SEE_ALSO))
SOURCES = f"PREFIX dcterms: <{DCTERMS}>\n" + """SELECT ?source ?title ?publisher ?issued ?url WHERE {{
  VALUES ?source {{ {sources} }}
  OPTIONAL {{ ?source dcterms:title ?title }}
  OPTIONAL {{ ?source dcterms:publisher ?publisher }}
  OPTIONAL {{ ?source dcterms:issued ?issued }}
  OPTIONAL {{ ?source """ + PAGES + """ ?url }}
}}"""


@dataclass
class Statement:
    """One triple about the resource, seen from it: the predicate and the other end, with labels."""

    predicate: ox.NamedNode
    other: Any  # a term: an IRI, a blank node or a literal (or a quoted triple)
    predicate_labels: tuple[ox.Literal, ...] = ()
    other_labels: tuple[ox.Literal, ...] = ()


@dataclass
class Description:
    """Everything one resource page or document shows."""

    iri: ox.NamedNode
    outgoing: list[Statement]
    incoming: list[Statement]
    sources: list[dict]
    incoming_total: int = 0  # how many (subject, predicate) pairs point at the resource
    labels: list[ox.Literal] = field(default_factory=list)

    @property
    def incoming_query(self) -> str:
        """The SPARQL query that lists everything pointing at the resource (the page shows the first few)."""
        return INCOMING.format(iri=self.iri)

    @property
    def wikidata(self) -> list[str]:
        """The Q-ids of the Wikidata entities the resource is the same as (owl:sameAs), in order."""
        return sorted(s.other.value[len(WIKIDATA_ENTITY):] for s in self.outgoing
                      if s.predicate == SAME_AS and isinstance(s.other, ox.NamedNode)
                      and s.other.value.startswith(WIKIDATA_ENTITY))

    @property
    def types(self) -> list[Statement]:
        return [s for s in self.outgoing if s.predicate == TYPE]

    def triples(self, language: str) -> list[ox.Triple]:
        """The description as triples: the resource's own, labels (in language) of what it points
        to, what points at it with those things' labels, and its sources' titles."""
        found: dict[ox.Triple, None] = {}
        labelled: set[Any] = set()
        for statement in self.outgoing:
            found[ox.Triple(self.iri, statement.predicate, statement.other)] = None
            _add_label(found, labelled, statement.other, statement.other_labels, language)
        for statement in self.incoming:
            found[ox.Triple(statement.other, statement.predicate, self.iri)] = None
            _add_label(found, labelled, statement.other, statement.other_labels, language)
        for source in self.sources:
            for key in ("title", "publisher", "issued"):
                if source.get(key) is not None:
                    found[ox.Triple(source["source"], ox.NamedNode(DCTERMS + key), source[key])] = None
        return list(found)


def _add_label(found: dict, labelled: set, term: Any, labels: tuple[ox.Literal, ...], language: str) -> None:
    """Add term's label in language (once: a term may be at the other end of several statements)."""
    if not labels or term in labelled:
        return
    labelled.add(term)
    chosen = pick_label(labels, language)
    for label in labels:
        if label.value == chosen:
            found[ox.Triple(term, LABEL, label)] = None
            return


def statements_of(build: Store, iri: str) -> list[tuple[ox.NamedNode, Any]]:
    """The distinct (predicate, object) pairs of iri; none when iri is unknown or no IRI at all.

    The resource route asks this first, as its test that the resource exists.
    """
    try:
        subject = ox.NamedNode(iri)  # validated: its str() is safe in a query text
    except ValueError:
        return []
    return build.statements(subject)


def describe(build: Store, iri: str, outgoing: list[tuple[ox.NamedNode, Any]] | None = None) -> Description:
    """Gather the description of iri, a resource that exists (labels in every language; callers pick one).

    outgoing: statements_of(build, iri), when the caller has it already.
    """
    subject = ox.NamedNode(iri)
    if outgoing is None:
        outgoing = statements_of(build, iri)
    incoming = [(row["x"], row["p"]) for row in build.query(INCOMING_PAGE.format(iri=subject, limit=INCOMING_LIMIT))]
    total = len(incoming)
    if total == INCOMING_LIMIT:
        total = int(next(iter(build.query(INCOMING_COUNT.format(iri=subject))))["count"].value)
    labels = labels_of(build, [*(t for pair in outgoing for t in pair), *(t for pair in incoming for t in pair)])
    no_labels: tuple[ox.Literal, ...] = ()
    return Description(
        iri=subject,
        outgoing=[Statement(p, o, labels.get(p, no_labels), labels.get(o, no_labels)) for p, o in outgoing],
        incoming=[Statement(p, x, labels.get(p, no_labels), labels.get(x, no_labels)) for x, p in incoming],
        sources=_sources(build, [o for p, o in outgoing if p == DERIVED_FROM and isinstance(o, ox.NamedNode)]),
        incoming_total=total,
        labels=[o for p, o in outgoing if p == LABEL and isinstance(o, ox.Literal)],
    )


def _sources(build: Store, sources: list[ox.NamedNode]) -> list[dict]:
    """Each source's title, publisher, date of issue and URL (the first of each found).

    Many resources cite the same few sources, so their details are kept for the build.
    """
    cache = build_cache(build, "sources")
    found = {source: cache.get(source) for source in sources}
    missing = [source for source, details in found.items() if details is None]
    if missing:
        read: dict[ox.NamedNode, dict] = {source: {"source": source} for source in missing}
        for row in build.query(SOURCES.format(sources=" ".join(str(source) for source in missing))):
            entry = read[row["source"]]
            for key in ("title", "publisher", "issued", "url"):
                if row[key] is not None and key not in entry:
                    entry[key] = row[key]
        keep(cache, read, SOURCES_KEPT)
        found.update(read)
    return cast(list[dict], list(found.values()))  # every missing one was read above
