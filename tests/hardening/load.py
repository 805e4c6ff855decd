"""Load test: many clients on loopback mixing the stored queries, linked-data fetches and runaway queries.

    python -m tests.hardening.load            # the short form: 10 clients, 10 s, timeout 2 s
    python -m tests.hardening.load --full     # 50 clients, 60 s, timeout 10 s (for make bench)

Each client has its own address (127.0.0.x: loopback answers on all of 127/8), so the per-client
limits apply to each as to a person, and pauses between requests (0.2-0.8 s), as a person would.
One more client sends a cartesian-product query every few seconds, which would run for hours.
Reports requests by status, the latency of a simple query idle and under load (p50, p99), 5xx
other than the runaways' timeouts, and the peak memory of the server's processes; writes
bench-results/hardening-load.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from kgbuild.config import SERVERS
from tests.hardening.serving import rss_mib, start_server, stop_server

REPO = Path(__file__).resolve().parents[2]
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SIMPLE = ("SELECT ?label WHERE { <https://w3id.org/kgbuild/id/organisation/cica> "
          "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
RESOURCES = ["organisation/cica", "organisation/asean", "country/kz", "country/id", "country/ph", "summit/cica-5"]


@dataclass
class Shape:
    clients: int
    seconds: float
    timeout: float
    runaway_every: float


SHORT = Shape(clients=10, seconds=10, timeout=2, runaway_every=2.5)
FULL = Shape(clients=50, seconds=60, timeout=10, runaway_every=4)


@dataclass
class Tally:
    """What the clients saw."""

    statuses: Counter = field(default_factory=Counter)
    simple_ms: list[float] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    runaway_statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SourceAddress(HTTPAdapter):
    """Connect from a chosen loopback address, so each client is a client of its own."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddress(address))
    return session


def mix() -> list[tuple[str, dict]]:
    """The requests a client picks from: each stored query as text and by name, resources, a simple query."""
    picks: list[tuple[str, dict]] = [("/sparql", {"query": SIMPLE})] * 4
    for path in sorted((REPO / "queries").glob("*.rq")):
        picks.append(("/sparql", {"query": path.read_text("utf-8")}))
        picks.append((f"/queries/{path.stem}", {}))
    picks += [(f"/id/{resource}", {}) for resource in RESOURCES]
    picks += [(f"/id/{resource}.ttl", {}) for resource in RESOURCES]
    return picks


def client(root: str, address: str, until: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    session = session_from(address)
    picks = mix()
    while time.monotonic() < until:
        path, params = rng.choice(picks)
        started = time.monotonic()
        try:
            response = session.get(root + path, params=params, timeout=60,
                                   headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
            status = response.status_code
        except requests.RequestException as error:
            status = 0
            with tally.lock:
                tally.unexpected.append(f"{path}: {error}")
        elapsed = (time.monotonic() - started) * 1000
        with tally.lock:
            tally.statuses[status] += 1
            if params.get("query") == SIMPLE and status == 200:
                tally.simple_ms.append(elapsed)
            if status >= 500 or status in (0, 429):
                tally.unexpected.append(f"{path}: {status}")
        time.sleep(rng.uniform(0.2, 0.8))


def runaway_client(root: str, until: float, every: float, tally: Tally) -> None:
    """Start a runaway query every `every` seconds, each on its own thread and address."""
    threads = []
    number = 0
    while time.monotonic() < until:
        number += 1
        address = f"127.0.1.{number % 250 + 1}"

        def one(address=address) -> None:
            try:
                status = session_from(address).get(root + "/sparql", params={"query": RUNAWAY}, timeout=120).status_code
            except requests.RequestException:
                status = 0
            with tally.lock:
                tally.runaway_statuses[status] += 1

        thread = threading.Thread(target=one, daemon=True)
        thread.start()
        threads.append(thread)
        time.sleep(every)
    for thread in threads:
        thread.join(timeout=120)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def idle_latency(root: str, count: int = 200) -> list[float]:
    session = session_from("127.0.2.1")
    times = []
    for _ in range(count):
        started = time.monotonic()
        session.get(root + "/sparql", params={"query": SIMPLE}, timeout=30).raise_for_status()
        times.append((time.monotonic() - started) * 1000)
    return times


def run_load(dist: Path, shape: Shape, log: Path, server_kind: str = "gunicorn") -> dict:
    """Start the server (under server_kind) over dist/, measure idle, then load it; return the figures."""
    server = start_server(dist, log, {
        "KGBUILD_QUERY_TIMEOUT": str(shape.timeout), "KGBUILD_MAX_RESULT_ROWS": "1000000",
        "KGBUILD_MAX_RESULT_BYTES": str(256 * 1024 * 1024), "KGBUILD_CLIENT_CONCURRENCY": "5",
        "KGBUILD_CLIENT_QUERY_SECONDS": "60"}, server=server_kind)
    peak = [0.0]
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.is_set():
            peak[0] = max(peak[0], rss_mib(server.process.pid))
            time.sleep(0.5)

    try:
        idle_latency(server.root, 50)  # warm up
        idle = idle_latency(server.root)
        idle_rss = rss_mib(server.process.pid)
        tally = Tally()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        until = time.monotonic() + shape.seconds
        threads = [threading.Thread(target=client, args=(server.root, f"127.0.0.{10 + n}", until, tally, n))
                   for n in range(shape.clients)]
        threads.append(threading.Thread(target=runaway_client,
                                        args=(server.root, until, shape.runaway_every, tally)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=shape.seconds + 180)
        sampling.set()
        sampler.join(timeout=5)
        after = server.get("/sparql", params={"query": "ASK {}"}).status_code
    finally:
        stop_server(server.process)
    return {
        "server": server_kind, "clients": shape.clients, "seconds": shape.seconds, "timeout_s": shape.timeout,
        "requests": sum(tally.statuses.values()), "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "simple_query_ms": {"idle_p50": round(statistics.median(idle), 2), "idle_p99": round(percentile(idle, 0.99), 2),
                            "load_p50": round(percentile(tally.simple_ms, 0.5), 2),
                            "load_p99": round(percentile(tally.simple_ms, 0.99), 2),
                            "load_count": len(tally.simple_ms)},
        "unexpected": tally.unexpected[:20], "unexpected_count": len(tally.unexpected),
        "runaways": {str(k): v for k, v in sorted(tally.runaway_statuses.items())},
        "rss_mib": {"idle": round(idle_rss, 1), "peak": round(peak[0], 1)},
        "answers_after": after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="50 clients for 60 s (default: 10 for 10 s)")
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="the build to serve (default: dist/)")
    parser.add_argument("--server", choices=SERVERS, default=SERVERS[0], help="the HTTP server (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results" / "hardening-load.json")
    arguments = parser.parse_args(argv)
    shape = FULL if arguments.full else SHORT
    with tempfile.TemporaryDirectory() as scratch:
        figures = run_load(arguments.dist, shape, Path(scratch) / "server.log", arguments.server)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    print(json.dumps(figures, indent=2))
    ok = figures["unexpected_count"] == 0 and set(figures["runaways"]) <= {"503"}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
