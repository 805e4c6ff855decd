"""Reproducible builds (DESIGN.md §5): the same facts, ontology and queries give the same bytes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from kgbuild.graph.build import build

from .conftest import ONTOLOGY, QUERIES, SMALL_FACTS

EPOCH = 1700000000  # 2023-11-14T22:13:20Z
STORE = "store"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small facts built twice, into two fresh folders, with the same SOURCE_DATE_EPOCH."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        first = build(SMALL_FACTS, tmp_path_factory.mktemp("first") / "dist", ONTOLOGY, QUERIES).out
        second = build(SMALL_FACTS, tmp_path_factory.mktemp("second") / "dist", ONTOLOGY, QUERIES).out
    return first, second


def files_of(dist: Path) -> dict[str, bytes]:
    """Every file of a build (dist/ is a link: followed) with its bytes, the store's folder left out:
    RocksDB writes a random IDENTITY, a LOG with the clock in it and session ids into each table
    file, and Oxigraph's loader gives blank nodes fresh labels on every load (so that two loads never
    merge theirs). Its content is compared by canonical_quads instead."""
    root = dist.resolve()
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.relative_to(root).parts[0] != STORE}


def canonical_quads(quads) -> list[str]:
    """Quads as sorted N-Quads lines, blank nodes labelled by RDF canonicalisation (RDFC-1.0)."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(quad) + " ." for quad in dataset)


def stored_quads(dist: Path) -> list[str]:
    return canonical_quads(ox.Store.read_only(str(dist / STORE)))


def test_two_builds_of_the_same_facts_have_the_same_build_id(two_builds):
    first, second = (json.loads((dist / "report.json").read_text("utf-8"))["build_id"] for dist in two_builds)
    assert first == second


def test_two_builds_of_the_same_facts_write_the_same_bytes(two_builds):
    first, second = (files_of(dist) for dist in two_builds)
    expected = {"kg.nt", "kg.ttl", "kg.nq", "kg.trig", "kg.jsonld", "kg.nt.gz", "void.ttl", "report.json",
                "records.json", "changes.json", "context.jsonld", "ontology.ttl", "search.sqlite"}
    assert expected <= set(first)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_two_builds_of_the_same_facts_store_the_same_quads(two_builds):
    first, second = (stored_quads(dist) for dist in two_builds)
    assert first and first == second


def test_the_recorded_time_is_source_date_epoch(two_builds):
    dist = two_builds[0]
    when = datetime.fromtimestamp(EPOCH, UTC).isoformat()
    assert json.loads((dist / "report.json").read_text("utf-8"))["built_at"] == when
    void = Graph().parse(dist / "void.ttl", format="turtle")
    assert Literal(when, datatype=XSD.dateTime) in set(void.objects(URIRef("https://w3id.org/kgbuild/dataset"),
                                                                   DCTERMS.modified))
