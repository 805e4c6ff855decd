"""Open a built dist/ for reading: the Oxigraph store (read-only) and the build report."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox

from .iris import DEFAULT_BASE


class StoreError(Exception):
    """dist/ is missing or unreadable; the message says how to fix it."""


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
        return {subject: tuple(dict.fromkeys(quad.object for quad in self.store.quads_for_pattern(subject, predicate, None)))
                for subject in subjects}


def open_store(dist: Path) -> BuiltStore:
    """Open dist/ read-only.

    :raises StoreError: when dist/ holds no finished build, or one that cannot be read.
    """
    dist = Path(dist)
    if (dist / "backend.json").is_file():  # `serve --backend`: dist/ names a remote store (kgbuild.remote)
        from .remote import open_remote  # noqa: PLC0415 - remote imports this module

        return open_remote(dist)
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


class BuildTracker:
    """The current build behind dist/, reopened when the dist symlink moves to a new build.

    `kgbuild build` switches builds by renaming the dist symlink, so resolving it (one readlink)
    per request is enough to notice a new build. Each process opens its own read-only store:
    an Oxigraph handle must not cross a fork, so a handle opened in another process is dropped.
    """

    def __init__(self, dist: Path) -> None:
        self.dist = Path(dist)
        self._lock = threading.Lock()
        self._target: str | None = None
        self._pid: int | None = None
        self._built: BuiltStore | None = None

    def current(self) -> BuiltStore:
        """Return the build dist/ points at now, opening it if it is new to this process.

        :raises StoreError: when dist/ holds no readable build.
        """
        target = os.path.realpath(self.dist)
        with self._lock:
            if self._built is None or target != self._target or os.getpid() != self._pid:
                self._built = open_store(self.dist)
                self._target, self._pid = target, os.getpid()
            return self._built
