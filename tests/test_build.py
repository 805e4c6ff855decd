"""The build: reasoning, shapes, the atomic write of dist/, and dumps that re-parse to the same graph."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from kgbuild import vocab
from kgbuild.facts import FactsError, Origin, load_facts
from kgbuild.graph import write as write_module
from kgbuild.graph.build import build, load_ontology
from kgbuild.graph.mapping import map_facts
from kgbuild.graph.reasoning import Inconsistent, infer_types
from kgbuild.store import open_store
from kgbuild.vocab import KG, ORG, SCHEMA

from .conftest import ONTOLOGY, QUERIES, SMALL_FACTS

BASE = vocab.DEFAULT_BASE


def iri(path: str) -> URIRef:
    return URIRef(f"{BASE}id/{path}")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below folder (links followed) with its bytes."""
    real = Path(folder).resolve()
    return {str(path.relative_to(real)): path.read_bytes() for path in sorted(real.rglob("*")) if path.is_file()}


def union_graph(dist: Path) -> Graph:
    graph = Graph()
    graph.parse(dist / "kg.nt", format="nt")
    return graph


def test_reasoner_infers_member_for_whoever_holds_a_membership(built_small):
    graph = union_graph(built_small)
    assert (iri("country/kz"), RDF.type, KG.Member) in graph
    assert (iri("country/my"), RDF.type, KG.Member) in graph  # an observer holds a membership too
    assert (iri("organisation/cica"), RDF.type, KG.Member) not in graph


def test_inferred_triples_live_in_their_own_graph(built_small):
    store = open_store(built_small)
    ask = "ASK { GRAPH <%s> { <%s> a <%s> } }"
    assert store.query(ask % (vocab.graph_iri("inferred"), iri("country/kz"), KG.Member))
    assert not store.query(ask % (vocab.graph_iri("facts"), iri("country/kz"), KG.Member))


def test_super_terms_are_materialised(built_small):
    graph = union_graph(built_small)
    assert (iri("organisation/cica"), RDF.type, ORG.FormalOrganization) in graph
    assert (iri("membership/cica-kz"), ORG.member, iri("country/kz")) in graph
    assert (iri("summit/cica-5"), RDF.type, SCHEMA.Event) in graph
    assert (iri("summit/cica-5"), RDF.type, KG.Meeting) in graph


def test_member_of_shortcut_for_full_members_only(built_small):
    graph = union_graph(built_small)
    assert (iri("country/kz"), KG.memberOf, iri("organisation/cica")) in graph
    assert (iri("organisation/cica"), KG.hasMember, iri("country/kz")) in graph
    assert (iri("country/my"), KG.memberOf, iri("organisation/cica")) not in graph  # an observer


def test_planted_inconsistency_names_its_records():
    facts = load_facts(SMALL_FACTS)
    ontology, _ = load_ontology(ONTOLOGY)
    mapped = map_facts(facts, Graph())
    planted = Origin("tests/facts/planted.yaml", 7)
    kazakhstan_as_summit = (iri("country/kz"), RDF.type, KG.Summit)  # a Country is never a Meeting
    mapped.graph.add(kazakhstan_as_summit)
    planted_origin = {kazakhstan_as_summit: planted}

    def groups():
        found: dict = {}
        for triple in mapped.graph:
            found.setdefault(planted_origin.get(triple), Graph()).add(triple)
        return found

    with pytest.raises(Inconsistent) as error:
        infer_types(ontology, mapped.graph, groups)
    assert planted in error.value.culprits
    assert len(error.value.culprits) <= 2  # the planted line, and the record that made kz a Country
    assert iri("country/kz") in error.value.resources


