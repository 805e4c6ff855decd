"""Graph stage: what the build materialises beside the reasoner: super-terms (org:, schema:, prov:) and shortcuts.

Works on triples of N-Triples terms (see mapping.py) in one pass over the facts: a dictionary lookup per
triple, so it costs the same per triple at a thousand triples or a million.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from ..vocab import KG
from .ntriples import Triple, nt_term


def _ancestors(ontology: Graph, relation: URIRef) -> dict[str, set[str]]:
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
    return {nt_term(term): {nt_term(ancestor) for ancestor in ancestors} for term, ancestors in closure.items()}


def materialise(ontology: Graph, asserted: list[Triple], inferred_types: Iterable[Triple]) -> list[Triple]:
    """Triples a consumer who knows only org:, schema: or prov: needs, plus kg:memberOf / kg:hasMember.

    Returns only what is new: super-classes of every type, super-properties of every statement, the
    membership shortcuts between a member and an organisation while a full membership is in force,
    and the types the reasoner inferred.
    """
    rdf_type, thing = nt_term(RDF.type), nt_term(OWL.Thing)
    classes = _ancestors(ontology, RDFS.subClassOf)
    properties = _ancestors(ontology, RDFS.subPropertyOf)
    inferred_types = list(inferred_types)
    out: dict[Triple, None] = {}  # insertion-ordered set: the same input gives the same order
    status, full = nt_term(KG.status), nt_term(KG.FullMember)
    of_membership = {nt_term(KG.organisation): 0, nt_term(KG.member): 1, nt_term(KG.endDate): 2}
    full_memberships: set[str] = set()
    parts: dict[str, list] = {}  # membership -> [organisation, member, end date]
    for subject, predicate, value in asserted:
        if predicate == rdf_type:
            for ancestor in classes.get(value, ()):
                if ancestor != thing:
                    out[(subject, rdf_type, ancestor)] = None
        elif predicate == status:
            if value == full:
                full_memberships.add(subject)
        else:
            position = of_membership.get(predicate)
            if position is not None:
                parts.setdefault(subject, [None, None, None])[position] = value
        ancestors = properties.get(predicate)
        if ancestors:
            for ancestor in ancestors:
                out[(subject, ancestor, value)] = None
    for subject, _, value in inferred_types:
        for ancestor in classes.get(value, ()):
            if ancestor != thing:
                out[(subject, rdf_type, ancestor)] = None
    member_of, has_member = nt_term(KG.memberOf), nt_term(KG.hasMember)
    for subject in sorted(full_memberships):
        organisation, member, ended = parts.get(subject, (None, None, None))
        if (
            ended is None and organisation is not None and member is not None
        ):  # ended: the shortcut says who is a member now
            for triple in ((member, member_of, organisation), (organisation, has_member, member)):
                out[triple] = None
                for ancestor in properties.get(triple[1], ()):
                    out[(triple[0], ancestor, triple[2])] = None
    for triple in inferred_types:
        out[triple] = None
    # only what is new: an asserted triple is never repeated in the inferred graph
    predicates = {predicate for _, predicate, _ in out}
    for triple in asserted:
        if triple[1] in predicates:
            out.pop(triple, None)
    return list(out)
