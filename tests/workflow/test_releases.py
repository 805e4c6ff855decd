"""Releases: every build keeps its facts and changelog; the server lists kept builds at /dumps/ and
answers /changes (JSON, Turtle, HTML); the ontology and VoID carry the version."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF

from kgbuild.authoring import add_record
from kgbuild.web import create_app

from ..conftest import ONTOLOGY, QUERIES, SMALL_FACTS

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
GEORGIA = "https://w3id.org/kgbuild/id/membership/cica-ge"


@dataclass
class History:
    """Three builds of one dist/ (A, then B, then C), of which the setting keeps two."""

    dist: Path
    reports: dict[str, dict]

    def id(self, name: str) -> str:
        return self.reports[name]["build_id"]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    from kgbuild.graph.build import build

    root = tmp_path_factory.mktemp("history")
    facts, dist = root / "facts", root / "dist"
    shutil.copytree(SMALL_FACTS, facts)
    reports = {}
    saved = os.environ.get("KGBUILD_KEEP_BUILDS")
    os.environ["KGBUILD_KEEP_BUILDS"] = "2"
    try:
        reports["A"] = build(facts, dist, ONTOLOGY, QUERIES).report
        # B: planted test data, a source no one published and an observer it names
        add_record(facts, "source", {"id": "planted-test-source", "title": "Planted test source",
                                     "publisher": "kgbuild tests", "issued": "2024-03-01", "language": "en"})
        add_record(facts, "member", {"member": "ge", "status": "observer", "since": "2024-03-01",
                                     "source": ["planted-test-source"]}, organisation="cica")
        reports["B"] = build(facts, dist, ONTOLOGY, QUERIES).report
        cica = facts / "cica.yaml"
        cica.write_text(cica.read_text("utf-8").replace("since: 2024-03-01", "since: 2024-04-01"), "utf-8")
        reports["C"] = build(facts, dist, ONTOLOGY, QUERIES).report
    finally:
        if saved is None:
            del os.environ["KGBUILD_KEEP_BUILDS"]
        else:
            os.environ["KGBUILD_KEEP_BUILDS"] = saved
    return History(dist, reports)


@pytest.fixture(scope="module")
def client(history):
    return create_app(history.dist).test_client()


def test_the_setting_keeps_two_builds(history):
    kept = sorted(path.name for path in (history.dist.parent / ".dist.builds").iterdir())
    assert kept == sorted([history.id("B"), history.id("C")])


def test_each_build_records_its_changelog_against_the_one_before(history):
    recorded = json.loads((history.dist.parent / ".dist.builds" / history.id("B") / "changes.json").read_text("utf-8"))
    assert recorded["from"]["build_id"] == history.id("A") and recorded["to"]["build_id"] == history.id("B")
    assert [change["text"] for change in recorded["changes"]] == [
        "CICA: + observer state Georgia since 2024-03-01 [planted-test-source]",
        "sources: + source planted-test-source (kgbuild tests, 2024-03-01)",
    ]


def test_changes_of_the_current_build_as_json_by_default(client, history):
    response = client.get("/changes")
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["from"]["build_id"] == history.id("B") and document["to"]["build_id"] == history.id("C")
    assert [(change["action"], change["resource"], change["fields"]) for change in document["changes"]] == [
        ("changed", GEORGIA, [{"name": "since", "old": "2024-03-01", "new": "2024-04-01"}])]


@pytest.mark.parametrize("since", ["B", "version of B"])
def test_changes_since_a_kept_build_by_id_or_version(client, history, since):
    wanted = history.reports["B"]["version"] if since.startswith("version") else history.id("B")
    document = client.get("/changes", query_string={"since": wanted}).get_json()
    assert document["counts"] == {"added": 0, "removed": 0, "changed": 1, "renamed": 0}
    assert (
        document["changes"][0]["text"]
        == "CICA: ~ observer state Georgia since 2024-03-01: since 2024-03-01 → 2024-04-01"
    )


def test_an_unescaped_plus_in_the_version_still_finds_the_build(client, history):
    response = client.get(f"/changes?since={history.reports['B']['version']}")  # '+' arrives as a space
    assert response.status_code == 200


def test_a_pruned_build_is_404_naming_the_kept_ones(client, history):
    response = client.get("/changes", query_string={"since": history.id("A")})
    assert response.status_code == 404
    assert history.reports["B"]["version"] in response.get_data(as_text=True)


def test_a_malformed_since_is_400(client):
    response = client.get("/changes?since=yesterday")
    assert response.status_code == 400 and "since=" in response.get_data(as_text=True)


def test_changes_as_turtle_are_a_prov_activity(client, history):
    response = client.get("/changes", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    activity = next(graph.subjects(PROV.used, rdflib.URIRef(f"https://w3id.org/kgbuild/dumps/{history.id('B')}/")))
    assert (activity, PROV.generated, rdflib.URIRef(f"https://w3id.org/kgbuild/dumps/{history.id('C')}/")) in graph
    changes = list(graph.subjects(DCTERMS.isPartOf, activity))
    assert len(changes) == 1 and (changes[0], PROV.generated, rdflib.URIRef(GEORGIA)) in graph


def test_changes_as_html_link_the_resource(client):
    response = client.get("/changes", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    assert 'href="/id/membership/cica-ge"' in response.get_data(as_text=True)


def test_dumps_lists_the_kept_builds_with_their_changes(client, history):
    page = client.get("/dumps/").get_data(as_text=True)
    for name in ("B", "C"):
        assert f'href="/dumps/{history.id(name)}/"' in page
    assert history.id("A") not in page
    assert f'href="/changes?since={history.id("B")}"' in page


def test_a_past_build_keeps_its_own_dumps_and_changelog(client, history):
    page = client.get(f"/dumps/{history.id('B')}/").get_data(as_text=True)
    assert "observer state Georgia since 2024-03-01" in page
    dump = client.get(f"/dumps/{history.id('B')}/kg.nt")
    graph = rdflib.Graph().parse(data=dump.get_data(as_text=True), format="nt")
    start = graph.value(rdflib.URIRef(GEORGIA), rdflib.URIRef("https://w3id.org/kgbuild/ontology#startDate"))
    assert str(start) == "2024-03-01"


@pytest.mark.parametrize("path", ["/dumps/0123456789abcdef/", "/dumps/not-a-build/kg.ttl", "/dumps/{B}/store",
                                  "/dumps/{B}/..%2Freport.json", "/dumps/{B}/records.json.bak"])
def test_no_path_leaves_a_kept_build(client, history, path):
    assert client.get(path.format(B=history.id("B"))).status_code == 404


def test_void_and_ontology_name_the_version(client, history):
    void = rdflib.Graph().parse(
        data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True), format="turtle"
    )
    dataset = next(void.subjects(RDF.type, VOID.Dataset))
    version = str(void.value(dataset, OWL.versionIRI))  # the base IRI's dumps/ are this server's
    assert version == f"http://localhost/dumps/{history.id('C')}/"
    assert client.get(version).status_code == 200
    answer = client.get("/sparql", query_string={"query": "SELECT ?v ?m WHERE { <https://w3id.org/kgbuild/ontology> "
                                                 "<http://www.w3.org/2002/07/owl#versionIRI> ?v ; "
                                                 "<http://purl.org/dc/terms/modified> ?m }"},
                        headers={"Accept": "application/sparql-results+json"}).get_json()
    [row] = answer["results"]["bindings"]
    assert row["v"]["value"] == f"https://w3id.org/kgbuild/dumps/{history.id('C')}/ontology.ttl"
    assert datetime.fromisoformat(row["m"]["value"]) == datetime.fromisoformat(history.reports["C"]["built_at"])
