"""Benchmarks: the label search (search.sqlite) against what one would do without it on the same build.

- writing the index against loading the same N-Quads into an in-memory Oxigraph store (the build's
  statistics store): what the index adds to a build, as a ratio of a step every build takes;
- a search against the SPARQL scan an analyst writes without it (every label and altLabel, lower-cased,
  FILTER CONTAINS), on the same built store, in the same process, in turns.

Run alone on a built dist/: `python -m tests.benchmarks.search_bench DIST`; `make bench` runs it on the
query benchmark's build (BENCH_SEARCH=0 skips it).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from .report import Row

ROOT = Path(__file__).resolve().parents[2]
# names the generated facts hold (countries from ISO 3166, organisations "Organisation N for <word>")
WORKLOAD = {"exact": "Kazakhstan", "prefix": "Kaz", "typo": "Kazakstan", "word": "security",
            "typo in a word": "securty"}
REPEATS = 11

SCRIPT = """
import json, statistics, sys, tempfile, time
from pathlib import Path
import pyoxigraph as ox
from kgbuild.graph.searchnames import write_search_index
from kgbuild.search import INDEX_FILE, LabelIndex

dist, workload, repeats = Path(sys.argv[1]).resolve(), json.loads(sys.argv[2]), int(sys.argv[3])
base = json.loads((dist / "report.json").read_text("utf-8"))["base_iri"]
loads, writes = [], []
for _ in range(3):
    clock = time.perf_counter()
    memory = ox.Store()
    memory.bulk_load(path=str(dist / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    loads.append(time.perf_counter() - clock)
    folder = Path(tempfile.mkdtemp(prefix="kgbuild-bench-search-"))
    clock = time.perf_counter()
    write_search_index(memory, folder, base)
    writes.append(time.perf_counter() - clock)
index, store = LabelIndex(dist / INDEX_FILE), ox.Store.read_only(str(dist / "store"))
scan = ('SELECT DISTINCT ?s WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label>'
        '|<http://www.w3.org/2004/02/skos/core#altLabel> ?l FILTER(CONTAINS(LCASE(STR(?l)), "{}")) }}')
latency = {}
for name, text in workload.items():
    ours, theirs = [], []
    for _ in range(repeats):  # in turns, so a slow moment of the machine falls on both
        clock = time.perf_counter(); index.search(text, limit=20); ours.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        list(store.query(scan.format(text.lower()), use_default_graph_as_union=True))
        theirs.append(time.perf_counter() - clock)
    latency[name] = {"search": ours, "scan": theirs, "first": [hit.label for hit in index.search(text, limit=3)]}
print(json.dumps({"load": loads, "write": writes, "latency": latency, "bytes": (dist / INDEX_FILE).stat().st_size}))
"""


def measure(dist: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(dist), json.dumps(WORKLOAD), str(REPEATS)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"search benchmark failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(dist: Path, size: str) -> tuple[list[Row], dict]:
    raw = measure(dist)
    write, load = statistics.median(raw["write"]), statistics.median(raw["load"])
    rows = [Row(f"search index write ({size}, {raw['bytes'] / 1e6:.1f} MB), s", write, load, write / load,
                "(info; baseline: N-Quads into an in-memory store)", None)]
    for name, runs in raw["latency"].items():
        ours, theirs = statistics.median(runs["search"]), statistics.median(runs["scan"])
        rows.append(Row(f"search {name} ({WORKLOAD[name]!r}, {size}), ms", ours * 1000, theirs * 1000, ours / theirs,
                        "<= 1x a SPARQL label scan", ours <= theirs))
    return rows, raw


if __name__ == "__main__":
    rows, raw = bench(Path(sys.argv[1]), Path(sys.argv[1]).name)
    for row in rows:
        print(f"{row.figure}: {row.kgbuild:.2f} vs {row.baseline:.2f}, ratio {row.ratio:.3f}")
    print({name: runs["first"] for name, runs in raw["latency"].items()})
