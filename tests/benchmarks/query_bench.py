"""Benchmarks: SPARQL over HTTP on loopback — `kgbuild serve` beside `oxigraph serve-read-only` and rdflib-endpoint.

Every server runs as its own process, started the way a user starts it; requests go through `requests`
on 127.0.0.1 only, each loop bounded in count and time.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BASE = "https://w3id.org/kgbuild/"
SELECT_10K = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000"
CONSTRUCT_10K = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 10000"
RESULTS = {"select": "application/sparql-results+json", "construct": "application/n-triples",
           "describe": "text/turtle", "ask": "application/sparql-results+json"}

# rdflib-endpoint: the closest Python peer, serving an rdflib graph parsed from the build's kg.nt
RDFLIB_ENDPOINT_SCRIPT = """
import sys, uvicorn
from rdflib import Graph
from rdflib_endpoint import SparqlEndpoint
graph = Graph()
graph.parse(sys.argv[1], format="nt")
app = SparqlEndpoint(graph=graph, path="/sparql")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    endpoint: str  # the SPARQL endpoint's URL
    root: str
    ready_after: float

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def memory_mib(self) -> float:
        """Resident memory of the server and its workers (gunicorn forks), in MiB."""
        import psutil

        try:
            parent = psutil.Process(self.process.pid)
            processes = [parent, *parent.children(recursive=True)]
            return sum(process.memory_info().rss for process in processes) / 2**20
        except psutil.Error:
            return float("nan")

    def worker_memory_mib(self) -> list[float]:
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
            return [child.memory_info().rss / 2**20 for child in children] or [self.memory_mib()]
        except psutil.Error:
            return []


def _start(name: str, command: list[str], endpoint_path: str, port: int, deadline: float = 600.0,
           env: dict | None = None) -> Server:
    clock = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True, env={**os.environ, **(env or {})})
    root = f"http://127.0.0.1:{port}"
    endpoint = root + endpoint_path
    while time.perf_counter() - clock < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: {' '.join(command)}")
        try:
            answer = requests.get(endpoint, params={"query": "ASK { ?s ?p ?o }"},
                                  headers={"Accept": RESULTS["ask"]}, timeout=5)
            if answer.status_code == 200:
                return Server(name, process, endpoint, root, time.perf_counter() - clock)
        except requests.RequestException:
            pass
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError(f"{name} did not answer within {deadline} s")


def start_kgbuild(dist: Path, workers: int = 2) -> Server:
    port = free_port()
    return _start("kgbuild serve", [str(BIN / "kgbuild"), "serve", "--dist", str(dist), "--bind", f"127.0.0.1:{port}",
                                    "--workers", str(workers)], "/sparql", port)


