"""Graph stage entry point: facts -> checked graph -> dist/ (mapping, reasoning, SHACL, atomic write)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph

from .. import vocab
from ..facts import Facts, FactsError, Origin, Problem, load_facts
from .closure import materialise
from .mapping import Mapped, map_facts
from .reasoning import Inconsistent, infer_types
from .shapes import check_shapes
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


def check_graph(facts: Facts, ontology: Graph, shapes: Graph, base: str, progress: Progress,
                timings: dict[str, float]) -> tuple[Dataset, Mapped]:
    """Map the facts into the named graphs of a dataset on the Oxigraph store, reason, and validate shapes.

    :raises FactsError: for an inconsistency or a shape violation, each located at its YAML line.
    """
    clock = time.perf_counter()
    dataset = Dataset(store="Oxigraph")
    facts_graph = dataset.graph(vocab.graph_iri("facts", base))
    mapped = map_facts(facts, facts_graph, base)
    timings["map"] = time.perf_counter() - clock

    progress("reasoning (HermiT)")
    clock = time.perf_counter()
    try:
        inferred_types = infer_types(ontology, facts_graph, lambda: _groups(mapped))
    except Inconsistent as error:
        names = ", ".join(_short(resource) for resource in error.resources)
        raise FactsError([Problem(origin, f"these records together contradict the ontology (resources: {names}); "
                                          "check each one's kind, member and dates against docs/facts-format.md")
                          for origin in error.culprits]) from None
    inferred = dataset.graph(vocab.graph_iri("inferred", base))
    for triple in materialise(ontology, facts_graph, inferred_types):
        inferred.add(triple)
    timings["reason"] = time.perf_counter() - clock

    progress("checking shapes (SHACL)")
    clock = time.perf_counter()
    data = Graph()
    for triple in facts_graph:
        data.add(triple)
    for triple in inferred:
        data.add(triple)
    violations = check_shapes(shapes, data, mapped)
    timings["shacl"] = time.perf_counter() - clock
    if violations:
        raise FactsError([Problem(violation.origin, violation.message) for violation in violations])
    ontology_graph = dataset.graph(vocab.graph_iri("ontology", base))
    for triple in ontology:
        ontology_graph.add(triple)
    return dataset, mapped


def _groups(mapped: Mapped) -> dict[Origin | None, Graph]:
    """The triples each YAML record produced, for pinning an inconsistency on records (None: no record)."""
    groups: dict[Origin | None, Graph] = {}
    for triple in mapped.graph:
        groups.setdefault(mapped.triple_origin.get(triple), Graph()).add(triple)
    return groups


def _short(iri) -> str:
    return str(iri).split("/id/", 1)[-1]


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
    facts = load_facts(facts_dir)
    ontology, shapes = load_ontology(ontology_dir)
    timings["load"] = time.perf_counter() - clock
    progress(f"mapping {sum(facts.count().values())} records")
    dataset, _ = check_graph(facts, ontology, shapes, base, progress, timings)
    progress(f"writing {out}/")
    clock = time.perf_counter()
    graphs = {name: dataset.graph(vocab.graph_iri(name, base)) for name in vocab.GRAPH_NAMES}
    prefixes = {**vocab.PREFIXES, **vocab.resource_prefixes(base)}
    warnings = [str(warning) for warning in sorted(facts.warnings)]
    report = write_build(graphs, out, base, ontology_dir, queries_dir, warnings=warnings, prefixes=prefixes)
    timings["write"] = time.perf_counter() - clock
    return BuildReport(out=Path(out), report=report, timings=timings)
