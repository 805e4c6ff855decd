"""Serve -> the app under granian (a Rust HTTP server) in WSGI mode, each worker opening dist/'s store read-only.

The same app and the same limits as under gunicorn: granian forks its workers from this process
(so the per-client table made before the fork is shared), each worker builds the app and warms
its store and query processes before it takes a request. granian has no limits on the request
head of its own beyond a total size, so the app checks them (guards/requesthead.py); bodies are
Flask's (MAX_CONTENT_LENGTH, and the chunked-body check in guards/safety.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.server import Server

from .. import create_app
from .startup import GRACEFUL_SECONDS, split_bind, warm_worker

LOG = logging.getLogger("kgbuild.server")
HEADER_READ_MS = 30_000  # a client that has not sent its whole head by then is dropped (slow-loris)


def _worker_app(dist: Path) -> Flask:
    app = create_app(dist=dist)
    warm_worker(app, LOG)
    return app


def run(dist: Path, bind: str, workers: int, threads: int) -> None:
    """Serve dist/ on bind (HOST:PORT, or unix:PATH) with granian until stopped (SIGTERM, Ctrl-C).

    threads: the WSGI threads of each worker (granian's blocking threads), as gunicorn's gthread threads.
    """
    host, port, socket_path = split_bind(bind)
    server = Server(
        "kgbuild.web:create_app",  # a label for granian's log: the app is made by _worker_app below
        address=host or "127.0.0.1",
        port=port or 8000,
        uds=socket_path,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,  # as gunicorn: HTTP/1.1 only
        workers=workers,
        blocking_threads=threads,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_MS),
        log_access=False,  # web/guards/requestlog.py writes one richer line per request instead
        respawn_failed_workers=True,  # as gunicorn's arbiter: a worker that dies is replaced
        workers_kill_timeout=GRACEFUL_SECONDS,
    )
    # called in each forked worker: the store must be opened after the fork, never in this process
    server.serve(target_loader=lambda: _worker_app(dist), wrap_loader=False)
