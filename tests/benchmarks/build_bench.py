"""Benchmarks: `kgbuild build` per stage against its floor (libyaml + pyoxigraph bulk load), each in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("load", "validate", "map", "reason", "shacl", "write")

# CPU seconds of the process and of its finished children (HermiT's Java, the dumps, the release notes):
# on a machine shared with other work, wall time says how busy the machine was, CPU time what the build did.
CPU = """
def cpu():
    import resource
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
"""

# Run in a child process so each measurement starts cold and reports its own peak memory; HermiT reasons in
# every run (no cache of its answer), as in a first build of these facts.
BUILD_SCRIPT = CPU + """
import json, resource, sys, time
from pathlib import Path
from kgbuild.graph.build import build
clock = time.perf_counter()
result = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), cache=False)
total = time.perf_counter() - clock
print(json.dumps({"timings": result.timings, "total": total, "triples": result.report["triples"]["total"],
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "cpu": cpu()}))
"""

# The floor: parse the same YAML with libyaml (the C loader, GC paused as the build does) and bulk-load
# the same triples, as N-Triples, into a fresh on-disk Oxigraph store.
BASELINE_SCRIPT = CPU + """
import gc, json, resource, shutil, sys, tempfile, time
from pathlib import Path
import yaml, pyoxigraph as ox
facts, ntriples = Path(sys.argv[1]), Path(sys.argv[2])
clock = time.perf_counter()
gc.disable()
for path in sorted(facts.glob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
gc.enable()
parsed = time.perf_counter() - clock
folder = tempfile.mkdtemp(prefix="kgbuild-bench-store-")
clock = time.perf_counter()
store = ox.Store(folder)
store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
store.flush()
del store
loaded = time.perf_counter() - clock
shutil.rmtree(folder)
print(json.dumps({"yaml": parsed, "bulk_load": loaded, "total": parsed + loaded,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "cpu": cpu()}))
"""


def _run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_build(facts: Path, out: Path) -> dict:
    return _run(BUILD_SCRIPT, str(facts), str(out), str(ROOT / "ontology"), str(ROOT / "queries"))


def run_baseline(facts: Path, ntriples: Path) -> dict:
    return _run(BASELINE_SCRIPT, str(facts), str(ntriples))