def test_shape_violation_points_at_the_yaml_line(facts_dir, tmp_path):
    # an ontology whose shapes demand a theme on every chairmanship: the chairmanship in cica.yaml has one,
    # so add a second chairmanship without it and expect that line (SPARQL on a store, beside the write)
    cica = facts_dir / "cica.yaml"
    text = cica.read_text("utf-8").replace(
        "chairmanships:\n", "chairmanships:\n  - {chair: tj, since: 2018, until: 2020-09, source: mina-2021-10-07}\n"
    )
    cica.write_text(text, "utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "chair: tj" in row)
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    (ontology / "kgbuild.ttl").write_bytes((ONTOLOGY / "kgbuild.ttl").read_bytes())
    (ontology / "shapes.ttl").write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix kg: <https://w3id.org/kgbuild/ontology#> .
        kg:ThemeShape a sh:NodeShape ; sh:targetClass kg:Chairmanship ;
          sh:property [ sh:path kg:theme ; sh:minCount 1 ; sh:message "a chairmanship needs a theme; add `theme:`" ] .
    """, "utf-8")
    with pytest.raises(FactsError) as error:
        build(facts_dir, tmp_path / "dist", ontology, None)
    assert [(Path(p.origin.file).name, p.origin.line) for p in error.value.problems] == [("cica.yaml", line)]
    assert "a chairmanship needs a theme" in error.value.problems[0].message
    assert not (tmp_path / "dist").exists()
    assert not list(write_module.builds_folder(tmp_path / "dist").glob("*")), "the written folder is cleaned up"


def test_an_inconsistency_names_the_records_and_their_lines(tmp_path):
    # an ontology under which no country may be a member: every membership of a state contradicts it
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    (ontology / "kgbuild.ttl").write_text((ONTOLOGY / "kgbuild.ttl").read_text("utf-8") +
                                          "\nkg:Country owl:disjointWith kg:Member .\n", "utf-8")
    (ontology / "shapes.ttl").write_bytes((ONTOLOGY / "shapes.ttl").read_bytes())
    with pytest.raises(FactsError) as error:
        build(SMALL_FACTS, tmp_path / "dist", ontology, None)
    messages = [problem.message for problem in error.value.problems]
    assert messages and all("contradict the ontology" in message for message in messages)
    assert any("country/" in message for message in messages)
    assert {Path(problem.origin.file).suffix for problem in error.value.problems} == {".yaml"}
    assert not (tmp_path / "dist").exists()


def test_failed_build_leaves_dist_byte_for_byte(facts_dir, tmp_path):
    out = tmp_path / "dist"
    build(facts_dir, out, ONTOLOGY, QUERIES)
    before = snapshot(out)
    target = os.readlink(out)
    (facts_dir / "cica.yaml").write_text(
        (facts_dir / "cica.yaml").read_text("utf-8").replace("place: dushanbe", "place: dushambe"), "utf-8"
    )
    with pytest.raises(FactsError):
        build(facts_dir, out, ONTOLOGY, QUERIES)
    assert snapshot(out) == before and os.readlink(out) == target


def test_build_that_fails_halfway_through_writing_leaves_dist_untouched(facts_dir, tmp_path, monkeypatch):
    out = tmp_path / "dist"
    build(facts_dir, out, ONTOLOGY, QUERIES)
    before = snapshot(out)
    (facts_dir / "organisations.yaml").write_text((facts_dir / "organisations.yaml").read_text("utf-8").replace(
        "United Nations,", "United Nations Organization,"), "utf-8")  # a real change, so a new build is written

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write_module, "void_description", disk_full)  # after the store and dumps are written
    with pytest.raises(OSError):
        build(facts_dir, out, ONTOLOGY, QUERIES)
    assert snapshot(out) == before
    assert not list(write_module.builds_folder(out).glob("tmp-*")), "the half-written folder is cleaned up"


def test_a_new_build_switches_dist_in_one_rename(facts_dir, tmp_path):
    out = tmp_path / "dist"
    first = build(facts_dir, out, ONTOLOGY, QUERIES).build_id
    (facts_dir / "organisations.yaml").write_text((facts_dir / "organisations.yaml").read_text("utf-8").replace(
        "United Nations,", "United Nations Organization,"), "utf-8")
    second = build(facts_dir, out, ONTOLOGY, QUERIES).build_id
    assert first != second
    assert out.is_symlink() and Path(os.readlink(out)).name == second
    assert json.loads((out / "report.json").read_text())["build_id"] == second


@pytest.mark.parametrize("dump, rdf_format", [("kg.ttl", "turtle"), ("kg.nt", "nt"), ("kg.jsonld", "json-ld")])
def test_every_dump_reparses_to_the_same_graph(built_small, dump, rdf_format):
    reference = Graph()
    dataset = Dataset()
    dataset.parse(built_small / "kg.nq", format="nquads")
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        reference.add((s, p, o))
    parsed = Graph().parse(built_small / dump, format=rdf_format)
    assert len(parsed) == len(reference)
    assert isomorphic(parsed, reference)


def test_trig_dump_keeps_the_named_graphs(built_small):
    dataset = Dataset()
    dataset.parse(built_small / "kg.trig", format="trig")
    names = {str(graph.identifier) for graph in dataset.graphs() if len(graph)}
    assert {str(vocab.graph_iri(name)) for name in vocab.GRAPH_NAMES} <= names


def test_report_and_void(built_small):
    report = json.loads((built_small / "report.json").read_text("utf-8"))
    assert report["triples"]["total"] == len(union_graph(built_small))
    assert report["classes"][str(KG.Summit)] == 2  # CICA's 5th and ASEAN's 31st, in tests/facts
    void = Graph().parse(built_small / "void.ttl", format="turtle")
    dataset = next(void.subjects(RDF.type, vocab.VOID.Dataset))
    assert int(void.value(dataset, vocab.VOID.triples)) == report["triples"]["total"]
    assert str(void.value(dataset, URIRef("http://purl.org/dc/terms/identifier"))) == report["build_id"]


def test_compact_json_ld_uses_short_keys(built_small):
    document = json.loads((built_small / "kg.jsonld").read_text("utf-8"))
    assert "@context" in document
    text = (built_small / "kg.jsonld").read_text("utf-8")
    assert '"startDate"' in text and "https://w3id.org/kgbuild/ontology#startDate" not in text
