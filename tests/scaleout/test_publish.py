"""kgbuild publish: one Graph Store Protocol PUT per graph into a real store, then counts checked."""

from __future__ import annotations

import json
import re

import requests

from kgbuild.cli import cli
from kgbuild.store import open_store

from .conftest import publish_args

BASE = "https://w3id.org/kgbuild/"
BUILD_GRAPHS = ("ontology", "facts", "inferred")


def count(sparql: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = requests.post(sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                           timeout=30)
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def report(dist) -> dict:
    return json.loads((dist / "report.json").read_text("utf-8"))


def build_count(dist, graph: str) -> int:
    """Triples in one graph of the built store: what the store must hold after publishing."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return int(next(iter(open_store(dist).query(query)))["n"].value)


def test_each_build_graph_replaces_the_graph_of_its_iri(runner, built, fresh_oxigraph):
    result = runner.invoke(cli, publish_args(fresh_oxigraph, built))
    assert result.exit_code == 0, result.output
    for name in BUILD_GRAPHS:
        graph = f"{BASE}graph/{name}"
        assert count(fresh_oxigraph.sparql, graph) == build_count(built, graph)
    assert count(fresh_oxigraph.sparql, f"{BASE}graph/publication") > 0


def test_publishing_twice_replaces_rather_than_adds(runner, built, fresh_oxigraph):
    for _ in range(2):
        assert runner.invoke(cli, publish_args(fresh_oxigraph, built)).exit_code == 0
    assert count(fresh_oxigraph.sparql, f"{BASE}graph/facts") == build_count(built, f"{BASE}graph/facts")


def test_graph_option_puts_the_union_into_that_one_graph(runner, built, fresh_oxigraph):
    target = "http://example.org/graph/kgbuild"
    result = runner.invoke(cli, publish_args(fresh_oxigraph, built, "--graph", target))
    assert result.exit_code == 0, result.output
    assert count(fresh_oxigraph.sparql, target) == report(built)["triples"]["total"]
    assert count(fresh_oxigraph.sparql, f"{BASE}graph/facts") == 0


def test_oxigraph_takes_the_upload_gzipped(runner, built, fresh_oxigraph):
    result = runner.invoke(cli, publish_args(fresh_oxigraph, built))
    assert "sent gzipped" in result.output


def test_dry_run_counts_and_changes_nothing(runner, built, fresh_oxigraph):
    result = runner.invoke(cli, publish_args(fresh_oxigraph, built, "--dry-run"))
    assert result.exit_code == 0, result.output
    facts = build_count(built, f"{BASE}graph/facts")
    assert re.search(rf"graph/facts>: 0 triples in the store, {facts} in the build \(\+{facts}\)", result.output)
    assert count(fresh_oxigraph.sparql, f"{BASE}graph/facts") == 0


def test_sparql_endpoint_is_derived_from_the_store_kind(runner, built, fresh_oxigraph):
    result = runner.invoke(cli, ["publish", "--endpoint", fresh_oxigraph.gsp, "--dist", str(built)])
    assert result.exit_code == 0, result.output


def test_unreachable_store_is_an_error_naming_it(runner, built):
    result = runner.invoke(cli, ["publish", "--endpoint", "http://127.0.0.1:9/store", "--dist", str(built)])
    assert result.exit_code == 1
    assert "http://127.0.0.1:9/store is unreachable" in result.output
    assert "Traceback" not in result.output


def test_endpoint_without_graph_store_protocol_is_an_error_with_the_stores_message(runner, built, fresh_oxigraph):
    args = ["publish", "--endpoint", fresh_oxigraph.sparql, "--sparql", fresh_oxigraph.sparql, "--dist", str(built)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "does not take Graph Store Protocol uploads" in result.output
    assert "PUT /query is not supported" in result.output  # Oxigraph's own words


def test_virtuoso_takes_the_upload_with_digest_authentication(runner, built, virtuoso):
    result = runner.invoke(cli, publish_args(virtuoso, built))
    assert result.exit_code == 0, result.output
    assert "sent gzipped" not in result.output  # Virtuoso refuses Content-Encoding: the plain file went
    for name in BUILD_GRAPHS:
        graph = f"{BASE}graph/{name}"
        assert count(virtuoso.sparql, graph) == build_count(built, graph)


def test_credentials_come_from_the_environment(runner, built, virtuoso):
    args = ["publish", "--endpoint", virtuoso.gsp, "--sparql", virtuoso.sparql, "--dist", str(built), "--dry-run"]
    env = {"KGBUILD_PUBLISH_USER": virtuoso.user, "KGBUILD_PUBLISH_PASSWORD": virtuoso.password}
    assert runner.invoke(cli, args, env=env).exit_code == 0


def test_wrong_password_is_a_401_error(runner, built, virtuoso):
    args = ["publish", "--endpoint", virtuoso.gsp, "--sparql", virtuoso.sparql, "--dist", str(built),
            "--user", virtuoso.user, "--password", "not-the-password"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert f"refused user '{virtuoso.user}' (401" in result.output


def test_no_credentials_for_a_store_that_wants_them_is_a_401_error(runner, built, virtuoso):
    args = ["publish", "--endpoint", virtuoso.gsp, "--sparql", virtuoso.sparql, "--dist", str(built)]
    result = runner.invoke(cli, args, env={"KGBUILD_PUBLISH_USER": None, "KGBUILD_PUBLISH_PASSWORD": None})
    assert result.exit_code == 1
    assert "refused no credentials (401" in result.output
