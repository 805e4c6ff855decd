"""Parameters for a remote store: a VALUES block gives the answers Oxigraph's substitutions give."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgbuild.store import open_store
from kgbuild.store.sparqlclient import bind_values
from kgbuild.storedqueries import stored_queries

from ..conftest import QUERIES


def rows(result) -> list[tuple[str, ...]]:
    names = [variable.value for variable in result.variables]
    return sorted(tuple(str(solution[name]) for name in names) for solution in result)


@pytest.mark.parametrize("name", sorted(path.stem for path in QUERIES.glob("*.rq")))
def test_values_block_answers_as_substitutions_do(built, name):
    build = open_store(built)
    stored = next(query for query in stored_queries(build.path) if query.name == name)
    bindings = stored.bindings({}, build.base_iri)
    expected = rows(build.query(stored.text, substitutions=bindings))
    assert rows(build.query(bind_values(stored.text, bindings))) == expected


X = ox.Variable("x")
IRI = ox.NamedNode("http://example.org/a")


@pytest.mark.parametrize("text, expected", [
    # braces and keywords inside IRIs, strings and comments are not code
    ('PREFIX e: <http://e/{x}> # WHERE {\nSELECT ?x WHERE { ?x ?p "{" }',
     'PREFIX e: <http://e/{x}> # WHERE {\nSELECT ?x WHERE { VALUES (?x) { (<http://example.org/a>) } ?x ?p "{" }'),
    # CONSTRUCT: the template is skipped, the VALUES opens the WHERE group
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
     "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (<http://example.org/a>) } ?x ?p ?o }"),
    # CONSTRUCT WHERE's group is also its template: the trailing VALUES clause binds instead
    ("CONSTRUCT WHERE { ?x ?p ?o }", "CONSTRUCT WHERE { ?x ?p ?o }\nVALUES (?x) { (<http://example.org/a>) }"),
    ("ASK { ?x ?p ?o }", "ASK { VALUES (?x) { (<http://example.org/a>) } ?x ?p ?o }"),
])
def test_values_block_opens_the_where_group(text, expected):
    assert bind_values(text, {X: IRI}) == expected


def test_literal_values_are_escaped_by_oxigraph_not_pasted():
    hostile = ox.Literal('x" } ; DROP ALL ; #')
    text = bind_values("SELECT ?x WHERE { }", {X: hostile})
    answer = list(ox.Store().query(text))
    assert answer[0]["x"] == hostile
