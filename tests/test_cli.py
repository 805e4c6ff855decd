"""The command line: exit codes, errors without tracebacks, output for people and for scripts."""

from __future__ import annotations

import csv
import io
import json

from kgbuild.cli import cli

from .conftest import ROOT, SMALL_FACTS

COUNT_KZ = ("PREFIX kg: <https://w3id.org/kgbuild/ontology#> "
            "SELECT ?label WHERE { ?c kg:isoCode \"KZ\" ; <http://www.w3.org/2000/01/rdf-schema#label> ?label "
            "FILTER(lang(?label) = 'en') }")


def test_validate_ok(runner):
    result = runner.invoke(cli, ["validate", str(SMALL_FACTS)])
    assert result.exit_code == 0 and "ok" in result.output


def test_validate_reports_problems_on_stderr_and_exits_1(runner, facts_dir):
    text = (facts_dir / "cica.yaml").read_text("utf-8").replace("member: kz", "member: kx")
    (facts_dir / "cica.yaml").write_text(text, "utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "member: kx" in row)
    result = runner.invoke(cli, ["validate", str(facts_dir)])
    assert result.exit_code == 1
    assert f"cica.yaml:{line}: member: unknown country code 'kx'" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_folder_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "is not a folder of facts" in result.stderr


def test_build_then_query_as_table_csv_and_json(runner, tmp_path):
    out = tmp_path / "dist"
    result = runner.invoke(cli, ["build", "--facts", str(SMALL_FACTS), "--out", str(out), "--ontology",
                                 str(ROOT / "ontology"), "--queries", str(ROOT / "queries"), "--quiet"])
    assert result.exit_code == 0, result.output
    table = runner.invoke(cli, ["query", COUNT_KZ, "--dist", str(out)])
    assert table.exit_code == 0 and "Kazakhstan" in table.output and "(1 row)" in table.output
    as_csv = runner.invoke(cli, ["query", COUNT_KZ, "--dist", str(out), "--format", "csv"])
    assert list(csv.DictReader(io.StringIO(as_csv.output))) == [{"label": "Kazakhstan"}]
    as_json = runner.invoke(cli, ["query", COUNT_KZ, "--dist", str(out), "--format", "json"])
    assert json.loads(as_json.output)["results"]["bindings"][0]["label"]["value"] == "Kazakhstan"


def test_a_stored_query_whose_values_line_disagrees_with_its_header_fails_the_build(runner, tmp_path):
    queries = tmp_path / "queries"
    queries.mkdir()
    text = (ROOT / "queries" / "full-members-on-date.rq").read_text("utf-8")
    (queries / "full-members-on-date.rq").write_text(text.replace('"2021-10-11"^^xsd:date)', '"2021-10-12"^^xsd:date)'))
    line = next(number for number, row in enumerate(text.splitlines(), 1) if row.strip().startswith("VALUES"))
    out = tmp_path / "dist"
    result = runner.invoke(cli, ["build", "--facts", str(SMALL_FACTS), "--out", str(out), "--ontology",
                                 str(ROOT / "ontology"), "--queries", str(queries), "--quiet"])
    assert result.exit_code == 1 and not out.exists()
    assert f"full-members-on-date.rq:{line}: the VALUES line gives ?asOf" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_query_without_a_build_says_how_to_fix(runner, tmp_path):
    result = runner.invoke(cli, ["query", "ASK {}", "--dist", str(tmp_path / "dist")])
    assert result.exit_code == 1 and "kgbuild build" in result.stderr


def test_malformed_query_is_an_error_not_a_traceback(runner, built_small):
    result = runner.invoke(cli, ["query", "SELECT WHERE {", "--dist", str(built_small)])
    assert result.exit_code == 1 and "does not parse" in result.stderr


def test_schema_completes_source_ids_from_the_facts(runner):
    result = runner.invoke(cli, ["schema", "--facts", str(SMALL_FACTS)])
    schema = json.loads(result.output)
    membership = schema["$defs"]["Membership"]["properties"]
    assert "mina-2021-10-07" in json.dumps(membership["source"])
    assert "kz" in membership["member"]["enum"] and "un" in membership["member"]["enum"]


def test_committed_schema_is_current(runner):
    result = runner.invoke(cli, ["schema", "--facts", str(ROOT / "facts")])
    committed = (ROOT / "schema" / "facts.schema.json").read_text("utf-8")
    assert json.loads(committed) == json.loads(result.output), "run `make schema` and commit the result"
