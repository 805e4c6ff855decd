"""graph/write.py: the graphs' text (what the build id hashes, the stores load and the dumps come from) and
the one strict parse every quad of a build goes through."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgbuild import vocab
from kgbuild.graph import write as write_module
from kgbuild.graph.write import graph_text, write_build

from .conftest import ONTOLOGY

BASE = vocab.DEFAULT_BASE
KZ = "<https://w3id.org/kgbuild/id/country/kz>"
CICA = "<https://w3id.org/kgbuild/id/organisation/cica>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
MEMBER_OF = "<https://w3id.org/kgbuild/ontology#memberOf>"
HAS_MEMBER = "<https://w3id.org/kgbuild/ontology#hasMember>"

# Kazakhstan is a member state of CICA (DESIGN.md §2); the mapping may give a triple twice, and the
# reasoner may infer one that was also asserted
FACTS = [(KZ, MEMBER_OF, CICA), (KZ, LABEL, '"Kazakhstan"@en'), (CICA, LABEL, '"CICA"'), (KZ, MEMBER_OF, CICA)]
INFERRED = [(CICA, HAS_MEMBER, KZ), (KZ, MEMBER_OF, CICA)]


def graph_of(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(vocab.graph_iri(name, BASE)))


def test_the_quads_hold_each_graphs_distinct_triples_graph_by_graph():
    text = graph_text({"facts": FACTS}, BASE).merged(graph_text({"inferred": INFERRED}, BASE))
    quads = list(ox.parse(text.nquads, format=ox.RdfFormat.N_QUADS))
    graphs = [quad.graph_name for quad in quads]
    assert graphs == [graph_of("facts")] * 3 + [graph_of("inferred")] * 2  # one block per graph, in order
    lines = text.nquads.decode("utf-8").splitlines()
    assert lines[:3] == sorted(lines[:3]) and lines[3:] == sorted(lines[3:])
    assert text.sizes == {str(vocab.graph_iri("facts", BASE)): 3, str(vocab.graph_iri("inferred", BASE)): 2}


def test_the_union_is_every_distinct_triple_sorted_as_n_triples():
    text = graph_text({"facts": FACTS}, BASE).merged(graph_text({"inferred": INFERRED}, BASE))
    lines = text.ntriples().decode("utf-8").splitlines()
    assert lines == sorted(lines)
    parsed = {(t.subject, t.predicate, t.object) for t in ox.parse(text.ntriples(), format=ox.RdfFormat.N_TRIPLES)}
    assert len(parsed) == len(lines) == 4  # memberOf once, though asserted twice and inferred


def test_an_invalid_iri_fails_the_build_and_leaves_out_as_it_was(tmp_path):
    out = tmp_path / "dist"
    spaced = "<https://w3id.org/kgbuild/id/place/nur sultan>"
    graphs = {"ontology": [], "facts": [(KZ, LABEL, '"Kazakhstan"@en'), (spaced, LABEL, '"Nur-Sultan"@en')]}
    with pytest.raises(SyntaxError, match="nur sultan|space|IRI"):
        write_build(graphs, out, BASE, ONTOLOGY, None, warnings=[], prefixes=dict(vocab.PREFIXES))
    assert not out.exists()
    assert not list(write_module.builds_folder(out).glob("tmp-*"))
