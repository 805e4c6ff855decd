"""The query runtime is a package of its own: its processes start without Flask or any HTTP library."""

from __future__ import annotations

import subprocess
import sys

from kgbuild.queryrun.pool import QueryPool

IMPORT_EVERY_MODULE = """
import pkgutil, sys
import kgbuild.queryrun as runtime
for module in pkgutil.iter_modules(runtime.__path__, runtime.__name__ + "."):
    __import__(module.name)
print(" ".join(sorted(name for name in ("flask", "werkzeug", "rdflib", "yaml") if name in sys.modules)))
"""


def test_the_query_runtime_imports_no_flask_werkzeug_rdflib_or_yaml():
    loaded = subprocess.run([sys.executable, "-c", IMPORT_EVERY_MODULE], capture_output=True, text=True,
                            check=True, timeout=60).stdout.split()
    assert loaded == []


def test_a_query_process_answers_through_the_pool(sample_dist):
    pool = QueryPool(sample_dist, 1)
    try:
        answer = pool.run({"text": "ASK {}", "formats": {"solutions": "csv", "triples": "turtle"}}, timeout=30)
    finally:
        pool.close()
    assert answer.head["content_type"].startswith("text/csv")
    assert answer.body == b"true"
