"""The build's one path, on the small facts: shapes as SPARQL on the store, reasoning on a summary."""

from __future__ import annotations

from functools import partial

import pyoxigraph as ox
from rdflib import RDF, Graph

from kgbuild.facts import load_facts
from kgbuild.graph.build import load_ontology
from kgbuild.graph.closure import materialise
from kgbuild.graph.mapping import map_records
from kgbuild.graph.ntriples import nt_term
from kgbuild.graph.reasoning import infer_types_of, summarise
from kgbuild.graph.shapes import check_shapes, check_shapes_on_store, translate_shapes
from kgbuild.vocab import KG

from .conftest import ONTOLOGY, SMALL_FACTS

THEME_SHAPE = """
    @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/kgbuild/ontology#> .
    kg:ThemeShape a sh:NodeShape ; sh:targetClass kg:Chairmanship ;
      sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:message "a chairmanship needs a theme; add `theme:`" ] .
"""


def _store(triples) -> ox.Store:
    store = ox.Store()
    store.load("".join(f"{s} {p} {o} .\n" for s, p, o in triples), format=ox.RdfFormat.N_TRIPLES)
    return store


def _checked(facts_dir, shapes: Graph):
    facts = load_facts(facts_dir)
    ontology, _ = load_ontology(ONTOLOGY)
    mapped = map_records(facts)
    triples = [
        *mapped.triples,
        *materialise(ontology, mapped.triples, infer_types_of(ontology, mapped.triples, lambda t: None)),
    ]
    return check_shapes_on_store(translate_shapes(shapes), partial(_store(triples).query), mapped), triples, mapped


def test_every_shape_of_the_ontology_translates_to_sparql():
    _, shapes = load_ontology(ONTOLOGY)
    translation = translate_shapes(shapes)
    assert translation.constraints and not translation.untranslated, translation.reasons


def test_curated_shapes_find_nothing_on_the_store_path():
    _, shapes = load_ontology(ONTOLOGY)
    violations, _, _ = _checked(SMALL_FACTS, shapes)
    assert violations == []


def test_store_path_locates_a_violation_at_its_yaml_line(facts_dir):
    cica = facts_dir / "cica.yaml"
    text = cica.read_text("utf-8").replace(
        "chairmanships:\n", "chairmanships:\n  - {chair: tj, since: 2018, until: 2020-09, source: mina-2021-10-07}\n"
    )
    cica.write_text(text, "utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "chair: tj" in row)
    violations, triples, mapped = _checked(facts_dir, Graph().parse(data=THEME_SHAPE, format="turtle"))
    assert [(v.origin.file.rsplit("/", 1)[-1], v.origin.line) for v in violations] == [("cica.yaml", line)]
    assert "a chairmanship needs a theme" in violations[0].message
    # and pySHACL over everything agrees
    exact = check_shapes(Graph().parse(data=THEME_SHAPE, format="turtle"), _graph(triples), mapped)
    assert [v.origin for v in exact] == [v.origin for v in violations]


def test_summary_keeps_one_representative_per_shape_and_infers_member():
    ontology, _ = load_ontology(ONTOLOGY)
    mapped = map_records(load_facts(SMALL_FACTS))
    constants = {nt_term(term) for term in ontology.subjects()}
    summary, representative = summarise(mapped.triples, constants, nt_term(RDF.type))
    assert len(set(representative.values())) < len(representative) and len(summary) < len(mapped.triples)
    inferred = infer_types_of(ontology, mapped.triples, lambda t: None)
    for code in ("kz", "tj", "my"):  # every member, whether or not it was its shape's representative
        assert (f"<https://w3id.org/kgbuild/id/country/{code}>", nt_term(RDF.type), nt_term(KG.Member)) in inferred


def _graph(triples) -> Graph:
    from kgbuild.graph.ntriples import to_graph

    return to_graph(triples)
