"""Serve -> the production HTTP server (gunicorn or granian: web/servers/), each worker opening dist/'s store
read-only."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..config import SERVERS, settings
from .guards import limits
from .servers.startup import check_build, log_requests


def serve(dist: Path, bind: str = "127.0.0.1:8000", workers: int = 2, threads: int | None = None,
          server: str | None = None, overrides: Mapping[str, object] | None = None,
          on_exit: Callable[[], None] | None = None) -> None:
    """Serve dist/ on bind (HOST:PORT) until stopped, under server (default: the `server` setting).

    Each worker has `threads` threads (default: two per query process, query_processes: one for the
    process, one for the spare that starts beside a demoted long query, queryrun/pool.py), so a request
    never waits for a query process another thread of its worker does not hold, and long queries never
    hold every thread while short ones wait. overrides
    go to create_app (watch mode sets livereload's); on_exit runs as the server stops. Watch mode
    (overrides or on_exit) runs under gunicorn, whose on_exit hook stops the watcher with the server.

    :raises StoreError: dist/ holds no readable build (the message says to run `kgbuild build`).
    :raises ValueError: server names no server this package runs.
    """
    config = settings()
    server = server or config.server
    if server not in SERVERS:
        raise ValueError(f"unknown server {server!r}; use one of {', '.join(SERVERS)}")
    dist = Path(dist)
    check_build(dist)  # fail now, with the fix in the message, rather than on every request
    limits.share_before_fork()  # per-client limits hold across workers
    log_requests()
    threads = threads or 2 * max(config.query_processes, 1)
    if server == "granian" and overrides is None and on_exit is None:
        from .servers import granian_server  # only the chosen server is imported

        granian_server.run(dist, bind, workers, threads)
    else:
        from .servers import gunicorn_server

        gunicorn_server.run(dist, bind, workers, threads, overrides=overrides, on_exit=on_exit)
