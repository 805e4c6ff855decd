"""Graph stage: what the build materialises beside the reasoner: super-terms (org:, schema:, prov:) and shortcuts."""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from ..vocab import KG


def _ancestors(ontology: Graph, relation: URIRef) -> dict[URIRef, set[URIRef]]:
    """Every named term's transitive super-terms along relation (rdfs:subClassOf or rdfs:subPropertyOf)."""
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    for child, parent in ontology.subject_objects(relation):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and child != parent:
            parents[child].add(parent)
    closure: dict[URIRef, set[URIRef]] = {}

    def walk(term: URIRef, seen: frozenset = frozenset()) -> set[URIRef]:
        if term in closure:
            return closure[term]
        found: set[URIRef] = set()
        for parent in parents.get(term, ()):
            if parent not in seen:
                found |= {parent} | walk(parent, seen | {term})
        closure[term] = found
        return found

    for term in list(parents):
        walk(term)
    return closure


def materialise(ontology: Graph, asserted: Graph, inferred_types: Graph) -> Graph:
    """Triples a consumer who knows only org:, schema: or prov: needs, plus kg:memberOf / kg:hasMember.

    Returns only what is new: super-classes of every type, super-properties of every statement, and the
    membership shortcuts between a member and an organisation while a full membership is in force.
    """
    classes = _ancestors(ontology, RDFS.subClassOf)
    properties = _ancestors(ontology, RDFS.subPropertyOf)
    out = Graph()
    for subject, cls in [*asserted.subject_objects(RDF.type), *inferred_types.subject_objects(RDF.type)]:
        for ancestor in classes.get(cls, ()):
            if ancestor != OWL.Thing:
                out.add((subject, RDF.type, ancestor))
    for membership in asserted.subjects(KG.status, KG.FullMember):
        if (membership, KG.endDate, None) in asserted:
            continue  # ended: the shortcut says who is a member now
        organisation = asserted.value(membership, KG.organisation)
        member = asserted.value(membership, KG.member)
        if organisation is not None and member is not None:
            out.add((member, KG.memberOf, organisation))
            out.add((organisation, KG.hasMember, member))
    for subject, predicate, value in [*asserted, *out]:
        for ancestor in properties.get(predicate, ()):
            out.add((subject, ancestor, value))
    for triple in inferred_types:
        out.add(triple)
    return out - asserted
