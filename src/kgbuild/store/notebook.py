"""Read side: a built store as an rdflib Dataset, for analysts in Python (notebooks, scripts).

oxrdflib's store plugin gives rdflib's API (query, value, triples) over dist/store opened read-only, so
SPARQL runs in Oxigraph, not in rdflib's own engine. The default graph is the union of the named graphs,
as the server's is; the project's prefixes (kg:, xsd:, kgorg: ...) are bound. Writing is refused: the
graph is made from facts/ by `kgbuild build`. (Summit 5 met in Dushanbe: mina-2021-10-07; CICA had 27
member states in October 2021: the same source.)

>>> import kgbuild
>>> g = kgbuild.open("dist")
>>> text = Path("dist/queries/full-members-on-date.rq").read_text("utf-8")  # a stored query, as it stands
>>> [(row.certain.toPython(), row.possible.toPython()) for row in g.query(text)]
[(27, 27)]
>>> g.query("ASK { kgorg:cica kg:hasMember kgcountry:kz }").askAnswer
True
>>> from rdflib import RDFS, Namespace
>>> KG, ID = Namespace("https://w3id.org/kgbuild/ontology#"), Namespace("https://w3id.org/kgbuild/id/")
>>> city = g.value(ID["summit/cica-5"], KG.location)
>>> city
rdflib.term.URIRef('https://w3id.org/kgbuild/id/place/dushanbe')
>>> str(g.value(city, RDFS.label))  # one of its labels: Dushanbe in English and in Indonesian alike
'Dushanbe'
>>> sorted(f"{label}@{label.language}" for _, _, label in g.triples((city, RDFS.label, None)))
['Dushanbe@en', 'Dushanbe@id']
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from oxrdflib._converter import from_ox, from_ox_graph_name, to_ox_quad_pattern
from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .. import vocab
from .embedded import open_embedded
from .interface import POINTER, StoreError


class ReadOnlyGraphError(PermissionError):
    """An attempt to change a graph opened with kgbuild.open."""


def _refuse(*_: Any, **__: Any) -> NoReturn:
    raise ReadOnlyGraphError("kgbuild.open gives a read-only graph: it is built from facts/; edit facts/*.yaml "
                             "and run `kgbuild build`, or copy what you need into a graph of your own")


class ReadOnlyOxigraphStore(OxigraphStore):
    """oxrdflib's store over a read-only Oxigraph store: every change is refused with one clear error,
    and a triple held in several named graphs is given once by the union (as SPARQL's default graph does)."""

    add = addN = remove = update = remove_graph = destroy = _refuse

    def add_graph(self, graph: Any) -> None:
        """Only a graph the store already holds: rdflib 'adds' the default graph when listing the graphs."""
        name = graph.identifier
        if name != DATASET_DEFAULT_GRAPH_ID and not self._inner.contains_named_graph(ox.NamedNode(str(name))):
            _refuse()

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        if context is not None:
            return super().triples(triple_pattern, context)
        try:
            quads = self._inner.quads_for_pattern(*to_ox_quad_pattern(triple_pattern, None))
        except (TypeError, ValueError):  # a term Oxigraph cannot hold (a formula, a variable): no match
            return iter(())
        return self._union(quads)

    def _union(self, quads: Iterator[ox.Quad]) -> Iterator[Any]:
        seen = set()
        for quad in quads:
            if quad.triple not in seen:  # the union: once, however many graphs hold it
                seen.add(quad.triple)
                # its graph made only if asked for (an rdflib Graph per triple would cost more than the read)
                yield ((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)),
                       (from_ox_graph_name(quad.graph_name, self) for _ in (quad,)))


def open_dataset(dist: str | os.PathLike[str] = "dist") -> Dataset:
    """The build in dist/ as a read-only rdflib Dataset; its default graph is the union of its named graphs.

    :raises StoreError: dist/ holds no finished build, or points at a remote store.
    """
    if (Path(dist) / POINTER).is_file():
        raise StoreError(f"{dist}/ points at a remote store (`kgbuild serve --backend`); kgbuild.open reads a build "
                         "on this machine: run `kgbuild build`, or query the remote store's SPARQL endpoint")
    built = open_embedded(Path(dist))
    dataset = Dataset(store=ReadOnlyOxigraphStore(store=built.store), default_union=True)
    for prefix, namespace in {**vocab.PREFIXES, **vocab.resource_prefixes(built.base_iri)}.items():
        dataset.bind(prefix, namespace)  # so kg:, xsd:, kgorg: ... need no PREFIX line in a notebook
    return dataset
