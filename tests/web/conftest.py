"""Fixtures for the web tests: a built dist/, the real server (gunicorn via serve()) on loopback."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from kgbuild.web import create_app

from .fixture_dist import write_dist

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
START_DEADLINE = 20.0  # seconds for the server to answer its first request


def real_builder_available() -> bool:
    """True once the builder has landed (graph/build.py) and facts/ holds the curated YAML."""
    return (importlib.util.find_spec("kgbuild.graph.build") is not None
            and any((REPO / "facts").glob("*.yaml")))


@dataclass
class Server:
    """A running server: its root URL and the dist/ it serves."""

    root: str
    dist: Path

    def url(self, path: str) -> str:
        return self.root + path

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url(path), timeout=30, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url(path), timeout=30, **kwargs)

    @property
    def sparql(self) -> str:
        return self.url("/sparql")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(root: str, process: subprocess.Popen | None = None) -> float:
    """Poll the server until it answers; return how long that took. Fails after START_DEADLINE."""
    started = time.monotonic()
    while time.monotonic() - started < START_DEADLINE:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stderr.read().decode()}")
        try:
            if requests.get(root + "/sparql?query=ASK%7B%7D", timeout=1).status_code == 200:
                return time.monotonic() - started
        except (requests.ConnectionError, requests.Timeout):  # a loaded machine may be slow to first answer
            time.sleep(0.05)
    raise RuntimeError(f"server at {root} did not answer within {START_DEADLINE} s")


@pytest.fixture(scope="session")
def sample_dist(tmp_path_factory) -> Path:
    """dist/ of the curated facts (the real build once it exists; else the hand-written sample)."""
    out = tmp_path_factory.mktemp("sample") / "dist"
    if real_builder_available():
        from kgbuild.graph.build import build  # only once the builder exists

        build(REPO / "facts", out)
        return out
    return write_dist(out, DATA / "sample.trig", DATA / "ontology.ttl", DATA / "queries")  # until it lands


@pytest.fixture(scope="session")
def hostile_dist(tmp_path_factory) -> Path:
    """dist/ whose labels and titles carry markup, for the escaping tests."""
    out = tmp_path_factory.mktemp("hostile") / "dist"
    return write_dist(out, DATA / "hostile.trig", DATA / "ontology.ttl", None)


def start_gunicorn(dist: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = ("import sys; from pathlib import Path; from kgbuild.web.server import serve; "
            "serve(Path(sys.argv[1]), sys.argv[2], workers=int(sys.argv[3]), server='gunicorn')")
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(dist), f"127.0.0.1:{port}", str(workers)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server(sample_dist) -> Server:
    """The production server, serve() under gunicorn, on a free loopback port."""
    process, root = start_gunicorn(sample_dist)
    try:
        wait_until_ready(root, process)
        yield Server(root, sample_dist)
    finally:
        stop(process)


def serve_in_thread(dist: Path):
    """The app under werkzeug in a thread on a free port; yields its Server, then stops it."""
    port = free_port()
    http = make_server("127.0.0.1", port, create_app(dist), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(root)
        yield Server(root, dist)
    finally:
        http.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def hostile_server(hostile_dist) -> Server:
    """The app serving the build with markup in its labels."""
    yield from serve_in_thread(hostile_dist)


@pytest.fixture(scope="session")
def handmade_dist(tmp_path_factory) -> Path:
    """dist/ of the hand-written sample facts and queries (parameters projected, as Oxigraph needs)."""
    out = tmp_path_factory.mktemp("handmade") / "dist"
    return write_dist(out, DATA / "sample.trig", DATA / "ontology.ttl", DATA / "queries")


@pytest.fixture(scope="session")
def handmade_server(handmade_dist) -> Server:
    """The app serving the hand-written sample build."""
    yield from serve_in_thread(handmade_dist)
