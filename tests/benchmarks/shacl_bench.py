"""Benchmarks: SHACL engines on the build's graph (generated facts, mapped, plus the inferred triples).

Each engine validates the same N-Triples (the facts and inferences of one generated data set, as the
build checks them) against ontology/shapes.ttl, in a fresh child process per run: the data is loaded
first (not timed), then validation is timed. Engines:

- translation: the shapes' SPARQL translation (kgbuild.graph.shapes) on an in-memory Oxigraph store,
  the build's path; the baseline of every ratio;
- pyshacl: pySHACL over an rdflib graph (the reference the tests hold the translation to);
- pyshacl-oxigraph: pySHACL over a pyoxigraph Store (pySHACL 0.40 validates one directly);
- turbo-oxigraph / turbo-rdflib: pyshacl-turbo (a Rust engine with pySHACL's API) over a pyoxigraph
  Store and over an rdflib graph, when it is installed (the bench extra installs it).

A run longer than BENCH_SHACL_CAP seconds (default 300) is stopped and shown as a timeout, and that
engine is not run at the larger sizes (shown as a timeout there too: it only grows); each child also
reports how many violations its engine found, so a fast engine that finds less is visible.
Settings: BENCH_SHACL_REPEATS (runs per engine and size, default 3; 1 at 1m), BENCH_SHACL_ENGINES
(comma-separated subset), BENCH_SHACL_SKIP (e.g. "pyshacl@1m,pyshacl-oxigraph@1m": known to pass the cap).
"""

from __future__ import annotations

import json
import os
import selectors
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINES = ("translation", "pyshacl", "pyshacl-oxigraph", "turbo-oxigraph", "turbo-rdflib")

# The graph the build checks: facts mapped, HermiT's inferences materialised, both as N-Triples.
PREPARE_SCRIPT = """
import sys, time
from pathlib import Path
from kgbuild.facts import load_facts
from kgbuild.graph.build import load_ontology, reason
from kgbuild.graph.mapping import map_records
facts, ontology_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
ontology, _ = load_ontology(ontology_dir)
mapped = map_records(load_facts(facts))
inferred = reason(ontology, mapped, {})
with open(out, "w", encoding="utf-8") as text:
    for s, p, o in [*mapped.triples, *inferred]:
        text.write(f"{s} {p} {o} .\\n")
"""

ENGINE_SCRIPT = """
import json, sys, time
from pathlib import Path
engine, data, shapes_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
from rdflib import Graph
shapes = Graph().parse(shapes_path, format="turtle")
if engine in ("translation", "pyshacl-oxigraph", "turbo-oxigraph"):
    import pyoxigraph as ox
    loaded = ox.Store()
    loaded.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
else:
    loaded = Graph()
    loaded.parse(data, format="nt")
if engine.startswith("turbo"):
    import pyshacl_turbo as engine_module
    version = engine_module.__version__ if hasattr(engine_module, "__version__") else ""
elif engine.startswith("pyshacl"):
    import pyshacl as engine_module
    version = engine_module.__version__
else:
    from kgbuild.graph import shapes as engine_module
    version = ""
print("loaded", flush=True)
clock = time.perf_counter()
if engine == "translation":
    class NoOrigins:
        def origin_of(self, *term):
            return None
    translated = engine_module.translate_shapes(shapes)
    if isinstance(translated, list):  # the translation before it knew severities and fallbacks
        translated = engine_module.ShapeCheck([], translated)
    found = engine_module.check_shapes_on_store(translated, loaded.query, NoOrigins())
    violations = sum(1 for item in found if getattr(item, "severity", "Violation") == "Violation")
else:
    conforms, report, _ = engine_module.validate(loaded, shacl_graph=shapes, inference="none", advanced=True,
                                                 allow_warnings=True, meta_shacl=False)
    from rdflib.namespace import SH
    violations = sum(1 for result in report.subjects(SH.resultSeverity, SH.Violation))
seconds = time.perf_counter() - clock
print(json.dumps({"seconds": seconds, "violations": violations, "version": version}), flush=True)
"""


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def prepare(facts: Path, out: Path) -> Path:
    """The build's graph of facts as N-Triples (made once per data set, kept in the work folder)."""
    if not out.exists():
        partial = out.with_suffix(".partial")
        done = subprocess.run(
            [sys.executable, "-c", PREPARE_SCRIPT, str(facts), str(ROOT / "ontology"), str(partial)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"preparing the SHACL benchmark's graph failed:\n{done.stderr[-3000:]}")
        partial.replace(out)
    return out


def available(engine: str) -> bool:
    module = "pyshacl_turbo" if engine.startswith("turbo") else "pyshacl"
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, check=False)
    return done.returncode == 0


