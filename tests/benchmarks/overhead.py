"""Where the time of one small /sparql query goes, layer by layer (docs/performance.md, "Per-request overhead").

    python -m tests.benchmarks.overhead [--dist DIR] [--requests N]

Each layer is timed on its own, over the same query and build, as CPU time of the whole process tree
(this process and its query process, or a server and its workers), so other work on a shared machine
moves the figures little; wall time is printed beside. A layer's share is its time minus the layer
inside it. Each figure is the median of 7 batches of N calls, the layers' batches taken in turns:
  engine   pyoxigraph: the query and its JSON serialisation (Store.query + serialize)
  worker   the query process's whole job, without the socket (queryrun.worker.answer)
  pool     QueryPool.run: the job pickled to a warm query process, the answer back
  flask    a bare Flask app with one route answering fixed bytes (Flask's own floor)
  app      the kgbuild app as a WSGI callable, its query runner answering a canned answer (no hop)
  parts    the guards and protocol steps timed alone (each a part of app)
  http     keep-alive requests over loopback (http.client) to `kgbuild serve` under each server and to
           `oxigraph serve`: the server's process tree, per request
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

from tests.hardening.serving import cpu_seconds, descendants

ROOT = Path(__file__).resolve().parents[2]
QUERY = ("SELECT ?label WHERE { <https://w3id.org/kgbuild/id/organisation/cica> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")
ACCEPT = "application/sparql-results+json"


def in_turns(calls: dict[str, Callable[[], object]], count: int, batches: int = 7,
             tree: int | None = None) -> dict[str, tuple[float, float]]:
    """(CPU ms, wall ms) of one call of each, medians over batches taken in turns; CPU of tree's processes
    (default: this one and its children)."""
    def used() -> float:
        if tree is not None:
            return cpu_seconds(tree)
        # this process to the nanosecond, its query process in clock ticks (one 10 ms tick is 0.03 ms here)
        return time.process_time() + sum(cpu_seconds(child) for child in descendants(os.getpid())[1:])

    for call in calls.values():
        call()  # warm
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    wall: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(batches):
        for name, call in calls.items():
            before, started = used(), time.perf_counter()
            for _ in range(count):
                call()
            wall[name].append((time.perf_counter() - started) / count * 1000)
            cpu[name].append((used() - before) / count * 1000)
    return {name: (statistics.median(cpu[name]), statistics.median(wall[name])) for name in calls}


class _Discard:
    def send(self, kind: bytes, payload: bytes = b"") -> None:
        pass


def in_process(dist: Path, count: int) -> dict[str, tuple[float, float]]:
    import pyoxigraph as ox
    from flask import Flask, Response

    from kgbuild.queryrun.answer import Answer
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
    figures: dict[str, tuple[float, float]] = {}

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
    job = jobs[0]
    whole = spied(job, 30)
    pool.run = lambda job, timeout: Answer(whole.head, whole.body, None, whole.outcome)  # type: ignore[method-assign]
    bare = Flask("bare")  # Flask's own floor: one route answering fixed bytes, no hooks
    bare.add_url_rule("/sparql", "sparql", lambda: Response(b'{"head":{}}', content_type=ACCEPT))

    def through_bare_flask() -> None:
        body = bare.wsgi_app(dict(environ_base), lambda status, headers, exc_info=None: None)
        b"".join(body)
        getattr(body, "close", lambda: None)()

    figures.update(in_turns({"engine": engine, "worker": lambda: answer(job, tracker, _Discard()),
                             "pool": lambda: spied(job, 30), "app": through_app,
                             "flask": through_bare_flask}, count))
    table, limits = ClientTable(), ClientLimits(1000, 1e9)

    def count_client() -> None:
        table.check("127.0.0.1", limits)
        table.admit("127.0.0.1", limits).finish()

    with app.test_request_context("/sparql"):
        line = 'client=127.0.0.1 id=0123456789 "GET /sparql" status=200 ms=1.2 query=0123456789ab outcome=ok rows=1'
        figures.update(in_turns({
            "part: query text read and checked (refusals)": lambda: check_query_text(QUERY, frozenset()),
            "part: per-client limits (check, admit, finish)": count_client,
            "part: current build (dist/ symlink resolved)": tracker.current,
            "part: request log record (id)": RequestRecord,
            "part: request log line written": lambda: LOG.info("%s", line),
            "part: request line and headers measured (414, 431)": lambda: check_request_head(environ_base),
        }, count))
    return figures


def over_http(root: str, path: str) -> Callable[[], None]:
    """One request on a keep-alive connection (http.client: the lightest Python client)."""
    host, port = root.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def one() -> None:
        connection.request("GET", path, headers={"Accept": ACCEPT})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{root}{path}: {response.status}")

    return one


def main(argv: list[str] | None = None) -> int:
    from . import query_bench

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="the build (default: dist/)")
    parser.add_argument("--requests", type=int, default=300, help="calls per batch (default 300)")
    arguments = parser.parse_args(argv)
    dist, count = arguments.dist, arguments.requests
    figures = in_process(dist, count)
    servers = {name: query_bench.start_kgbuild(dist, workers=1, server=name) for name in ("gunicorn", "granian")}
    servers["oxigraph serve"] = query_bench.start_oxigraph(dist)
    time.sleep(2)
    path = f"?query={quote(QUERY)}"
    try:
        for name, server in servers.items():  # CPU of each server's tree; the client's is not counted
            endpoint = "/query" if name == "oxigraph serve" else "/sparql"
            figures.update({f"http {name}": in_turns({name: over_http(server.root, endpoint + path)}, count,
                                                     tree=server.process.pid)[name]})
    finally:
        for server in servers.values():
            server.stop()
    report(figures, count)
    return 0


def report(figures: dict[str, tuple[float, float]], count: int) -> None:
    cpu = {name: value[0] for name, value in figures.items()}
    app_alone = cpu["app"]  # with a canned answer: no hop, no query
    layers = {
        "engine (pyoxigraph query + JSON serialisation)": cpu["engine"],
        "query process's own work beyond the engine (store lookup, caps, pickle)": cpu["worker"] - cpu["engine"],
        "process hop (job and answer through the socket pair, both sides)": cpu["pool"] - cpu["worker"],
        "Flask itself (a bare app answering fixed bytes: context, routing, response)": cpu["flask"],
        "kgbuild's own work in the app (guards, negotiation, job, headers, log)": app_alone - cpu["flask"],
    }
    for name in ("gunicorn", "granian"):
        layers[f"the server under {name} (HTTP parse, WSGI, framing, socket)"] = (
            cpu[f"http {name}"] - app_alone - cpu["pool"])
    print(f"one small query ({QUERY[:48]}...), CPU ms per request (medians of 7 batches of {count}):")
    for name, value in layers.items():
        print(f"  {name:<82} {value:6.3f}")
    print("  alone:")
    for name, (used, wall) in figures.items():
        print(f"    {name:<80} {used:6.3f} CPU ms  {wall:6.3f} wall ms")
    for name in ("gunicorn", "granian"):
        over = figures[f"http {name}"]
        base = figures["http oxigraph serve"]
        print(f"  {name} / oxigraph serve: CPU {over[0] / base[0]:.2f}x, wall {over[1] / base[1]:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
