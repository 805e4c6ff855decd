"""Serve -> the production WSGI server: gunicorn, each worker opening dist/'s store read-only."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from gunicorn.app.base import BaseApplication

from ..config import settings
from ..queryrun.pool import pool_for
from ..store import StoreError, open_store
from . import create_app
from .dataset import EXTENSION_KEY
from .guards import limits

# what a request may be before the app sees it: gunicorn answers 414 / 431 past these
MAX_REQUEST_LINE = 8190  # gunicorn's ceiling; a longer query goes in a POST body (1 MiB, max_query_bytes)
MAX_HEADER_SIZE = 8190
MAX_HEADERS = 100


class KgbuildServer(BaseApplication):
    """gunicorn run from Python: our settings, our app, no command line of its own."""

    def __init__(self, dist: Path, options: dict[str, object], overrides: Mapping[str, object] | None = None) -> None:
        self.dist = dist
        self.options = options
        self.overrides = overrides
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return create_app(dist=self.dist, overrides=self.overrides)


def _open_in_worker(worker) -> None:
    """Open the store and start the query processes as the worker starts, so no request pays for them."""
    app = worker.wsgi
    tracker = app.extensions[EXTENSION_KEY]
    try:
        tracker.current()
    except StoreError as error:  # a build vanished between start-up and fork: answer 503s, say why
        worker.log.error("%s", error)
    if app.config["KGBUILD_QUERY_PROCESSES"]:
        pool_for(app.config["KGBUILD_DIST"], app.config["KGBUILD_QUERY_PROCESSES"])


def _stop_query_processes(server, worker) -> None:
    app = worker.wsgi
    if app.config["KGBUILD_QUERY_PROCESSES"]:
        pool_for(app.config["KGBUILD_DIST"], app.config["KGBUILD_QUERY_PROCESSES"]).close()


def _log_requests() -> None:
    """One line per request on stdout (web/guards/requestlog.py), where gunicorn's access log went."""
    logger = logging.getLogger("kgbuild")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _check_build(dist: Path) -> None:
    """Open dist/'s store once, in a forked child, and raise its StoreError here.

    Not in this process: gunicorn forks its workers from it, and a process forked after RocksDB has
    been opened (even once closed) crashes with SIGSEGV when it exits, in RocksDB's own clean-up.
    The child leaves by os._exit, so that clean-up never runs there either.

    :raises StoreError: dist/ holds no readable build.
    """
    if not hasattr(os, "fork"):  # not POSIX: no fork, and no gunicorn either
        open_store(dist)
        return
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - measured by the parent's outcome
        os.close(read_end)
        try:
            open_store(dist)
            message = b""
        except StoreError as error:
            message = str(error).encode("utf-8", "replace")
        except BaseException as error:  # whatever it is, the parent reports it
            message = f"{dist}/ cannot be opened ({error}); rebuild it with `kgbuild build --out {dist}`".encode()
        os.write(write_end, message or b"-")
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        message = answer.read()
    os.waitpid(child, 0)
    if message != b"-":
        raise StoreError(message.decode("utf-8", "replace") or f"{dist}/ could not be checked (the check died); "
                         f"rebuild it with `kgbuild build --out {dist}`")


def serve(
    dist: Path,
    bind: str = "127.0.0.1:8000",
    workers: int = 2,
    threads: int | None = None,
    overrides: Mapping[str, object] | None = None,
    on_exit: Callable[[], None] | None = None,
) -> None:
    """Serve dist/ on bind (HOST:PORT) with gunicorn until stopped.

    Each worker has `threads` threads (default: one per query process, query_processes), so a
    request never waits for a query process another thread of its worker does not hold. overrides
    go to create_app (watch mode sets livereload's); on_exit runs as the server stops.

    :raises StoreError: dist/ holds no readable build (the message says to run `kgbuild build`).
    """
    dist = Path(dist)
    _check_build(dist)  # fail now, with the fix in the message, rather than on every request
    limits.share_before_fork()  # per-client limits hold across workers
    _log_requests()
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads or max(settings().query_processes, 1),
        "timeout": 60,
        "graceful_timeout": 5,
        "accesslog": None,  # web/guards/requestlog.py writes one richer line per request instead
        "errorlog": "-",
        "loglevel": "info",
        "limit_request_line": MAX_REQUEST_LINE,
        "limit_request_field_size": MAX_HEADER_SIZE,
        "limit_request_fields": MAX_HEADERS,
        "post_worker_init": _open_in_worker,
        "worker_exit": _stop_query_processes,
        "proc_name": "kgbuild-serve",
    }
    if on_exit is not None:
        options["on_exit"] = lambda server: on_exit()
    KgbuildServer(dist, options, overrides).run()
