"""Every query of queries/ on the curated facts, against the answer its header takes from the sources."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgbuild.store import open_store
from kgbuild.storedqueries import ParameterError, QueryError, load_query, parse_query, term_text

from .conftest import QUERIES
from .stored_answers import mismatches

QUERY_FILES = sorted(QUERIES.glob("*.rq"))


def rows_of(built: Path, text: str) -> list[dict[str, str]]:
    store = open_store(built)
    results = store.query(text)
    names = [variable.value for variable in results.variables]
    return [{name: term_text(solution[name], store.base_iri) for name in names} for solution in results]


def test_there_are_at_least_eight_documented_queries():
    assert len(QUERY_FILES) >= 8
    for path in QUERY_FILES:
        stored = load_query(path)
        assert stored.title and stored.description, f"{path.name} needs `# title:` and `# description:`"
        assert (
            stored.expect_rows is not None or stored.expect_includes is not None or stored.expect_count is not None
        ), f"{path.name} needs an expected answer taken from the sources"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_query_text_as_it_stands_gives_the_answer_the_sources_give(built, path):
    stored = load_query(path)
    assert mismatches(stored, rows_of(built, stored.text)) == []  # run as pasted: its VALUES line binds


def test_parameters_are_bound_as_terms_not_pasted():
    stored = parse_query(
        "# title: t\n# param: org organisation cica -- the organisation\n"
        "SELECT * WHERE {\n  VALUES (?org) { (<https://w3id.org/kgbuild/id/organisation/cica>) }\n ?org ?p ?o }"
    )
    with pytest.raises(QueryError):
        stored.bound_text({"org": 'cica> } ; DROP ALL ; #'}, "https://w3id.org/kgbuild/")
    with pytest.raises(QueryError):
        stored.bound_text({"nope": "x"}, "https://w3id.org/kgbuild/")


def test_another_value_replaces_the_default_in_the_values_row():
    # CICA's 2nd ministerial meeting, 22 October 2004, admitted Thailand (s-cica-second-ministerial)
    stored = load_query(QUERIES / "members-joined-in-period.rq")
    text = stored.bound_text({"from": "2004-10-22", "to": "2004-10-22"})
    assert text.count("VALUES (?org ?from ?to)") == 1 and '"2004-01-01"' not in text
    assert '"2004-10-22"^^xsd:date "2004-10-22"^^xsd:date' in text


def test_a_string_value_is_escaped_into_the_row_and_comes_back_whole():
    stored = parse_query('# param: word xsd:string x -- a word\nSELECT ?word WHERE {\n  VALUES (?word) { ("x") }\n}')
    hostile = 'x" ) } ; DROP ALL ; # \n \\ "'
    answer = list(ox.Store().query(stored.bound_text({"word": hostile})))
    assert [row["word"].value for row in answer] == [hostile]


BAD_DEFAULTS = [
    ("", "no VALUES line shows the defaults"),
    ("  VALUES (?org ?asOf) { (<https://w3id.org/kgbuild/id/organisation/asean> \"2021-10-11\"^^xsd:date) }\n",
     "q.rq:7: the VALUES line gives ?org <https://w3id.org/kgbuild/id/organisation/asean>, but its `# param:` "
     "line gives the default cica"),
    ("  VALUES (?org ?asOf) { (<https://w3id.org/kgbuild/id/organisation/cica> \"2021-10-12\"^^xsd:date) }\n",
     'q.rq:7: the VALUES line gives ?asOf "2021-10-12"^^xsd:date'),
    ("  VALUES (?asOf ?org) { (\"2021-10-11\"^^xsd:date <https://w3id.org/kgbuild/id/organisation/cica>) }\n",
     "q.rq:7: the VALUES line must list the parameters in the order of the `# param:` lines"),
]


@pytest.mark.parametrize("line, message", BAD_DEFAULTS)
def test_a_values_line_that_disagrees_with_the_header_is_refused_with_the_line_to_write(line, message):
    text = ("# title: t\n# param: org organisation cica -- the organisation\n"
            "# param: asOf xsd:date 2021-10-11 -- the day\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
            "PREFIX kg: <https://w3id.org/kgbuild/ontology#>\nSELECT ?org ?asOf WHERE {\n"
            f"{line}  ?m kg:organisation ?org ; kg:startDate ?start . FILTER(?start <= ?asOf)\n}}\n")
    with pytest.raises(QueryError) as refused:
        parse_query(text, "q")
    assert message in str(refused.value)
    assert ('VALUES (?org ?asOf) { (<https://w3id.org/kgbuild/id/organisation/cica> "2021-10-11"^^xsd:date) }'
            in str(refused.value))


def test_a_default_that_does_not_fit_its_type_is_refused_at_load():
    with pytest.raises(QueryError, match="a `# param:` default does not fit its type"):
        parse_query("# param: asOf xsd:date 2021-02-30 -- the day\nSELECT * WHERE { }", "q")
    with pytest.raises(ParameterError):
        load_query(QUERIES / "full-members-on-date.rq").bound_text({"asOf": "2021-02-30"})
