"""kg.jsonld's writer (graph/jsonld.py): what it writes from N-Triples reads back, through a real JSON-LD
processor (pyoxigraph's), as exactly the same triples, escapes, language maps and datatypes included."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgbuild.graph.build import load_ontology
from kgbuild.graph.jsonld import write_compact_json_ld
from kgbuild.graph.write import json_ld_context

from .conftest import ONTOLOGY

KZ = "<https://w3id.org/kgbuild/id/country/kz>"
TR = "<https://w3id.org/kgbuild/id/country/tr>"
ASTANA = "<https://w3id.org/kgbuild/id/place/astana>"
KG = "https://w3id.org/kgbuild/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Sorted, one triple a line, as the build writes kg.nt; escapes as N-Triples writers make them
# (\" \\ \n \t and \u). Astana was named Nur-Sultan from 23 March 2019 to 17 September 2022.
LINES = sorted([
    f'{ASTANA} <{RDFS}comment> "Named \\"Nur-Sultan\\" from 2019\\nto 2022\\tthen Astana again; a \\\\ stays" .',
    f'{ASTANA} <{RDFS}label> "Astana"@en .',
    f'{ASTANA} <{RDFS}label> "Nur-Sultan"@en .',
    f'{ASTANA} <{KG}country> {KZ} .',
    f'{ASTANA} <{KG}startDate> "2019-03-23"^^<{XSD}date> .',
    f'{ASTANA} <{KG}endDate> "2022"^^<{XSD}gYear> .',
    f'{ASTANA} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Place> .',
    f'{ASTANA} <http://www.w3.org/ns/prov#wasDerivedFrom> _:source .',
    f'_:source <{RDFS}label> "an atlas" .',
    f'{KZ} <{RDFS}label> "Kazakhstan"@en .',
    f'{KZ} <{KG}isoCode> "KZ" .',
    f'{TR} <{RDFS}label> "T\\u00FCrkiye"@en .',
    f'{TR} <{RDFS}label> "Turki"@id .',
])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("jsonld")
    ntriples, out = folder / "kg.nt", folder / "kg.jsonld"
    ntriples.write_text("".join(line + "\n" for line in LINES), "utf-8")
    ontology, _ = load_ontology(ONTOLOGY)
    write_compact_json_ld(ntriples, out, json_ld_context(ontology, "https://w3id.org/kgbuild/"))
    return ntriples, out


def canonical(quads) -> set[str]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def test_the_json_ld_reads_back_as_the_same_triples(written):
    ntriples, out = written
    expected = canonical(ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES))
    assert len(expected) == len(LINES)
    assert canonical(ox.parse(path=str(out), format=ox.RdfFormat.JSON_LD)) == expected


def test_names_and_dates_read_as_plain_json(written):
    _, out = written
    nodes = {node["id"]: node for node in json.loads(out.read_text("utf-8"))["@graph"]}
    turkey = nodes["https://w3id.org/kgbuild/id/country/tr"]
    assert turkey["label"] == {"en": "Türkiye", "id": "Turki"}
    astana = nodes["https://w3id.org/kgbuild/id/place/astana"]
    assert astana["label"] == {"en": ["Astana", "Nur-Sultan"]}
    assert astana["startDate"] == "2019-03-23"
    assert astana["rdfs:comment"] == 'Named "Nur-Sultan" from 2019\nto 2022\tthen Astana again; a \\ stays'
    assert astana["country"] == "https://w3id.org/kgbuild/id/country/kz"
