"""Graph stage: triples as tuples of N-Triples terms (`<iri>`, `"text"@en`, `"5"^^<xsd:integer>`): cheap to
make, hash and compare, and written to the store as N-Quads text in one bulk load (DESIGN.md §6)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rdflib import XSD, BNode, Graph, Literal, URIRef

Triple = tuple[str, str, str]
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_iri(iri: str) -> str:
    """`<iri>`: an IRI as an N-Triples term."""
    return f"<{iri}>"


def nt_literal(text: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as an N-Triples term: `"text"@en`, `"2019-01-01"^^<...#date>`, or `"text"` (xsd:string)."""
    quoted = '"' + text.translate(_ESCAPES) + '"'
    if language:
        return f"{quoted}@{language.lower()}"  # as Oxigraph stores a tag
    if datatype and datatype != str(XSD.string):
        return f"{quoted}^^<{datatype}>"
    return quoted


def nt_term(term) -> str:
    """Any rdflib term as an N-Triples term (the ontology and the tests speak rdflib)."""
    if isinstance(term, str) and not isinstance(term, (URIRef, BNode, Literal)):
        return term  # already an N-Triples term
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return nt_literal(str(term), term.language, str(term.datatype) if term.datatype else None)


def nt_triples(graph: Graph) -> list[Triple]:
    return [(nt_term(s), nt_term(p), nt_term(o)) for s, p, o in graph]


def to_graph(triples: Iterable[Triple], graph: Graph | None = None) -> Graph:
    """Parse N-Triples term tuples into an rdflib graph (for the small inputs of HermiT and pySHACL)."""
    graph = Graph() if graph is None else graph
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    if text:
        graph.parse(data=text, format="nt")
    return graph


def k(term: URIRef) -> str:
    """A kg: (or any rdflib) IRI as an N-Triples term."""
    return _kg(str(term))


@cache
def _kg(iri: str) -> str:
    return f"<{iri}>"


def rdflib_term(term):
    """A pyoxigraph term as the rdflib term it stands for (None for an unbound variable); an xsd:string
    literal becomes a plain one, as rdflib parses it."""
    import pyoxigraph as ox  # the term syntax above needs no pyoxigraph

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
