"""Read side: a build in dist/ opened read-only: its on-disk Oxigraph store and its report."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..iris import DEFAULT_BASE
from .interface import StoreError


@dataclass
class BuiltStore:
    """One build, opened read-only: its Oxigraph store and its report."""

    path: Path
    store: ox.Store
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def build_id(self) -> str:
        return str(self.report.get("build_id", ""))

    @property
    def base_iri(self) -> str:
        if "base_iri" in self.report:
            return str(self.report["base_iri"])
        return DEFAULT_BASE

    def graph_iri(self, name: str) -> str:
        """The IRI of one of the build's named graphs: 'ontology', 'facts' or 'inferred'."""
        return f"{self.base_iri}graph/{name}"

    def query(
        self,
        text: str,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Any:
        """Run a SPARQL query; the default graph is the union of all graphs unless a dataset is named.

        Naming either list (even an empty one) fixes the whole dataset, as the SPARQL protocol
        says: default-graph-uri alone leaves no named graphs, named-graph-uri alone an empty default.

        :raises SyntaxError: the query is malformed (the message gives line and column).
        """
        kwargs: dict[str, Any] = {}
        if default_graph is None and named_graphs is None:
            kwargs["use_default_graph_as_union"] = True
        else:
            kwargs["default_graph"] = [ox.NamedNode(iri) for iri in default_graph or []] or ox.DefaultGraph()
            kwargs["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs or []]
        if substitutions:
            kwargs["substitutions"] = dict(substitutions)
        return self.store.query(text, **kwargs)

    def statements(self, subject: ox.NamedNode) -> list[tuple[ox.NamedNode, Any]]:
        """The distinct (predicate, object) pairs of subject in any graph, read from the store's index
        (a SPARQL query for the same pairs costs half as much again)."""
        return list(dict.fromkeys((quad.predicate, quad.object)
                                  for quad in self.store.quads_for_pattern(subject, None, None)))

    def objects(self, subjects: list[ox.NamedNode], predicate: ox.NamedNode) -> dict[ox.NamedNode, tuple[Any, ...]]:
        """Each subject's distinct objects for predicate, in any graph, from the store's index."""
        return {
            subject: tuple(
                dict.fromkeys(quad.object for quad in self.store.quads_for_pattern(subject, predicate, None))
            )
            for subject in subjects
        }


def open_embedded(dist: Path) -> BuiltStore:
    """Open the build in dist/ read-only.

    :raises StoreError: when dist/ holds no finished build, or one that cannot be read.
    """
    dist = Path(dist)
    report_path = dist / "report.json"
    store_path = dist / "store"
    if not report_path.is_file() or not store_path.is_dir():
        raise StoreError(f"{dist}/ holds no finished build; run `kgbuild build --out {dist}` first")
    try:
        report = json.loads(report_path.read_text("utf-8"))
        store = ox.Store.read_only(str(store_path))
        store.query("ASK { ?s ?p ?o }")  # a corrupt store fails here, at start-up, not on a request
    except (OSError, ValueError, RuntimeError) as error:
        raise StoreError(
            f"{dist}/ is unreadable ({error}); rebuild it with `kgbuild build --out {dist}`"
        ) from None
    if not isinstance(report, dict) or not report.get("build_id"):
        raise StoreError(f"{report_path} has no build_id; rebuild it with `kgbuild build --out {dist}`")
    return BuiltStore(path=dist.resolve(), store=store, report=report)
