"""Serve -> the production WSGI server: gunicorn, each worker opening dist/'s store read-only."""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication

from ..store import StoreError, open_store
from . import create_app
from .dataset import EXTENSION_KEY


class KgbuildServer(BaseApplication):
    """gunicorn run from Python: our settings, our app, no command line of its own."""

    def __init__(self, dist: Path, options: dict[str, object]) -> None:
        self.dist = dist
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        return create_app(dist=self.dist)


def _open_in_worker(worker) -> None:
    """Open the store as the worker starts, so the first request does not pay for it."""
    tracker = worker.wsgi.extensions[EXTENSION_KEY]
    try:
        tracker.current()
    except StoreError as error:  # a build vanished between start-up and fork: answer 503s, say why
        worker.log.error("%s", error)


def serve(dist: Path, bind: str = "127.0.0.1:8000", workers: int = 2, threads: int = 4) -> None:
    """Serve dist/ on bind (HOST:PORT) with gunicorn until stopped.

    :raises StoreError: dist/ holds no readable build (the message says to run `kgbuild build`).
    """
    dist = Path(dist)
    open_store(dist)  # fail now, with the fix in the message, rather than on every request
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "post_worker_init": _open_in_worker,
        "proc_name": "kgbuild-serve",
    }
    KgbuildServer(dist, options).run()