def start_oxigraph(dist: Path) -> Server:
    port = free_port()
    return _start(
        "oxigraph serve",
        [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(Path(dist).resolve() / "store"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        "/query",
        port,
    )


def start_rdflib_endpoint(dist: Path) -> Server:
    port = free_port()
    return _start("rdflib-endpoint", [sys.executable, "-c", RDFLIB_ENDPOINT_SCRIPT, str(Path(dist).resolve() / "kg.nt"),
                                      str(port)], "/sparql", port, deadline=900)


def query_kind(text: str) -> str:
    body = re.sub(r"(?m)^\s*(#.*|PREFIX\s+\S+\s+<[^>]*>)\s*$", "", text)
    match = re.search(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", body, re.IGNORECASE)
    return match.group(1).lower() if match else "select"


def workload(dist: Path) -> dict[str, str]:
    """Every analyst query of queries/ with its parameters bound (VALUES) to resources of the synthetic
    data, plus a 10k-row SELECT, a CONSTRUCT of 10k triples and a DESCRIBE of an organisation."""
    import pyoxigraph as ox

    from kgbuild.storedqueries import load_query

    store = ox.Store.read_only(str(Path(dist).resolve() / "store"))

    def first(store: ox.Store, cls: str) -> str:
        rows = list(store.query(f"SELECT ?x WHERE {{ ?x a <https://w3id.org/kgbuild/ontology#{cls}> }} LIMIT 1",
                                use_default_graph_as_union=True))
        return rows[0]["x"].value.rsplit("/", 1)[-1] if rows else "none"

    slugs = {"organisation": "org00001", "declaration": first(store, "Declaration"), "summit": "org00001-1",
             "country": "kz", "document": first(store, "Document")}
    del store
    queries: dict[str, str] = {}
    for path in sorted((ROOT / "queries").glob("*.rq")):
        stored = load_query(path)
        given = {parameter.name: slugs[parameter.type] for parameter in stored.parameters if parameter.type in slugs}
        text = stored.bound_text(given, BASE)
        queries[path.stem] = text
    queries["select-10k-rows"] = SELECT_10K
    queries["construct-10k-triples"] = CONSTRUCT_10K
    queries["describe-organisation"] = f"DESCRIBE <{BASE}id/organisation/org00001>"
    return queries


def page_sample(dist: Path, per_class: int = 4) -> list[str]:
    """Paths of distinct resources of the kinds analysts look at most, for pages each fetched once."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(Path(dist).resolve() / "store"))
    paths = []
    for cls in ("Organisation", "Country", "Summit", "Declaration", "Membership", "Chairmanship"):
        rows = store.query(
            f"SELECT ?x WHERE {{ ?x a <https://w3id.org/kgbuild/ontology#{cls}> }} LIMIT {per_class + 1}",
            use_default_graph_as_union=True,
        )
        paths += [row["x"].value[len(BASE) - 1:] for row in rows][1:]  # not the first: the repeated-page figure uses it
    del store
    return paths


def ask(server: Server, text: str, timeout: float = 60.0) -> tuple[float, int]:
    """One request; (seconds, bytes). A failed request counts as its timeout."""
    clock = time.perf_counter()
    try:
        answer = requests.post(server.endpoint, data={"query": text}, headers={"Accept": RESULTS[query_kind(text)]},
                               timeout=timeout)
        answer.raise_for_status()
        size = len(answer.content)
    except requests.RequestException:
        return timeout, -1
    return time.perf_counter() - clock, size


def latency(server: Server, text: str, repeats: int, timeout: float = 60.0, warm: bool = True) -> dict:
    if warm:
        ask(server, text, timeout)  # warm: caches, connection, worker
    times = []
    size = 0
    for _ in range(repeats):
        seconds, size = ask(server, text, timeout)
        times.append(seconds)
        if size < 0:
            break
    return _summary(times, size)


def paired_latency(ours: Server, theirs: Server, text: str, repeats: int, timeout: float = 60.0) -> tuple[dict, dict]:
    """Latency of the same query on two servers, asked in turns (see alternate)."""
    return alternate(lambda: ask(ours, text, timeout), lambda: ask(theirs, text, timeout), repeats)


def alternate(ours, theirs, repeats: int) -> tuple[dict, dict]:
    """Time two requests (callables giving (seconds, bytes), bytes -1 for a failure) in turns, who goes
    first alternating, after one warm-up each: a burst of load from elsewhere on a shared machine falls
    on both series, not one. A side that fails is not asked again; its failure is in its summary."""
    sides = (ours, theirs)
    times: tuple[list[float], list[float]] = ([], [])
    sizes = [0, 0]
    for side in (0, 1):
        seconds, sizes[side] = sides[side]()
        if sizes[side] < 0:
            times[side].append(seconds)  # the failed warm-up is the only figure this side gets
    for round_ in range(repeats):
        for side in ((0, 1) if round_ % 2 == 0 else (1, 0)):
            if sizes[side] >= 0:
                seconds, sizes[side] = sides[side]()
                times[side].append(seconds)
    return _summary(times[0], sizes[0]), _summary(times[1], sizes[1])


def _summary(times: list[float], size: int) -> dict:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "bytes": size,
            "runs": len(times), "failed": size < 0}


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections from one loopback address (127.0.0.2, 127.0.0.3, ...): Linux answers all of 127/8."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def throughput(server: Server, texts: list[str], clients: int = 8, seconds: float = 5.0, timeout: float = 30.0) -> dict:
    """Requests answered per second by `clients` concurrent clients cycling through texts for `seconds`.

    Each client connects from an address of its own, as eight users would: from one address they would
    be one client to kgbuild's per-client limits, and two thirds of the answers would be 429s.
    """
    done = [0]
    refused = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(offset: int) -> None:
        session = requests.Session()
        session.mount("http://", _FromAddress(f"127.0.0.{offset + 2}"))
        index = offset
        while time.perf_counter() < stop_at:
            text = texts[index % len(texts)]
            index += 1
            try:
                session.post(server.endpoint, data={"query": text}, headers={"Accept": RESULTS[query_kind(text)]},
                             timeout=timeout).raise_for_status()
            except requests.RequestException:
                with lock:
                    refused[0] += 1
                continue
            with lock:
                done[0] += 1

    clock = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    seconds_taken = time.perf_counter() - clock
    return {"per_second": done[0] / seconds_taken, "answered": done[0], "failed": refused[0]}


def fetch(url: str, accept: str, timeout: float = 60.0) -> tuple[float, int]:
    """One GET; (seconds, bytes). A failed request counts as its timeout."""
    clock = time.perf_counter()
    try:
        answer = requests.get(url, headers={"Accept": accept}, timeout=timeout)
        answer.raise_for_status()
        size = len(answer.content)
    except requests.RequestException:
        return timeout, -1
    return time.perf_counter() - clock, size
