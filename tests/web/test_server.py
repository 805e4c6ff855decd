"""serve(): gunicorn over dist/, quick to start, and a clear error naming the fix when dist/ is not built."""

from __future__ import annotations

import time

import pytest
import requests

from kgbuild.store import StoreError
from kgbuild.web.server import serve

from .conftest import start_gunicorn, stop, wait_until_ready


def test_missing_dist_is_a_start_up_error_naming_the_fix(tmp_path):
    with pytest.raises(StoreError, match="kgbuild build"):
        serve(tmp_path / "dist", "127.0.0.1:0", workers=1)


def test_corrupt_dist_is_a_start_up_error_naming_the_fix(tmp_path):
    dist = tmp_path / "dist"
    (dist / "store").mkdir(parents=True)
    (dist / "store" / "CURRENT").write_text("garbage")
    (dist / "report.json").write_text('{"build_id": "0123456789abcdef"}')
    with pytest.raises(StoreError, match="kgbuild build"):
        serve(dist, "127.0.0.1:0", workers=1)


@pytest.mark.slow
def test_server_answers_within_seconds_of_start(sample_dist):
    started = time.monotonic()
    process, root = start_gunicorn(sample_dist, workers=1)
    try:
        wait_until_ready(root, process)
        # the store opens in milliseconds (DESIGN.md §6); the rest is Python importing Flask and gunicorn
        assert time.monotonic() - started < 5.0
    finally:
        stop(process)


def test_a_new_build_behind_the_symlink_is_served_without_restart(tmp_path):
    from .conftest import DATA, serve_in_thread
    from .fixture_dist import write_dist

    dist = write_dist(tmp_path / "dist", DATA / "sample.trig", DATA / "ontology.ttl", None)
    server = serve_in_thread(dist)
    running = next(server)
    try:
        first = requests.get(running.url("/sparql?query=ASK%7B%7D"), timeout=10).headers["ETag"]
        write_dist(tmp_path / "dist", DATA / "hostile.trig", DATA / "ontology.ttl", None)
        second = requests.get(running.url("/sparql?query=ASK%7B%7D"), timeout=10).headers["ETag"]
        assert first != second
        assert requests.get(running.url("/id/organisation/evil.ttl"), timeout=10).status_code == 200
    finally:
        server.close()


def test_workers_end_cleanly_when_the_server_is_stopped(sample_dist):
    """SIGTERM ends every worker with status 0: none crashes on the way out (RocksDB opened in the
    master before the fork once made every worker die of SIGSEGV as it exited)."""
    process, root = start_gunicorn(sample_dist, workers=2)
    try:
        wait_until_ready(root, process)
        assert requests.get(root + "/id/organisation/cica.ttl", timeout=10).status_code == 200
    finally:
        stop(process)
    log = process.stderr.read().decode()
    assert process.returncode == 0, log
    assert log.count("Worker exiting") == 2, log
    assert "was sent" not in log and "SIGSEGV" not in log, log
