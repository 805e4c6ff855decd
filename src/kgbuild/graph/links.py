"""Graph stage: links out to Wikidata: owl:sameAs, the statement saying which source gave each link,
and the VoID linkset that counts them.

owl:sameAs is a plain triple, so it cannot carry its source. Each link is also an RDF reification
(rdf:Statement with rdf:subject, rdf:predicate, rdf:object) whose prov:wasDerivedFrom names the source
that gives the id: plain RDF, no RDF-star, one pattern to query. kg:Statement is not used: it is the
ranked value of a disputed key, and its kg:statementValue is a literal in the ontology.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import FOAF

from .. import iris, vocab
from ..vocab import VOID
from .emitter import _T, Emitter
from .ntriples import Triple, nt_iri, nt_literal

SAME_AS = nt_iri(iris.OWL_SAME_AS)
_STATEMENT, _SUBJECT = nt_iri(iris.RDF_STATEMENT), nt_iri(iris.RDF_SUBJECT)
_PREDICATE, _OBJECT = nt_iri(iris.RDF_PREDICATE), nt_iri(iris.RDF_OBJECT)


class LinksOut(Emitter):
    """The owl:sameAs of the resource being written, with the statement that sources it."""

    def same_as(self, owner_kind: str, owner: str, qid: str | None, source_ids: Iterable[str],
                cited: Iterable[str] = ()) -> None:
        """owl:sameAs the entity qid, if any; its sources join the resource's own (cited) ones."""
        if qid is None:
            return
        subject, origin, source_ids, cited = self._subject, self._origin, list(source_ids), set(cited)
        entity = nt_iri(iris.wikidata_entity(qid))
        self.add(SAME_AS, entity)
        self.sources([source for source in source_ids if source not in cited])
        self.start(self.iri("link", vocab.link_slug(owner_kind, owner, "wikidata")), origin, _STATEMENT)
        for language, connective in (("en", "is"), ("id", "adalah")):
            name = self._owner_name(owner_kind, owner, language)
            self.add(_T["label"], nt_literal(f"{name} {connective} Wikidata {qid}", language))
        self.add(_SUBJECT, subject)
        self.add(_PREDICATE, SAME_AS)
        self.add(_OBJECT, entity)
        self.sources(source_ids)
        self._subject, self._origin = subject, origin

    def _owner_name(self, owner_kind: str, owner: str, language: str) -> str:
        if owner_kind == "country":
            return self.country_name(owner, language)
        if owner_kind == "place":
            label = self.facts.places[owner].label
            return label.get(language, label["en"])
        return self.org_name(owner)


def without_links(triples: list[Triple]) -> list[Triple]:
    """The triples with the links out and their statements left out: the reasoner's input.

    HermiT reads owl:sameAs as equality: it would merge our resource with the Wikidata entity (and,
    through a shared entity, two of ours), and any type it then inferred would hold for both. So the
    links never reach the reasoner, nor what the build materialises from its answer.
    """
    statements = {subject for subject, predicate, value in triples if predicate == _T["type"] and value == _STATEMENT}
    return [triple for triple in triples if triple[1] != SAME_AS and triple[0] not in statements]


def add_wikidata_linkset(void: Graph, store: ox.Store, dataset: URIRef, base: str) -> None:
    """Describe the owl:sameAs links to Wikidata as a void:Linkset, counted from the built store (if any)."""
    linkset, wikidata = vocab.wikidata_linkset_iri(base), vocab.wikidata_dataset_iri(base)
    query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ ?s <{iris.OWL_SAME_AS}> ?o "
             f'FILTER(STRSTARTS(STR(?o), "{iris.WIKIDATA_ENTITY}")) }} }}')
    solutions = cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))
    links = int(next(iter(solutions))["n"].value)
    if not links:
        return  # facts without links out: no linkset to describe
    void.add((linkset, RDF.type, VOID.Linkset))
    void.add((linkset, VOID.subjectsTarget, dataset))
    void.add((linkset, VOID.objectsTarget, wikidata))
    void.add((linkset, VOID.linkPredicate, URIRef(iris.OWL_SAME_AS)))
    void.add((linkset, VOID.triples, Literal(links, datatype=XSD.integer)))
    void.add((dataset, VOID.subset, linkset))
    void.add((wikidata, RDF.type, VOID.Dataset))
    void.add((wikidata, FOAF.homepage, URIRef(iris.WIKIDATA_HOME)))
    void.add((wikidata, VOID.uriSpace, Literal(iris.WIKIDATA_ENTITY)))
    void.add((wikidata, VOID.sparqlEndpoint, URIRef(iris.WIKIDATA_SPARQL)))
