"""Publish a build to a triplestore: one Graph Store Protocol PUT per graph, then a count check.

Layouts: by default each of the build's named graphs (ontology, facts, inferred) replaces the
graph of the same IRI in the store, so GRAPH and default-graph-uri work there as on our own
server; with `graph`, the union (dist/kg.nt) replaces that one graph instead. Either way the
publication record (kgbuild.store.publication) goes last into {base}graph/publication, so servers
reading the store (`kgbuild serve --backend`) see the new build only once its data is in place.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from .store.interface import StoreError
from .store.publication import head_query, metadata_graph, publication_triples, read_head
from .store.sparqlclient import SparqlClient

CONNECT_TIMEOUT = 10.0
UPLOAD_TIMEOUT = 900.0  # seconds for the store to load one graph and answer the PUT
N_TRIPLES = "application/n-triples"
# where each store kind answers SPARQL queries, from the path of its Graph Store Protocol URL
SPARQL_BESIDE_GSP = (("/sparql-graph-crud-auth", "/sparql"), ("/sparql-graph-crud", "/sparql"),
                     ("/rdf-graphs/service", ""), ("/sparql/gsp/", "/sparql"), ("/store", "/query"),
                     ("/data", "/sparql"))
GSP_HINT = ("point --endpoint at the store's Graph Store Protocol URL (Oxigraph: /store, Virtuoso: "
            "/sparql-graph-crud-auth, Fuseki: /DATASET/data, GraphDB: /repositories/REPO/rdf-graphs/service)")


class PublishError(Exception):
    """Publishing failed; the message says where, what the store said, and what to do."""


@dataclass
class Upload:
    """One graph to replace: where its N-Triples are, and how many triples it must hold after."""

    graph: str
    source: Path
    triples: int
    gzipped: Path | None = None


@dataclass
class Outcome:
    """What publishing (or a dry run) found for one graph."""

    graph: str
    before: int
    after: int
    gzip: bool = False


def sparql_endpoint_for(gsp_url: str) -> str:
    """The SPARQL query endpoint beside a Graph Store Protocol URL, by the store kinds we know.

    >>> sparql_endpoint_for('http://127.0.0.1:8890/sparql-graph-crud-auth')
    'http://127.0.0.1:8890/sparql'
    >>> sparql_endpoint_for('http://127.0.0.1:7878/store')
    'http://127.0.0.1:7878/query'

    :raises PublishError: the URL matches no store kind we know; then --sparql must say it.
    """
    parts = urlsplit(gsp_url)
    for gsp_path, sparql_path in SPARQL_BESIDE_GSP:
        if parts.path.rstrip("/").endswith(gsp_path.rstrip("/")):
            path = parts.path.rstrip("/")[: -len(gsp_path.rstrip("/"))] + sparql_path
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    raise PublishError(f"cannot tell the SPARQL endpoint of {gsp_url}; give it with --sparql URL")


def plan_uploads(dist: Path, work: Path | None, graph: str | None) -> list[Upload]:
    """The data graphs to replace: the union into graph, or each build graph under its own IRI.

    Each build graph is written out of dist/store as N-Triples (and gzipped) into work; with no
    work folder (a dry run) nothing is written. Counts come from what is sent, not from
    report.json, so the check after the upload compares like with like.
    """
    if graph:
        union = dist / "kg.nt"
        zipped = dist / "kg.nt.gz"
        with union.open("rb") as lines:
            triples = sum(1 for line in lines if line.strip() and not line.startswith(b"#"))
        return [Upload(graph, union, triples, zipped if zipped.is_file() else None)]
    report = json.loads((dist / "report.json").read_text("utf-8"))
    store = ox.Store.read_only(str(dist / "store"))
    uploads = []
    for name in ("ontology", "facts", "inferred"):
        iri = ox.NamedNode(f"{report['base_iri']}graph/{name}")
        counting = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}"
        counted = cast(ox.QuerySolutions, store.query(counting))
        upload = Upload(iri.value, Path(f"{name}.nt"), int(next(iter(counted))["n"].value))
        if work is not None:
            upload.source = work / upload.source
            quads = store.quads_for_pattern(None, None, None, iri)
            ox.serialize((quad.triple for quad in quads), str(upload.source), ox.RdfFormat.N_TRIPLES)
            upload.gzipped = _gzip(upload.source)
        uploads.append(upload)
    return uploads


def _gzip(source: Path) -> Path:
    target = source.with_name(source.name + ".gz")
    with source.open("rb") as plain, gzip.open(target, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(plain, packed)
    return target


class GraphStore:
    """A store's Graph Store Protocol URL and SPARQL endpoint, with the user's credentials."""

    def __init__(self, gsp: str, sparql: str, user: str | None = None, password: str | None = None,
                 auth_scheme: str = "auto") -> None:
        self.gsp, self.sparql = gsp, sparql
        self.user, self.password, self.auth_scheme = user, password, auth_scheme
        self.session = requests.Session()

    def connect(self, graph: str) -> None:
        """Reach the store and settle authentication before any upload (digest needs a challenge first).

        :raises PublishError: unreachable, or the credentials are refused.
        """
        if self.user is not None and self.auth_scheme != "auto":
            self.session.auth = _auth(self.auth_scheme, self.user, self.password or "")
        response = self._send("HEAD", graph)
        if response.status_code == 401 and self.session.auth is None and self.user is not None:
            challenge = response.headers.get("WWW-Authenticate", "").strip().lower()
            self.session.auth = _auth("digest" if challenge.startswith("digest") else "basic",
                                      self.user, self.password or "")
            response = self._send("HEAD", graph)  # answers the challenge: later uploads carry it
        self._refuse_unauthorised(response)

    def count(self, graph: str) -> int:
        """Triples in graph now, asked through the SPARQL endpoint."""
        reader = SparqlClient(self.sparql, timeout=120.0, auth=self.session.auth)
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        try:
            rows = list(reader.query(query))
        except (StoreError, SyntaxError) as error:
            raise PublishError(f"cannot count the triples through {self.sparql}: {error}; "
                               "give the store's SPARQL endpoint with --sparql URL") from None
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    def published_build(self, base: str) -> str | None:
        reader = SparqlClient(self.sparql, timeout=60.0, auth=self.session.auth)
        try:
            head = read_head(reader.query(head_query(base)))
        except (StoreError, SyntaxError):
            return None
        return head[0] if head else None

    def replace(self, upload: Upload) -> bool:
        """Replace the graph with the upload's triples in one PUT; True when gzip was accepted.

        The gzipped file goes first; a store that refuses Content-Encoding (Virtuoso answers 500)
        gets the plain file. Bodies stream from disk, never held in memory.
        """
        if upload.gzipped is not None:
            with upload.gzipped.open("rb") as body:
                response = self._send("PUT", upload.graph, body, {"Content-Encoding": "gzip"})
            if response.ok:
                return True
            if response.status_code in (401, 403, 404, 405, 501):
                self._fail(response, upload.graph)
        with upload.source.open("rb") as body:
            response = self._send("PUT", upload.graph, body)
        if not response.ok:
            self._fail(response, upload.graph)
        return False

    def replace_with_triples(self, graph: str, triples: list[ox.Triple]) -> None:
        body = io.BytesIO(cast(bytes, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))  # no output: bytes
        response = self._send("PUT", graph, body)
        if not response.ok:
            self._fail(response, graph)

    def _send(self, method: str, graph: str, body=None, headers: dict[str, str] | None = None) -> requests.Response:
        headers = {"Content-Type": N_TRIPLES, **(headers or {})} if body is not None else {}
        try:
            return self.session.request(method, self.gsp, params={"graph": graph}, data=body, headers=headers,
                                        timeout=(CONNECT_TIMEOUT, UPLOAD_TIMEOUT))
        except requests.RequestException as error:
            raise PublishError(f"the store at {self.gsp} is unreachable ({_reason(error)}); "
                               "check the URL and that the store runs") from None

    def _refuse_unauthorised(self, response: requests.Response) -> None:
        if response.status_code == 401:
            who = f"user {self.user!r}" if self.user else "no credentials"
            raise PublishError(f"the store at {self.gsp} refused {who} (401 {_said(response)}); give "
                               "--user/--password (or KGBUILD_PUBLISH_USER/KGBUILD_PUBLISH_PASSWORD)")
        if response.status_code == 403:
            raise PublishError(f"the store at {self.gsp} forbids {self.user or 'anonymous'} to write graphs "
                               f"(403 {_said(response)}); grant the user write access (Virtuoso: SPARQL_UPDATE)")

    def _fail(self, response: requests.Response, graph: str) -> None:
        self._refuse_unauthorised(response)
        if response.status_code in (404, 405, 501):
            raise PublishError(f"{self.gsp} does not take Graph Store Protocol uploads ({response.status_code} "
                               f"{_said(response)}); {GSP_HINT}")
        raise PublishError(f"the store at {self.gsp} refused graph <{graph}> ({response.status_code} "
                           f"{_said(response)})")


def _auth(scheme: str, user: str, password: str):
    return HTTPDigestAuth(user, password) if scheme == "digest" else HTTPBasicAuth(user, password)


def _said(response: requests.Response) -> str:
    """The store's own message, stripped of HTML and shortened."""
    text = " ".join(re.sub(r"<[^>]+>", " ", response.text or "").split())
    return f"{response.reason}: {text[:400]}" if text else str(response.reason)


