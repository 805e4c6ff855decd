"""Read side: a remote store. RemoteStore answers as BuiltStore does, from a store `kgbuild publish` filled.

`kgbuild serve --backend URL` writes a small folder holding backend.json where a dist/ would be;
open_store() (store/opening.py) opens such a folder as a RemoteStore, so the app, its query processes
and every view reach the remote store through the same getter and the same query interface.
A RemoteStore follows the publication record (store/publication.py) in the store, looked at every
few seconds, so every replica switches to a newly published build by itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..iris import EMPTY_GRAPH
from .interface import POINTER, StoreError
from .publication import Publication, head_query, read_head, read_publication
from .sparqlclient import SparqlClient

REFRESH_SECONDS = 5.0  # how stale a replica's idea of the published build may be
QUERY_TIMEOUT = 60.0  # the HTTP read timeout; the query processes' own limit usually strikes first
OBJECTS_BATCH = 500  # subjects per VALUES query, to keep the query text small


def write_pointer(endpoint: str, base: str, dist: Path | None = None, folder: Path | None = None) -> Path:
    """Write the folder that stands for the store at endpoint wherever a dist/ is expected.

    dist, when given, is a local build folder to serve files (dumps) from while it, or a build
    beside it under .dist.builds/, is the published one.
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="kgbuild-backend-"))
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"endpoint": endpoint, "base_iri": base, "dist": str(Path(dist).resolve()) if dist else None}
    (folder / POINTER).write_text(json.dumps(settings, indent=2) + "\n", "utf-8")
    return folder


def open_remote(folder: Path) -> RemoteStore:
    """The store a pointer folder names, with its publication read once (so a bad store fails here).

    :raises StoreError: the store is unreachable or holds no publication under the base IRI.
    """
    try:
        settings = json.loads((Path(folder) / POINTER).read_text("utf-8"))
        tracker = RemoteTracker(settings["endpoint"], settings["base_iri"],
                                Path(settings["dist"]) if settings.get("dist") else None)
    except (OSError, ValueError, KeyError) as error:
        raise StoreError(
            f"{folder}/{POINTER} is unreadable ({error}); start `kgbuild serve --backend URL` again"
        ) from error
    built = RemoteStore(tracker)
    tracker.current()
    return built


@dataclass(frozen=True)
class Published:
    """One look at the store: the build it holds, where that build's files are, which graphs hold it."""

    report: dict[str, Any]
    path: Path
    data_graphs: list[str]

    @property
    def build_id(self) -> str:
        return str(self.report.get("build_id", ""))


class RemoteStore:
    """The build published in a remote store, queried over SPARQL; BuiltStore's interface."""

    def __init__(self, tracker: RemoteTracker) -> None:
        self.tracker = tracker

    @property
    def published(self) -> Published:
        return self.tracker.current()

    @property
    def report(self) -> dict[str, Any]:
        return self.published.report

    @property
    def path(self) -> Path:
        """A folder with report.json, queries/ and void.ttl (and the dumps, when a --dist holds them)."""
        return self.published.path

    @property
    def build_id(self) -> str:
        return self.published.build_id

    @property
    def base_iri(self) -> str:
        return str(self.report.get("base_iri", self.tracker.base))

    def graph_iri(self, name: str) -> str:
        """The IRI of one of the build's named graphs: 'ontology', 'facts' or 'inferred'."""
        return f"{self.base_iri}graph/{name}"

    def query(self, text: str, substitutions: Mapping[ox.Variable, Any] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None) -> Any:
        """Run a SPARQL query; the default graph is the union of the published graphs unless a dataset is named.

        As on the embedded store, GRAPH still reaches each published graph when no dataset is named.
        A named graph that was not published is an empty graph: it never reaches the store, which might
        otherwise try to fetch it (Virtuoso's Sponger); an empty list is sent as one empty graph.

        :raises SyntaxError: the query is malformed. :raises StoreError: the store failed or is unreachable.
        """
        if default_graph is None and named_graphs is None:
            default_graph = named_graphs = self.published.data_graphs
        else:
            default_graph, named_graphs = self._published_only(default_graph), self._published_only(named_graphs)
        return self.tracker.client.query(text, substitutions, default_graph, named_graphs)

    def _published_only(self, graphs: list[str] | None) -> list[str]:
        published = set(self.published.data_graphs)
        return [graph for graph in graphs or [] if graph in published] or [EMPTY_GRAPH]

    def statements(self, subject: ox.NamedNode) -> list[tuple[ox.NamedNode, Any]]:
        """As BuiltStore.statements, in one SPARQL query."""
        rows = self.query(f"SELECT DISTINCT ?p ?o WHERE {{ {subject} ?p ?o }}")
        return [(row["p"], row["o"]) for row in rows]

    def objects(self, subjects: list[ox.NamedNode], predicate: ox.NamedNode) -> dict[ox.NamedNode, tuple[Any, ...]]:
        """As BuiltStore.objects, in one SPARQL query per OBJECTS_BATCH subjects (each query a round trip)."""
        found: dict[ox.NamedNode, dict[Any, None]] = {subject: {} for subject in subjects}
        for start in range(0, len(subjects), OBJECTS_BATCH):
            values = " ".join(str(subject) for subject in subjects[start:start + OBJECTS_BATCH])  # str(): escaped <iri>
            for row in self.query(f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {values} }} ?s {predicate} ?o }}"):
                found[row["s"]][row["o"]] = None
        return {subject: tuple(objects) for subject, objects in found.items()}


