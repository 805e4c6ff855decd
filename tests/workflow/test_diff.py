"""`kgbuild diff`: a fact-level changelog between two versions of the facts, with diff(1)'s exit status."""

from __future__ import annotations

import json
import shutil

import rdflib
from rdflib import RDF, RDFS

from kgbuild.cli import cli
from kgbuild.facts.problems import display_path

from ..conftest import REAL_FACTS
from .conftest import git, plant_changes

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ID = "https://w3id.org/kgbuild/id/"

# Written by hand from the planted changes (conftest.plant_changes), in the changelog's reading order:
# each organisation's records by kind and date, then the shared files.
EXPECTED = """\
CICA: ~ observer state Turkmenistan since 2021-06: since 2021-06 → 2021-07
CICA: - observer state Saudi Arabia since 2023-12-26 [astanatimes-2023-12-28]
CICA: + observer state Georgia since 2024-03-01 [planted-test-source]
CICA: ~ chairmanship of Kazakhstan since 2020-09-24 until 2022-10: theme changed
sources: source renamed lokmat-2022-10-13 → lokmat-2022-10-13-eec
sources: + source planted-test-source (kgbuild tests, 2024-03-01)
"""


def planted_pair(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REAL_FACTS, old)
    shutil.copytree(REAL_FACTS, new)
    plant_changes(new)
    return old, new


def test_planted_changes_read_as_a_changelog(runner, tmp_path):
    old, new = planted_pair(tmp_path)
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.stdout == EXPECTED
    assert result.exit_code == 1


def test_no_change_prints_nothing_and_exits_0(runner):
    result = runner.invoke(cli, ["diff", str(REAL_FACTS), str(REAL_FACTS)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_the_reverse_diff_undoes_each_change(runner, tmp_path):
    old, new = planted_pair(tmp_path)
    lines = runner.invoke(cli, ["diff", str(new), str(old)]).stdout.splitlines()
    assert "CICA: + observer state Saudi Arabia since 2023-12-26 [astanatimes-2023-12-28]" in lines
    assert "CICA: - observer state Georgia since 2024-03-01 [planted-test-source]" in lines
    assert "CICA: ~ observer state Turkmenistan since 2021-07: since 2021-07 → 2021-06" in lines
    assert "sources: source renamed lokmat-2022-10-13-eec → lokmat-2022-10-13" in lines


def test_a_renamed_source_is_one_change_not_one_per_citation(runner, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REAL_FACTS, old)
    shutil.copytree(REAL_FACTS, new)
    for path in new.glob("*.yaml"):
        path.write_text(path.read_text("utf-8").replace("lokmat-2022-10-13", "lokmat-eec"), "utf-8")
    result = runner.invoke(cli, ["diff", str(old), str(new)])
    assert result.stdout == "sources: source renamed lokmat-2022-10-13 → lokmat-eec\n"


def test_unknown_revision_is_an_error_with_exit_2(runner, facts_repo):
    result = runner.invoke(cli, ["diff", "no-such-revision", "HEAD", "--facts", str(facts_repo / "facts")])
    assert result.exit_code == 2
    assert "neither a folder nor a git revision" in result.stderr and "Traceback" not in result.stderr


def test_facts_with_problems_are_an_error_with_exit_2(runner, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(REAL_FACTS, broken)
    (broken / "cica.yaml").write_text(
        (broken / "cica.yaml").read_text("utf-8").replace("member: kz", "member: kx"), "utf-8"
    )
    result = runner.invoke(cli, ["diff", str(REAL_FACTS), str(broken)])
    assert result.exit_code == 2 and "unknown country code 'kx'" in result.stderr


def test_git_revisions_of_the_facts(runner, facts_repo):
    plant_changes(facts_repo / "facts")
    git(facts_repo, "commit", "-q", "-am", "planted changes")
    result = runner.invoke(cli, ["diff", "HEAD~1", "HEAD", "--facts", str(facts_repo / "facts")])
    assert (result.exit_code, result.stdout) == (1, EXPECTED)


def test_a_revision_against_the_working_folder(runner, facts_repo):
    facts = facts_repo / "facts"
    plant_changes(facts)
    result = runner.invoke(cli, ["diff", "HEAD", str(facts), "--facts", str(facts)])
    assert (result.exit_code, result.stdout) == (1, EXPECTED)


def test_json_lists_each_change_with_its_resource_and_location(runner, tmp_path):
    old, new = planted_pair(tmp_path)
    document = json.loads(runner.invoke(cli, ["diff", str(old), str(new), "--format", "json"]).stdout)
    assert document["counts"] == {"added": 2, "removed": 1, "changed": 2, "renamed": 1}
    georgia = next(change for change in document["changes"] if change["resource"] == f"{ID}membership/cica-ge")
    assert georgia["action"] == "added" and georgia["sources"] == ["planted-test-source"]
    assert georgia["at"] == f"{display_path(new)}/cica.yaml:{_line_of(new / 'cica.yaml', 'member: ge')}"
    turkmenistan = next(change for change in document["changes"] if change["resource"] == f"{ID}membership/cica-tm")
    assert turkmenistan["fields"] == [{"name": "since", "old": "2021-06", "new": "2021-07"}]


def test_turtle_is_a_prov_activity_with_one_resource_per_change(runner, tmp_path):
    old, new = planted_pair(tmp_path)
    text = runner.invoke(cli, ["diff", str(old), str(new), "--format", "turtle"]).stdout
    graph = rdflib.Graph().parse(data=text, format="turtle")
    parts = set(graph.subjects(rdflib.URIRef("http://purl.org/dc/terms/isPartOf"), None))
    assert len(parts) == 6
    change_set = next(iter(set(graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/isPartOf")))))
    assert (change_set, RDF.type, PROV.Activity) in graph
    assert graph.value(change_set, PROV.used) is not None and graph.value(change_set, PROV.generated) is not None
    added = next(part for part in parts if (part, PROV.generated, rdflib.URIRef(f"{ID}membership/cica-ge")) in graph)
    assert (
        str(graph.value(added, RDFS.label)) == "CICA: + observer state Georgia since 2024-03-01 [planted-test-source]"
    )
    removed = rdflib.URIRef(f"{ID}membership/cica-sa")
    assert any((part, PROV.invalidated, removed) in graph for part in parts)


def _line_of(path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)
