"""Fixtures for scale-out: real stores on loopback (Oxigraph always, Virtuoso when installed), replicas.

A store that cannot be found fails the test when CI is set, and skips it (saying why) otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..web.conftest import REPO, Server, free_port, stop, wait_until_ready
from .stores import (
    RunningStore,
    oxigraph_binary,
    start_oxigraph,
    start_virtuoso,
    stop as stop_store,
    virtuoso_available,
)


def missing(reason: str) -> None:
    """Fail under CI (the store is part of the contract there), skip with the reason elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory) -> RunningStore:
    """`oxigraph serve` (PyPI package oxigraph) on a free loopback port, for the whole session."""
    if oxigraph_binary() is None:
        missing("no `oxigraph` command: pip install -e '.[test]' installs it")
    process, running = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield running
    stop_store(process)


@pytest.fixture
def fresh_oxigraph(tmp_path) -> RunningStore:
    """An empty Oxigraph server of its own, for tests that change what the store holds."""
    if oxigraph_binary() is None:
        missing("no `oxigraph` command: pip install -e '.[test]' installs it")
    process, running = start_oxigraph(tmp_path / "oxigraph")
    yield running
    stop_store(process)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> RunningStore:
    """The Virtuoso .ci/run started (KGBUILD_TEST_VIRTUOSO_*), or one of our own when it is installed."""
    if os.environ.get("KGBUILD_TEST_VIRTUOSO_GSP"):
        yield RunningStore("virtuoso", os.environ["KGBUILD_TEST_VIRTUOSO_GSP"],
                           os.environ["KGBUILD_TEST_VIRTUOSO_SPARQL"], os.environ.get("KGBUILD_TEST_VIRTUOSO_USER"),
                           os.environ.get("KGBUILD_TEST_VIRTUOSO_PASSWORD"))
        return
    if not virtuoso_available():
        missing("Virtuoso is not installed (apt-get install virtuoso-opensource; .ci/run does it)")
    process, running = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield running
    stop_store(process)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def any_store(request) -> RunningStore:
    return request.getfixturevalue(request.param)


def publish_args(running: RunningStore, dist: Path, *extra: str) -> list[str]:
    args = ["publish", "--endpoint", running.gsp, "--sparql", running.sparql, "--dist", str(dist), *extra]
    if running.user:
        args += ["--user", running.user, "--password", running.password or ""]
    return args


def start_replica(sparql: str, dist: Path | None = None, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """`kgbuild serve --backend URL` (gunicorn) on a free loopback port."""
    port = free_port()
    code = "import sys; from kgbuild.cli import cli; sys.argv[0] = 'kgbuild'; cli()"
    command = [sys.executable, "-c", code, "serve", "--backend", sparql, "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers)]
    if dist is not None:
        command += ["--dist", str(dist)]
    # no dist/ the replica could fall back on: every answer must come from the store
    environment = {**os.environ, "KGBUILD_DIST": str(REPO / "no-such-dist")}
    process = subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return process, f"http://127.0.0.1:{port}"


def replica(sparql: str, dist: Path | None = None):
    """Yield a Server for a replica over sparql, then stop it."""
    process, root = start_replica(sparql, dist)
    try:
        wait_until_ready(root, process)
        yield Server(root, dist or Path("."))
    finally:
        stop(process)
