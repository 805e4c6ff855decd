"""Parameters for a remote store: a VALUES row or block gives the answers Oxigraph's substitutions give."""

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
def test_the_values_row_answers_as_substitutions_do(built, name):
    # a remote store gets the text with its VALUES row; Oxigraph's substitutions of the same terms agree
    build = open_store(built)
    stored = next(query for query in stored_queries(build.path) if query.name == name)
    terms = stored.terms({}, build.base_iri)
    unbound = stored.text
    if stored.values_row is not None:
        start, end = stored.values_row
        unbound = f"{stored.text[:start]}{' '.join('UNDEF' for _ in terms)}{stored.text[end:]}"
    substitutions = {ox.Variable(name): term for name, term in terms.items() if term is not None}
    expected = rows(build.query(unbound, substitutions=substitutions))
    assert rows(build.query(stored.bound_text({}, build.base_iri))) == expected
    assert rows(build.query(bind_values(unbound, substitutions))) == expected


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
