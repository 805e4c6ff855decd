"""Every query of queries/ on the curated facts, against the answer its header takes from the sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbuild.store import open_store
from kgbuild.storedqueries import QueryError, load_query, parse_query, term_text

from .conftest import QUERIES

QUERY_FILES = sorted(QUERIES.glob("*.rq"))


def rows_of(built: Path, path: Path) -> tuple[list[str], list[dict[str, str]]]:
    store = open_store(built)
    stored = load_query(path)
    results = store.query(stored.text, substitutions=stored.bindings({}, store.base_iri))
    names = [variable.value for variable in results.variables]
    return names, [{name: term_text(solution[name], store.base_iri) for name in names} for solution in results]


def test_there_are_at_least_eight_documented_queries():
    assert len(QUERY_FILES) >= 8
    for path in QUERY_FILES:
        stored = load_query(path)
        assert stored.title and stored.description, f"{path.name} needs `# title:` and `# description:`"
        assert (
            stored.expect_rows is not None or stored.expect_includes is not None or stored.expect_count is not None
        ), f"{path.name} needs an expected answer taken from the sources"


@pytest.mark.parametrize("path", QUERY_FILES, ids=[path.stem for path in QUERY_FILES])
def test_query_gives_the_answer_the_sources_give(built, path):
    stored = load_query(path)
    names, rows = rows_of(built, path)
    if stored.expect_rows is not None:
        columns = list(stored.expect_rows[0]) if stored.expect_rows else names
        assert [{name: row[name] for name in columns} for row in rows] == stored.expect_rows
    if stored.expect_includes is not None:
        for expected in stored.expect_includes:
            assert any(all(row.get(name) == value for name, value in expected.items()) for row in rows), \
                f"{path.name}: no row like {expected} in {rows}"
    if stored.expect_count is not None:
        assert len(rows) == stored.expect_count


def test_parameters_are_bound_as_terms_not_pasted():
    stored = parse_query(
        "# title: t\n# param: org organisation cica -- the organisation\nSELECT * WHERE { ?org ?p ?o }"
    )
    with pytest.raises(QueryError):
        stored.bindings({"org": 'cica> } ; DROP ALL ; #'}, "https://w3id.org/kgbuild/")
    with pytest.raises(QueryError):
        stored.bindings({"nope": "x"}, "https://w3id.org/kgbuild/")
