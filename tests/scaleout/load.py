"""A small bounded load: N clients for S seconds run the queries/ examples, round-robin over servers.

    .venv/bin/python -m tests.scaleout.load --clients 8 --seconds 20 http://127.0.0.1:8001 http://127.0.0.1:8002

Each client is a thread with its own kept-alive connection per server; client i starts on server
i mod n and moves to the next server on every request (the tiny round-robin a load balancer does).
Prints one JSON line: requests/s, latency percentiles (ms), errors. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import threading
import time
from pathlib import Path

import requests

QUERIES = Path(__file__).resolve().parents[2] / "queries"


def run_client(index: int, servers: list[str], paths: list[str], until: float,
               latencies: list[float], errors: list[str]) -> None:
    sessions = [requests.Session() for _ in servers]
    turn = itertools.count(index)
    for path in itertools.islice(itertools.cycle(paths), index, None):
        if time.monotonic() >= until:
            return
        which = next(turn) % len(servers)
        started = time.monotonic()
        try:
            answer = sessions[which].get(servers[which] + path, headers={"Accept": "application/sparql-results+json"},
                                         timeout=30)
            answer.content  # noqa: B018 - read the whole body, as a client would
            if answer.status_code != 200:
                errors.append(f"{answer.status_code} {path}")
                continue
        except requests.RequestException as error:
            errors.append(f"{type(error).__name__} {path}")
            continue
        latencies.append(time.monotonic() - started)


def measure(servers: list[str], clients: int, seconds: float) -> dict:
    paths = [f"/queries/{path.stem}" for path in sorted(QUERIES.glob("*.rq"))]
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=run_client, args=(i, servers, paths, until, latencies, errors))
               for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]
    return {
        "servers": len(servers), "clients": clients, "seconds": round(elapsed, 1),
        "requests": len(latencies), "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "errors": len(errors), "first_errors": errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("servers", nargs="+", help="root URLs of the servers, e.g. http://127.0.0.1:8001")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    arguments = parser.parse_args()
    print(json.dumps(measure([s.rstrip("/") for s in arguments.servers], arguments.clients, arguments.seconds)))


if __name__ == "__main__":
    main()
