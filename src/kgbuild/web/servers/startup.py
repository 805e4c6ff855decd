"""Serve -> what every server does before and as its workers start: check the build, log, warm each worker."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from flask import Flask

from ...queryrun.pool import pool_for
from ...store import StoreError, open_store
from ..dataset import EXTENSION_KEY

GRACEFUL_SECONDS = 5  # a stopping worker finishes its requests for this long, then is killed
WORKER_SILENT_SECONDS = 60  # gunicorn replaces a worker silent this long (queries have their own limit)


def warm_worker(app: Flask, log: logging.Logger) -> None:
    """Open the store and start the query processes as a worker starts, so no request pays for them."""
    tracker = app.extensions[EXTENSION_KEY]
    try:
        tracker.current()
    except StoreError as error:  # a build vanished between start-up and fork: answer 503s, say why
        log.error("%s", error)
    if app.config["KGBUILD_QUERY_PROCESSES"]:
        pool_for(app.config["KGBUILD_DIST"], app.config["KGBUILD_QUERY_PROCESSES"])


def stop_query_processes(app: Flask) -> None:
    if app.config["KGBUILD_QUERY_PROCESSES"]:
        pool_for(app.config["KGBUILD_DIST"], app.config["KGBUILD_QUERY_PROCESSES"]).close()


def log_requests() -> None:
    """One line per request on stdout (web/guards/requestlog.py), where a server's access log would go."""
    logger = logging.getLogger("kgbuild")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def check_build(dist: Path) -> None:
    """Open dist/'s store once, in a forked child, and raise its StoreError here.

    Not in this process: both servers fork their workers from it, and a process forked after RocksDB
    has been opened (even once closed) crashes with SIGSEGV when it exits, in RocksDB's own clean-up.
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


def split_bind(bind: str) -> tuple[str, int | None, Path | None]:
    """HOST:PORT ([::1]:8000 for IPv6) as (host, port, None), or unix:PATH as ("", None, path).

    :raises ValueError: the port is missing or not a number (the message says what to write).
    """
    if bind.startswith("unix:"):
        return "", None, Path(bind[len("unix:"):])
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"--bind {bind!r}: write HOST:PORT, e.g. 127.0.0.1:8000 (or unix:PATH)")
    return host.strip("[]"), int(port), None
