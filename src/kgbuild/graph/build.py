"""Graph stage entry point: facts -> checked graph -> dist/ (mapping, reasoning, SHACL, atomic write).

No rdflib graph holds the facts on the way (DESIGN.md §6): the mapping makes N-Triples terms, HermiT
reasons over a summary, SHACL runs pySHACL on a sample and the shapes as SPARQL on an in-memory store,
and the writer bulk-loads N-Quads text into the on-disk store and writes the dumps from that text.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from .. import vocab
from ..facts import Facts, FactsError, Origin, Problem, load_facts
from .closure import materialise
from .mapping import Mapped, Triple, map_records
from .reasoning import Inconsistent, infer_types_of
from .shapes import check_shapes_in_memory, check_shapes_on_store
from .write import write_build

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build wrote and measured."""

    out: Path
    report: dict
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def build_id(self) -> str:
        return self.report["build_id"]


def load_ontology(ontology_dir: Path) -> tuple[Graph, Graph]:
    """The ontology and the shapes, parsed; a syntax error names the file and line."""
    graphs = []
    for name in ("kgbuild.ttl", "shapes.ttl"):
        path = Path(ontology_dir) / name
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError:
            raise FactsError([Problem(Origin(str(path), 1), "is missing; restore it from git")]) from None
        except Exception as error:  # rdflib raises several parser exceptions; all mean the same to a maintainer
            raise FactsError([Problem(Origin(str(path), _line_of(error)), f"Turtle syntax error: {error}; fix it there")]) from None
        graphs.append(graph)
    return graphs[0], graphs[1]


def _line_of(error: Exception) -> int:
    line = getattr(error, "lines", None) or getattr(error, "line", None)
    return int(line) if isinstance(line, int) else 1


def check_graph(facts: Facts, ontology: Graph, base: str, progress: Progress,
                timings: dict[str, float]) -> tuple[Mapped, list[Triple]]:
    """Map the facts to triples, reason over a summary of them, and materialise what follows.

    Returns the mapping (the facts' triples and origins) and the inferred triples.

    :raises FactsError: for an inconsistency, located at the YAML lines of the records that cause it.
    """
    clock = time.perf_counter()
    mapped = map_records(facts, base)
    timings["map"] = time.perf_counter() - clock

    progress("reasoning (HermiT over a summary of the facts)")
    clock = time.perf_counter()
    try:
        inferred_types = infer_types_of(ontology, mapped.triples, lambda triple: mapped.origin_of(*triple))
    except Inconsistent as error:
        names = ", ".join(_short(resource) for resource in error.resources)
        raise FactsError([Problem(origin, f"these records together contradict the ontology (resources: {names}); "
                                          "check each one's kind, member and dates against docs/facts-format.md")
                          for origin in error.culprits]) from None
    inferred = materialise(ontology, mapped.triples, inferred_types)
    timings["reason"] = time.perf_counter() - clock
    return mapped, inferred


def _check_shapes(shapes: Graph, mapped: Mapped, inferred: list[Triple], progress: Progress,
                  timings: dict[str, float]) -> None:
    """Validate shapes: pySHACL over all of a small graph; over a sample of a large one, with the shapes
    as SPARQL over all of it in an in-memory Oxigraph store (loading it takes a quarter of a second per
    100k triples; querying the on-disk store just bulk-loaded is some fifty times slower).

    :raises FactsError: for the violations found, each at its YAML line.
    """
    progress("checking shapes (SHACL)")
    clock = time.perf_counter()
    triples = [*mapped.triples, *inferred]
    found = check_shapes_in_memory(shapes, triples, mapped, progress)
    violations = found.violations
    if found.on_store:
        store = ox.Store()
        store.bulk_load("".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        violations = check_shapes_on_store(found, store.query, mapped)
        del store
    timings["shacl"] = time.perf_counter() - clock
    if violations:
        raise FactsError([Problem(violation.origin, violation.message) for violation in violations])


def build(facts_dir: Path, out: Path, ontology_dir: Path = Path("ontology"), queries_dir: Path | None = Path("queries"),
          base: str = vocab.DEFAULT_BASE, progress: Progress | None = None) -> BuildReport:
    """Run the whole build: load and check facts, map, reason, validate, and switch out/ to the new build.

    :raises FactsError: every problem found, as file:line messages; out/ is left untouched.
    :raises ReasonerError: when HermiT cannot run.
    """
    progress = progress or (lambda message: None)
    timings: dict[str, float] = {}
    progress(f"loading {facts_dir}/")
    clock = time.perf_counter()
    facts = load_facts(facts_dir, timings)
    ontology, shapes = load_ontology(ontology_dir)
    timings["load"] = time.perf_counter() - clock - timings["validate"]  # YAML and the ontology files
    progress(f"mapping {sum(facts.count().values())} records")
    gc.disable()  # the mapping makes millions of small objects and frees none: collector passes are pure cost
    try:
        mapped, inferred = check_graph(facts, ontology, base, progress, timings)
    finally:
        gc.enable()
    gc.freeze()  # what is alive now stays alive: later collections (pySHACL makes cyclic garbage) skip it
    try:
        _check_shapes(shapes, mapped, inferred, progress, timings)
    finally:
        gc.unfreeze()
    progress(f"writing {out}/")
    clock = time.perf_counter()
    graphs = {"ontology": ontology, "facts": mapped.triples, "inferred": inferred}
    prefixes = {**vocab.PREFIXES, **vocab.resource_prefixes(base)}
    warnings = [str(warning) for warning in sorted(facts.warnings)]
    report = write_build(graphs, out, base, ontology_dir, queries_dir, warnings=warnings, prefixes=prefixes, facts=facts)
    timings["write"] = time.perf_counter() - clock
    return BuildReport(out=Path(out), report=report, timings=timings)