def _reason(error: Exception) -> str:
    """The root of a connection failure ('[Errno 111] Connection refused'), not urllib3's whole story."""
    root = re.search(r"\[Errno -?\d+\] [^'\")]+", str(error))
    return root.group(0) if root else (str(error)[:300] or type(error).__name__)


@dataclass
class Publishing:
    """The outcome per graph (the publication record last), and which build the store held, and gets."""

    outcomes: list[Outcome]
    previous_build: str | None
    build_id: str


def publish(dist: Path, store: GraphStore, graph: str | None = None, dry_run: bool = False,
            progress: Callable[[str], None] | None = None) -> Publishing:
    """Replace the store's graphs with dist/'s, then check every count; or, dry, only count.

    :raises PublishError: unreachable store, refused credentials, no GSP, or a count that differs.
    """
    dist = Path(dist)
    report_path = dist / "report.json"
    if not report_path.is_file():
        raise PublishError(f"{dist}/ holds no finished build; run `kgbuild build --out {dist}` first")
    report = json.loads(report_path.read_text("utf-8"))
    base = report["base_iri"]
    say = progress or (lambda message: None)
    with tempfile.TemporaryDirectory(prefix="kgbuild-publish-") as work:
        uploads = plan_uploads(dist, None if dry_run else Path(work), graph)
        record = publication_triples(dist, [upload.graph for upload in uploads], base)
        store.connect(metadata_graph(base))
        previous = store.published_build(base)
        outcomes = [Outcome(u.graph, store.count(u.graph), u.triples) for u in uploads]
        outcomes.append(Outcome(metadata_graph(base), store.count(metadata_graph(base)), len(set(record))))
        if dry_run:
            return Publishing(outcomes, previous, report["build_id"])
        for upload, outcome in zip(uploads, outcomes, strict=False):
            say(f"PUT <{upload.graph}> ({upload.triples} triples)")
            outcome.gzip = store.replace(upload)
        store.replace_with_triples(metadata_graph(base), record)
    for outcome in outcomes:
        found = store.count(outcome.graph)
        if found != outcome.after:
            raise PublishError(f"graph <{outcome.graph}> holds {found} triples after the upload, but the "
                               f"build has {outcome.after}; the store changed or dropped data")
    return Publishing(outcomes, previous, report["build_id"])
