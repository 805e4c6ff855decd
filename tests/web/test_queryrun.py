"""The query runtime on its own: a warm query process answers a job through the pool."""

from __future__ import annotations

from kgbuild.queryrun.pool import QueryPool


def test_a_query_process_answers_through_the_pool(sample_dist):
    pool = QueryPool(sample_dist, 1)
    try:
        answer = pool.run({"text": "ASK {}", "formats": {"solutions": "csv", "triples": "turtle"}}, timeout=30)
    finally:
        pool.close()
    assert answer.head["content_type"].startswith("text/csv")
    assert answer.body == b"true"
