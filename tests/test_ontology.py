"""The ontology and shapes: every term the build uses is declared, labelled and defined in both languages."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, URIRef

from kgbuild.vocab import KG, KG_NS

from .conftest import ONTOLOGY

DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "kgbuild.ttl", format="turtle")


def vocab_terms() -> list[URIRef]:
    return sorted(URIRef(KG_NS + name) for name in KG.__annotations__)


def declared_terms(ontology: Graph) -> set[URIRef]:
    return {term for kind in DECLARATIONS for term in ontology.subjects(RDF.type, kind)
            if isinstance(term, URIRef) and str(term).startswith(KG_NS)}


@pytest.mark.parametrize("term", vocab_terms(), ids=lambda term: term.split("#")[1])
def test_term_is_declared_labelled_and_defined_in_english_and_indonesian(ontology, term):
    assert term in declared_terms(ontology), f"{term} is used by the build but not declared in ontology/kgbuild.ttl"
    labels = {label.language for label in ontology.objects(term, RDFS.label)}
    definitions = {text.language for text in ontology.objects(term, SKOS.definition)}
    assert {"en", "id"} <= labels and {"en", "id"} <= definitions


def test_ontology_declares_nothing_the_build_does_not_know(ontology):
    assert declared_terms(ontology) - set(vocab_terms()) == set()


def test_member_is_a_defined_class(ontology):
    assert (KG.Member, OWL.equivalentClass, None) in ontology


def test_country_and_meeting_are_disjoint(ontology):
    disjoint_sets = [
        set(Graph.items(ontology, members))
        for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
        for members in ontology.objects(axiom, OWL.members)
    ]
    assert any({KG.Country, KG.Meeting} <= members for members in disjoint_sets)


def test_shapes_cover_every_class(ontology):
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    classes = {term for term in ontology.subjects(RDF.type, OWL.Class) if str(term).startswith(KG_NS)}
    assert classes - targets == set()
