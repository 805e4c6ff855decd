"""Serve -> the app under gunicorn: gthread workers, each opening dist/'s store read-only."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from gunicorn.app.base import BaseApplication

from .. import create_app
from ..guards.requesthead import MAX_HEADER_SIZE, MAX_HEADERS, MAX_REQUEST_LINE
from .startup import GRACEFUL_SECONDS, WORKER_SILENT_SECONDS, stop_query_processes, warm_worker


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
    warm_worker(worker.wsgi, worker.log)


def _stop_in_worker(server, worker) -> None:
    stop_query_processes(worker.wsgi)


def run(dist: Path, bind: str, workers: int, threads: int, overrides: Mapping[str, object] | None = None,
        on_exit: Callable[[], None] | None = None) -> None:
    """Serve dist/ on bind (HOST:PORT, or unix:PATH) with gunicorn until stopped (SIGTERM, Ctrl-C).

    overrides go to create_app; on_exit runs as the server stops (watch mode: the watcher stops too).
    """
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": WORKER_SILENT_SECONDS,
        "graceful_timeout": GRACEFUL_SECONDS,
        "accesslog": None,  # web/guards/requestlog.py writes one richer line per request instead
        "errorlog": "-",
        "loglevel": "info",
        # gunicorn answers 414 / 431 past these, before the app sees the request
        "limit_request_line": MAX_REQUEST_LINE,
        "limit_request_field_size": MAX_HEADER_SIZE,
        "limit_request_fields": MAX_HEADERS,
        "post_worker_init": _open_in_worker,
        "worker_exit": _stop_in_worker,
        "proc_name": "kgbuild-serve",
    }
    if on_exit is not None:
        options["on_exit"] = lambda server: on_exit()
    KgbuildServer(dist, options, overrides).run()
