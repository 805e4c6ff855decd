"""Read side: what every opened build answers to, embedded (dist/store) or remote (a SPARQL store)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

POINTER = "backend.json"  # a folder holding it stands for a remote store (remote.py), wherever a dist/ would be


class StoreError(Exception):
    """dist/ is missing or unreadable, or the remote store is; the message says how to fix it."""


class Store(Protocol):
    """One build opened for reading: its files (path), its report, and SPARQL over its graphs."""

    @property
    def path(self) -> Path: ...

    @property
    def report(self) -> dict[str, Any]: ...

    @property
    def build_id(self) -> str: ...

    @property
    def base_iri(self) -> str: ...

    def graph_iri(self, name: str) -> str: ...

    def query(self, text: str, substitutions: Mapping[ox.Variable, Any] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None) -> Any: ...

    def statements(self, subject: ox.NamedNode) -> list[tuple[ox.NamedNode, Any]]: ...

    def objects(self, subjects: list[ox.NamedNode], predicate: ox.NamedNode) -> dict[ox.NamedNode, tuple[Any, ...]]: ...
