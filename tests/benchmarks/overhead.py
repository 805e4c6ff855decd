"""Where the time of one small /sparql query goes, layer by layer (docs/performance.md, "Per-request overhead").

    python -m tests.benchmarks.overhead [--dist DIR] [--requests N]

Each layer is timed on its own, in this process, over the same query and build; a layer's share is
its time minus the layer inside it. Each figure is the median of 7 batches of N calls (a batch's mean),
so one slow call on a shared machine does not move it:
  engine       pyoxigraph: the query and its JSON serialisation (Store.query + serialize)
  worker       the query process's whole job on one query, without the socket (queryrun.worker.answer)
  hop          QueryPool.run: the job pickled to a warm query process, the answer back (minus worker)
  app          the Flask app as a WSGI callable: dispatch, guards, negotiation, headers, log (minus hop)
  parts of app the guards and protocol steps timed alone (each a part of app)
  http         one keep-alive request over loopback to `kgbuild serve` under each server, and to
               `oxigraph serve` (minus app: the server's parse and framing, the client, the kernel)
"""

from __future__ import annotations

import argparse
import http.client
import io
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
QUERY = ("SELECT ?label WHERE { <https://w3id.org/kgbuild/id/organisation/cica> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
ACCEPT = "application/sparql-results+json"


def per_call_ms(call: Callable[[], object], count: int, batches: int = 7) -> float:
    """The median over batches of the mean time of one call, in ms."""
    return in_turns({"call": call}, count, batches)["call"]


def in_turns(calls: dict[str, Callable[[], object]], count: int, batches: int = 7) -> dict[str, float]:
    """per_call_ms of each call, their batches taken in turns: load from elsewhere falls on every layer."""
    for call in calls.values():
        call()  # warm
    means: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(batches):
        for name, call in calls.items():
            started = time.perf_counter()
            for _ in range(count):
                call()
            means[name].append((time.perf_counter() - started) / count * 1000)
    return {name: statistics.median(values) for name, values in means.items()}


class _Discard:
    def send(self, kind: bytes, payload: bytes = b"") -> None:
        pass


def in_process(dist: Path, count: int) -> dict[str, float]:
    import pyoxigraph as ox

    from kgbuild.queryrun.pool import pool_for
    from kgbuild.queryrun.worker import answer
    from kgbuild.store import BuildTracker
    from kgbuild.web import create_app
    from kgbuild.web.guards.limits import ClientLimits, ClientTable
    from kgbuild.web.guards.requesthead import check_request_head
    from kgbuild.web.guards.requestlog import LOG, RequestRecord
    from kgbuild.web.protocol.refusals import check_query_text
    from kgbuild.web.servers.startup import log_requests

    tracker = BuildTracker(dist)
    build = tracker.current()
    figures: dict[str, float] = {}

    def engine() -> None:
        out = io.BytesIO()
        build.query(QUERY).serialize(out, ox.QueryResultsFormat.JSON)

    app = create_app(dist, {"KGBUILD_QUERY_PROCESSES": 1, "KGBUILD_CLIENT_CONCURRENCY": 1000,
                            "KGBUILD_CLIENT_QUERY_SECONDS": 1e9})
    environ_base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": f"query={quote(QUERY)}",
                    "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
                    "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000", "HTTP_ACCEPT": ACCEPT,
                    "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
                    "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
                    "wsgi.version": (1, 0)}
    jobs: list[dict] = []

    def through_app() -> None:
        body = app.wsgi_app(dict(environ_base), lambda status, headers, exc_info=None: None)
        b"".join(body)
        getattr(body, "close", lambda: None)()

    log_requests()  # as the server does: the request log line is part of the cost
    logging.getLogger("kgbuild").handlers[0].setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the run
    pool = pool_for(app.config["KGBUILD_DIST"], 1)
    spied = pool.run
    pool.run = lambda job, timeout: (jobs.append(job), spied(job, timeout))[1]  # type: ignore[method-assign]
    through_app()  # starts the app's query process; the job it sent is the one the layers below send
    pool.run = spied  # type: ignore[method-assign]
    job = jobs[0]
    figures.update(in_turns({"engine": engine, "worker": lambda: answer(job, tracker, _Discard()),
                             "pool": lambda: pool.run(job, 30), "app": through_app}, count))
    table, limits = ClientTable(), ClientLimits(1000, 1e9)

    def count_client() -> None:
        table.check("127.0.0.1", limits)
        table.admit("127.0.0.1", limits).finish()

    with app.test_request_context("/sparql"):
        own = [build.graph_iri(name) for name in ("ontology", "facts", "inferred")]
        figures["part: query text read and checked (refusals)"] = per_call_ms(
            lambda: check_query_text(QUERY, own, frozenset()), count)
        figures["part: per-client limits (check, admit, finish)"] = per_call_ms(count_client, count)
        figures["part: current build (dist/ symlink resolved)"] = per_call_ms(lambda: tracker.current(), count)
        figures["part: request log record (id)"] = per_call_ms(RequestRecord, count)
        line = 'client=127.0.0.1 id=0123456789 "GET /sparql" status=200 ms=1.2 query=0123456789ab outcome=ok rows=1'
        figures["part: request log line written"] = per_call_ms(lambda: LOG.info("%s", line), count)
        figures["part: request line and headers measured (414, 431)"] = per_call_ms(
            lambda: check_request_head(environ_base), count)
    return figures


def over_http(root: str, path: str, count: int) -> float:
    """Median ms of one request on a keep-alive connection (http.client: the lightest Python client)."""
    host, port = root.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def one() -> None:
        connection.request("GET", path, headers={"Accept": ACCEPT})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{root}{path}: {response.status}")

    try:
        return per_call_ms(one, count)
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    from . import query_bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="the build (default: dist/)")
    parser.add_argument("--requests", type=int, default=300, help="calls per batch (default 300)")
    arguments = parser.parse_args(argv)
    dist, count = arguments.dist, arguments.requests
    figures = in_process(dist, count)
    servers = {name: query_bench.start_kgbuild(dist, server=name) for name in ("gunicorn", "granian")}
    oxigraph = query_bench.start_oxigraph(dist)
    time.sleep(2)
    path = f"?query={quote(QUERY)}"
    try:
        for _ in range(2):  # in turns, twice: load from elsewhere falls on each
            for name, server in servers.items():
                figures.setdefault(f"http {name}", []).append(over_http(server.root, "/sparql" + path, count))
            figures.setdefault("http oxigraph serve", []).append(over_http(oxigraph.root, "/query" + path, count))
    finally:
        for server in (*servers.values(), oxigraph):
            server.stop()
    figures = {name: min(value) if isinstance(value, list) else value for name, value in figures.items()}
    layers = {"engine (pyoxigraph query + JSON)": figures["engine"],
              "query process's own work beyond the engine": figures["worker"] - figures["engine"],
              "process hop (pickle, socket pair, wake-up)": figures["pool"] - figures["worker"],
              "Flask app around the query (dispatch, guards, negotiation, headers, log)":
                  figures["app"] - figures["pool"]}
    for name in servers:
        layers[f"HTTP under {name} (parse, framing, loopback, client)"] = figures[f"http {name}"] - figures["app"]
    print(f"one small query ({QUERY[:40]}...), ms per request, medians of 7 batches of {count}:")
    for name, value in layers.items():
        print(f"  {name:<80} {value:6.3f}")
    for name, value in figures.items():
        if name.startswith(("part:", "http")):
            print(f"  {name:<80} {value:6.3f}")
    for name in servers:
        print(f"  ratio to oxigraph serve, {name}: {figures[f'http {name}'] / figures['http oxigraph serve']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
