"""The query runtime on its own: a warm query process answers a job through the pool."""

from __future__ import annotations

import os
import signal
import threading
import time

from kgbuild.queryrun import pool as pool_module
from kgbuild.queryrun.pool import QueryPool
from tests.hardening.serving import descendants


def test_a_query_process_answers_through_the_pool(sample_dist):
    pool = QueryPool(sample_dist, 1)
    try:
        answer = pool.run({"text": "ASK {}", "formats": {"solutions": "csv", "triples": "turtle"}}, timeout=30)
    finally:
        pool.close()
    assert answer.head["content_type"].startswith("text/csv")
    assert answer.body == b"true"


RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # hours on any build
FORMATS = {"solutions": "csv", "triples": "turtle"}


def test_a_long_query_leaves_a_process_for_short_ones(sample_dist, monkeypatch):
    """A query past LONG_QUERY drops to the lowest priority and a spare starts: a pool of one still answers."""
    monkeypatch.setattr(pool_module, "LONG_QUERY", 0.05)
    pool = QueryPool(sample_dist, 1)
    failures: list[BaseException] = []

    def long_query() -> None:
        try:
            pool.run({"text": RUNAWAY, "formats": FORMATS}, timeout=60)
        except BaseException as failure:  # the pool closes under it at the end of the test
            failures.append(failure)

    runner = threading.Thread(target=long_query, daemon=True)
    demoted: list[int] = []
    try:
        pool.run({"text": "ASK {}", "formats": FORMATS}, timeout=30)  # the one process is up
        runner.start()
        while not demoted:
            assert runner.is_alive(), failures
            time.sleep(0.05)
            demoted = [pid for pid in descendants(os.getpid())[1:] if _niceness(pid) == pool_module.LONG_QUERY_NICENESS]
        answer = pool.run({"text": "ASK { ?s ?p ?o }", "formats": FORMATS}, timeout=20)
        assert runner.is_alive()  # the long query still holds its process
    finally:
        pool.close()  # stops the idle processes; the long query's is stopped here
        for pid in demoted:
            os.kill(pid, signal.SIGKILL)
        runner.join(timeout=30)
    assert answer.body == b"true"


def _niceness(pid: int) -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, pid)
    except OSError:
        return None
