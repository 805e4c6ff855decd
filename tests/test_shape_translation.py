"""The shapes' SPARQL translation (the large-graph path) finds exactly what pySHACL finds.

Large builds validate shapes only through the translation, so it is held to pySHACL here: the curated
triples, broken one way per case at the triple level (the YAML loader would refuse most of these before
a shape saw them), are validated by both engines, and both must report the same violations.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD
from rdflib.namespace import PROV

from kgbuild.facts import load_facts
from kgbuild.graph.build import load_ontology
from kgbuild.graph.closure import materialise
from kgbuild.graph.mapping import map_records
from kgbuild.graph.ntriples import nt_term, to_graph
from kgbuild.graph.reasoning import infer_types_of
from kgbuild.graph.shapes import ShapeCheck, check_shapes, check_shapes_on_store, translate_shapes
from kgbuild.vocab import KG

from .conftest import ONTOLOGY, SMALL_FACTS

ID = "https://w3id.org/kgbuild/id/"
KZ = f"<{ID}membership/cica-kz>"
COMPONENT = f"<{ID}component/asean-culture-of-prevention-%d>"
TYPE, LABEL, SOURCE = nt_term(RDF.type), nt_term(RDFS.label), nt_term(PROV.wasDerivedFrom)


def _t(term) -> str:
    return nt_term(term)


@lru_cache(maxsize=1)
def _curated():
    ontology, shapes = load_ontology(ONTOLOGY)
    mapped = map_records(load_facts(SMALL_FACTS))
    inferred = materialise(ontology, mapped.triples, infer_types_of(ontology, mapped.triples, lambda t: None))
    return shapes, mapped, [*mapped.triples, *inferred]


def _replace(triples, match, new):
    return [new(triple) if match(triple) else triple for triple in triples]


def _position_of_second_component_is_1(triples):
    return _replace(triples, lambda t: t[0] == COMPONENT % 2 and t[1] == _t(KG.position),
                    lambda t: (t[0], t[1], f'"1"^^{_t(XSD.integer)}'))


def _end_before_start(triples):
    return [*triples, (KZ, _t(KG.endDate), f'"1990-01-01"^^{_t(XSD.date)}'), (KZ, _t(KG.endDatePrecision), _t(KG.Day))]


def _second_membership_over_the_same_years(triples):
    again = f"<{ID}membership/cica-kz-again>"
    return [*triples, *((again, p, o) for s, p, o in triples if s == KZ)]


BREAKAGES = {
    "membership without an English label": lambda ts: [
        t for t in ts if not (t[0] == KZ and t[1] == LABEL and t[2].endswith("@en"))
    ],
    "membership with two English labels": lambda ts: [*ts, (KZ, LABEL, '"Kazakhstan, again"@en')],
    "membership with two statuses": lambda ts: [*ts, (KZ, _t(KG.status), _t(KG.Observer))],
    "membership without a member": lambda ts: [t for t in ts if not (t[0] == KZ and t[1] == _t(KG.member))],
    "membership without a source": lambda ts: [t for t in ts if not (t[0] == KZ and t[1] == SOURCE)],
    "start date as plain text": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.startDate), lambda t: (t[0], t[1], t[2].split("^^")[0])
    ),
    "member that is a source": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.member), lambda t: (t[0], t[1], f"<{ID}source/kemlu-cica>")
    ),
    "status outside the value set": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.status), lambda t: (t[0], t[1], _t(KG.Day))
    ),
    "day precision on a year": lambda ts: _replace(
        ts, lambda t: t[0] == KZ and t[1] == _t(KG.startDate), lambda t: (t[0], t[1], f'"1999"^^{_t(XSD.gYear)}')
    ),
    "two components at one position, none at the next": _position_of_second_component_is_1,
    "membership that ends before it starts": _end_before_start,
    "two memberships of one member in one organisation at once": _second_membership_over_the_same_years,
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_translation_and_pyshacl_find_the_same_violations(breakage):
    shapes, mapped, triples = _curated()
    broken = BREAKAGES[breakage](triples)
    assert broken != triples
    by_pyshacl = check_shapes(shapes, to_graph(broken), mapped)
    store = ox.Store()
    store.load("".join(f"{s} {p} {o} .\n" for s, p, o in broken), format=ox.RdfFormat.N_TRIPLES)
    by_translation = check_shapes_on_store(ShapeCheck([], translate_shapes(shapes)), store.query, mapped)
    assert by_pyshacl, f"the case '{breakage}' breaks no shape: it tests nothing"
    assert [v.message for v in by_translation] == [v.message for v in by_pyshacl]
    assert by_translation == by_pyshacl


def test_the_curated_triples_break_no_shape_on_either_engine():
    shapes, mapped, triples = _curated()
    store = ox.Store()
    store.load("".join(f"{s} {p} {o} .\n" for s, p, o in triples), format=ox.RdfFormat.N_TRIPLES)
    assert check_shapes(shapes, to_graph(triples), mapped) == []
    assert check_shapes_on_store(ShapeCheck([], translate_shapes(shapes)), store.query, mapped) == []


def test_a_graph_breaking_no_shape_has_kg_member_inferred():
    # the kg:Member shape targets an inferred class: without inferences it would check nothing
    _, _, triples = _curated()
    assert (f"<{ID}country/kz>", TYPE, _t(KG.Member)) in triples
