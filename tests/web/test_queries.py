"""/queries/: the stored queries listed (HTML, JSON) and run with parameters bound as RDF terms."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pyoxigraph as ox
import pytest

from kgbuild.cli import cli
from kgbuild.iris import XSD_DECIMAL
from kgbuild.storedqueries import load_query, term_text

from ..conftest import QUERIES
from ..stored_answers import mismatches
from .conftest import DATA, Server, start_gunicorn, stop, wait_until_ready
from .fixture_dist import write_dist


def test_the_real_build_lists_its_stored_queries(server):
    listed = server.get("/queries/", headers={"Accept": "application/json"}).json()
    names = {entry["name"] for entry in listed}
    on_disk = {path.stem for path in (server.dist / "queries").glob("*.rq")}
    assert names == on_disk and names
    for entry in listed:
        assert entry["title"] and entry["url"].endswith(f"/queries/{entry['name']}")


def read_rows(response) -> list[dict[str, str]]:
    """SPARQL JSON results as served, read by Oxigraph's parser, values as people read them."""
    assert response.status_code == 200, response.text
    results = ox.parse_query_results(response.content, ox.QueryResultsFormat.JSON)
    names = [variable.value for variable in results.variables]
    return [{name: term_text(solution[name]) for name in names} for solution in results]


@pytest.mark.parametrize("name", sorted(path.stem for path in QUERIES.glob("*.rq")))
def test_a_stored_query_and_the_text_its_page_shows_answer_as_its_header(server, name):
    stored = load_query(QUERIES / f"{name}.rq")
    json_results = {"Accept": "application/sparql-results+json"}
    assert mismatches(stored, read_rows(server.get(f"/queries/{name}", headers=json_results))) == []
    page = server.get(f"/queries/{name}", headers={"Accept": "text/html"}).text
    shown = html.unescape(re.search(r'<pre class="sparql">(.*?)</pre>', page, re.DOTALL).group(1))
    assert mismatches(stored, read_rows(server.post("/sparql", data={"query": shown}, headers=json_results))) == []


def test_the_page_shows_the_text_with_the_values_it_ran(server):
    page = server.get("/queries/full-members-on-date", params={"asOf": "2002-06-04"},
                      headers={"Accept": "text/html"}).text
    assert ('VALUES (?org ?asOf) { (<https://w3id.org/kgbuild/id/organisation/cica> "2002-06-04"^^xsd:date) }'
            in html.unescape(page))


def test_query_list_as_html_links_each_query(server):
    response = server.get("/queries/", headers={"Accept": "text/html"})
    for path in (server.dist / "queries").glob("*.rq"):
        assert f'href="/queries/{path.stem}"' in response.text


def test_stored_query_runs_with_its_defaults(handmade_server):
    # the sample build's members: kz, tj, cn, tr since 1999 and th since 2004 -> 5 full members in 2021
    rows = handmade_server.get("/queries/members-as-of", headers={"Accept": "application/sparql-results+json"}).json()
    assert [b["count"]["value"] for b in rows["results"]["bindings"]] == ["5"]


def test_stored_query_takes_parameters_from_the_query_string(handmade_server):
    # on 2003-01-01 Thailand was still an observer (full member from 22 October 2004)
    response = handmade_server.get("/queries/members-as-of", params={"date": "2003-01-01", "format": "csv"})
    assert [row["count"] for row in csv.DictReader(io.StringIO(response.text))] == ["4"]


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_a_blank_parameter_value_keeps_the_default(handmade_server, blank):
    # as test_stored_query_runs_with_its_defaults: 5 full members in 2021
    response = handmade_server.get("/queries/members-as-of", params={"date": blank},
                                   headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert [b["count"]["value"] for b in response.json()["results"]["bindings"]] == ["5"]


def test_resource_parameters_take_a_slug(handmade_server):
    response = handmade_server.get("/queries/summits", params={"org": "un"},
                                   headers={"Accept": "application/sparql-results+json"})
    assert response.json()["results"]["bindings"] == []


@pytest.mark.parametrize("name, value", [
    ("date", "2021-13-45"), ("date", '2021-01-01"^^<urn:x> } ; DROP ALL ; #'),
    ("org", "cica> } ; CLEAR ALL ; #"), ("org", "CICA"),
])
def test_a_value_that_does_not_fit_its_type_is_a_400_naming_the_parameter(handmade_server, name, value):
    response = handmade_server.get("/queries/members-as-of", params={name: value})
    assert response.status_code == 400
    assert f"parameter {name}=" in response.text


def test_stored_query_page_shows_results_and_a_form(handmade_server):
    response = handmade_server.get("/queries/summits", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Dushanbe" in response.text and "Shanghai" in response.text
    assert '<input name="org" value="cica"' in response.text


def test_unknown_stored_query_is_404(server):
    assert server.get("/queries/no-such-query").status_code == 404
    assert server.get("/queries/..%2Freport").status_code == 404


@pytest.fixture(scope="module")
def typed_server(tmp_path_factory) -> Server:
    """The production server on a build whose one stored query takes a parameter of every type."""
    dist = write_dist(tmp_path_factory.mktemp("typed") / "dist", DATA / "sample.trig", DATA / "ontology.ttl",
                      DATA / "typed-queries")
    process, root = start_gunicorn(dist, workers=1)
    try:
        wait_until_ready(root, process)
        yield Server(root, dist)
    finally:
        stop(process)


@pytest.mark.parametrize("given", [
    {},  # every default
    {"day": "2004-10-22", "share": "2.50", "count": "+05", "word": "ASEAN summit", "org": "asean"},
    {"share": "-.5", "count": "0", "word": "kz"},
])
def test_the_cli_and_the_web_bind_typed_parameters_alike(typed_server, runner, given):
    web = typed_server.get("/queries/typed", params=given, headers={"Accept": "application/sparql-results+json"})
    options = [f"--param={name}={value}" for name, value in given.items()]
    terminal = runner.invoke(cli, ["query", str(typed_server.dist / "queries" / "typed.rq"), "--dist",
                                   str(typed_server.dist), "--format", "json", *options])
    assert web.status_code == 200 and terminal.exit_code == 0, terminal.output
    assert json.loads(terminal.stdout) == web.json()
    row = web.json()["results"]["bindings"][0]
    assert row["share"]["datatype"] == XSD_DECIMAL and "double" in row  # a number, so the query can double it
    assert row["iri"]["value"].endswith(f"/id/organisation/{given.get('org', 'cica')}")