def run_engine(engine: str, data: Path, cap: float) -> dict:
    """One timed validation in a fresh process: {"seconds", "violations", "version"} or {"timeout": cap}."""
    child = subprocess.Popen(
        [sys.executable, "-c", ENGINE_SCRIPT, engine, str(data), str(ROOT / "ontology" / "shapes.ttl")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = child.stdout.readline()  # the data is loaded: the cap starts now
        if first.strip() != "loaded":
            child.wait()
            raise RuntimeError(f"SHACL engine {engine} failed:\n{child.stderr.read()[-3000:]}")
        selector = selectors.DefaultSelector()
        selector.register(child.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=cap):
            return {"timeout": cap}
        line = child.stdout.readline()
        if child.wait() != 0 or not line.strip():
            raise RuntimeError(f"SHACL engine {engine} failed:\n{child.stderr.read()[-3000:]}")
        return json.loads(line)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def bench(sizes: list[str], work: Path, size_triples: dict[str, int], seed: int):
    """Rows of the report (one per size and engine, ratio against the translation) and the raw figures."""
    from .generate import generate
    from .report import Row

    cap = float(os.environ.get("BENCH_SHACL_CAP", "300"))
    wanted = [e.strip() for e in os.environ.get("BENCH_SHACL_ENGINES", ",".join(ENGINES)).split(",") if e.strip()]
    skip = {item.strip() for item in os.environ.get("BENCH_SHACL_SKIP", "").split(",") if item.strip()}
    engines = [engine for engine in wanted if engine == "translation" or available(engine)]
    rows, raw = [], {"cap_s": cap, "missing": [e for e in wanted if e not in engines]}
    timed_out: dict[str, str] = {}  # engine -> the size at which it passed the cap
    for size in sizes:
        facts = work / f"facts-{size}"
        if not facts.is_dir():
            _say(f"generating {size} facts")
            generate(facts, size_triples[size], seed)
        _say(f"SHACL: the build's graph of the {size} facts")
        data = prepare(facts, work / f"shacl-{size}.nt")
        triples = sum(1 for _ in data.open("rb"))
        repeats = int(os.environ.get("BENCH_SHACL_REPEATS", "3" if size != "1m" else "1"))
        figures: dict[str, dict] = {}
        for engine in engines:
            if f"{engine}@{size}" in skip:
                figures[engine] = {"skipped": True}
                continue
            if engine in timed_out:
                figures[engine] = {"runs": [], "median": None, "after_timeout_at": timed_out[engine]}
                continue
            runs = []
            for run in range(repeats):
                _say(f"SHACL {size}: {engine}, run {run + 1}/{repeats}")
                runs.append(run_engine(engine, data, cap))
                if "timeout" in runs[-1]:
                    timed_out[engine] = size
                    break  # one timeout is the answer: no second wait
            timed = [r["seconds"] for r in runs if "seconds" in r]
            figures[engine] = {
                "runs": runs,
                "median": statistics.median(timed) if timed and len(timed) == len(runs) else None,
                "violations": sorted({r["violations"] for r in runs if "violations" in r}),
                "version": next((r["version"] for r in runs if r.get("version")), ""),
            }
        raw[size] = {"triples": triples, "engines": figures}
        base = figures.get("translation", {}).get("median")
        for engine, figure in figures.items():
            median = figure.get("median")
            version = f" {figure['version']}" if figure.get("version") else ""
            label = f"SHACL {size} ({triples} triples) {engine}{version}, s"
            if figure.get("skipped"):
                rows.append(
                    Row(
                        label,
                        float("nan"),
                        base or float("nan"),
                        None,
                        "(info)",
                        None,
                        spread="not run (BENCH_SHACL_SKIP)",
                    )
                )
                continue
            if median is None:
                rows.append(
                    Row(
                        label,
                        float("nan"),
                        base or float("nan"),
                        None,
                        "(info)",
                        None,
                        spread=f"timeout: over {cap:.0f} s"
                        + (
                            f" at {figure['after_timeout_at']} already, not run"
                            if figure.get("after_timeout_at")
                            else ""
                        ),
                    )
                )
                continue
            timed = [r["seconds"] for r in figure["runs"]]
            rows.append(
                Row(
                    label,
                    median,
                    base or float("nan"),
                    median / base if base else None,
                    "(info; baseline: translation)",
                    None,
                    spread=f"{min(timed):.2f}-{max(timed):.2f}; violations {figure['violations']}",
                )
            )
    return rows, raw


def main() -> None:
    """`python -m tests.benchmarks.shacl_bench`: the SHACL rows alone (BENCH_SIZES), printed and in
    bench-results/shacl.json."""
    from .report import table
    from .run import SIZES, WORK

    sizes = [size.strip().lower() for size in os.environ.get("BENCH_SIZES", "10k,100k,1m").split(",") if size.strip()]
    WORK.mkdir(parents=True, exist_ok=True)
    rows, raw = bench(sizes, WORK, SIZES, int(os.environ.get("BENCH_SEED", "1")))
    print(table(rows))
    (WORK.parent / "shacl.json").write_text(json.dumps(raw, indent=2), "utf-8")


if __name__ == "__main__":
    main()