class RemoteTracker:
    """What the store holds, re-read from its publication record when the last look is older than refresh."""

    def __init__(self, endpoint: str, base: str, dist: Path | None = None, refresh: float = REFRESH_SECONDS,
                 timeout: float = QUERY_TIMEOUT, auth: Any = None) -> None:
        self.client = SparqlClient(endpoint, timeout, auth)
        self.base, self.dist, self.refresh = base, dist, refresh
        self._lock = threading.Lock()
        self._published: Published | None = None
        self._checked = 0.0

    def current(self) -> Published:
        """:raises StoreError: the store is unreachable or holds no publication under the base IRI."""
        with self._lock:
            if self._published is not None and time.monotonic() - self._checked < self.refresh:
                return self._published
            head = read_head(self.client.query(head_query(self.base)))
            if head is None:
                raise StoreError(f"the store at {self.client.endpoint} holds no kgbuild publication under "
                                 f"{self.base}; run `kgbuild publish` first")
            build_id, report = head
            if self._published is None or self._published.build_id != build_id:
                self._published = self._read(report)
            self._checked = time.monotonic()
            return self._published

    def _read(self, report: dict[str, Any]) -> Published:
        publication = read_publication(self.client.query, self.base, report)
        if not publication.data_graphs:
            raise StoreError(f"the publication in {self.client.endpoint} names no data graphs; publish again")
        path = self._local_build(publication.build_id) or _write_cache(publication)
        return Published(report, path, publication.data_graphs)

    def _local_build(self, build_id: str) -> Path | None:
        """dist/, or the build beside it under .dist.builds/, when it is the published build."""
        if self.dist is None:
            return None
        for folder in (self.dist, self.dist.resolve().parent / build_id):
            try:
                if json.loads((folder / "report.json").read_text("utf-8")).get("build_id") == build_id:
                    return folder
            except (OSError, ValueError):
                continue
        return None


def _write_cache(publication: Publication) -> Path:
    """report.json, queries/ and void.ttl of a publication, in a folder per build id (written once)."""
    root = Path(tempfile.gettempdir()) / f"kgbuild-remote-{os.getuid()}"
    folder = root / publication.build_id
    if (folder / "report.json").is_file():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=root, prefix=".partial-"))
    (scratch / "queries").mkdir()
    for name, text in publication.queries.items():
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):  # a name from the store never leaves the folder
            (scratch / "queries" / f"{name}.rq").write_text(text, "utf-8")
    ox.serialize(publication.void, str(scratch / "void.ttl"), ox.RdfFormat.TURTLE)
    # report.json last: its presence marks a finished folder
    (scratch / "report.json").write_text(json.dumps(publication.report, indent=2), "utf-8")
    try:
        scratch.rename(folder)
    except OSError:  # another process finished first: use its folder
        shutil.rmtree(scratch, ignore_errors=True)
    return folder
