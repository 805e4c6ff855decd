"""Graph stage: blank nodes labelled from their content (RDF Canonicalization, RDFC-1.0), so that the
same ontology gives the same N-Quads, and so the same build id and the same bytes in every dump.

rdflib labels each parsed blank node at random; RDFC-1.0 (a W3C Recommendation, done by pyoxigraph)
names each one `c14nN` from a hash of the statements around it. It costs some 15 ms on kgbuild.ttl
(700 triples, 66 blank nodes), once per build whatever the facts' size: the facts make no blank nodes.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from .ntriples import rdflib_term


def with_stable_blank_nodes(graph: Graph) -> Graph:
    """The same graph with its blank nodes canonically labelled (a new graph; prefixes kept)."""
    dataset = ox.Dataset(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    canonical = Graph(namespace_manager=graph.namespace_manager)
    for quad in dataset:
        canonical.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return canonical



