"""Graph stage entry point: facts -> checked graph -> dist/ (mapping, reasoning, SHACL, atomic write).

No rdflib graph holds the facts on the way (DESIGN.md §6): the mapping makes N-Triples terms, HermiT
reasons over a summary, SHACL runs the shapes as SPARQL on an in-memory store (at every size; pySHACL
only for a shape the translation does not know), and the writer bulk-loads N-Quads text into the on-disk
store and writes the dumps from that text, while the shapes are still being checked: dist/ moves only
once they pass.

At scale the work keeps both cores busy: HermiT (Java) reasons while the asserted graphs become text,
the shapes are checked on one thread while the store loads on another, and child processes write
the derived dumps (dumps.py) and the records and changelog (releases.ReleaseNotes).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph

from .. import vocab
from ..config import build_time
from ..facts import Facts, FactsError, Origin, Problem, load_facts
from ..storedqueries import load_query
from . import releases
from .answercache import AnswerCache, cache_folder
from .canonical import with_stable_blank_nodes
from .closure import materialise
from .links import without_links
from .mapping import Mapped, map_records
from .ntriples import Triple, to_graph
from .reasoning import Inconsistent, infer_types_of
from .shapes import VIOLATION, check_shapes_on_store, translate_shapes
from .write import GraphText, graph_text, load_in_memory, write_build

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
    """The ontology (blank nodes canonically labelled) and the shapes, parsed; a syntax error names the file
    and line."""
    graphs = []
    for name in ("kgbuild.ttl", "shapes.ttl"):
        path = Path(ontology_dir) / name
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except FileNotFoundError:
            raise FactsError([Problem(Origin(str(path), 1), "is missing; restore it from git")]) from None
        except Exception as error:  # rdflib raises several parser exceptions; all mean the same to a maintainer
            raise FactsError(
                [Problem(Origin(str(path), _line_of(error)), f"Turtle syntax error: {error}; fix it there")]
            ) from None
        graphs.append(graph)
    # the ontology goes into the dumps and the build id: its blank nodes need the same labels every build
    return with_stable_blank_nodes(graphs[0]), graphs[1]


def _line_of(error: Exception) -> int:
    line = getattr(error, "lines", None) or getattr(error, "line", None)
    return int(line) if isinstance(line, int) else 1


def reason(
    ontology: Graph, mapped: Mapped, timings: dict[str, float], cache: AnswerCache | None = None
) -> list[Triple]:
    """HermiT over a summary of the mapped facts (its answer read from cache when it has seen the same
    summary before), then what follows materialised: the inferred triples.

    :raises FactsError: for an inconsistency, located at the YAML lines of the records that cause it.
    """
    clock = time.perf_counter()
    try:
        # owl:sameAs to Wikidata would make HermiT merge individuals: see links.without_links
        reasoned = without_links(mapped.triples)
        inferred_types = infer_types_of(ontology, reasoned, lambda triple: mapped.origin_of(*triple), cache)
    except Inconsistent as error:
        names = ", ".join(vocab.short_name(resource) for resource in error.resources)
        raise FactsError(
            [
                Problem(
                    origin,
                    f"these records together contradict the ontology (resources: {names}); "
                    "check each one's kind, member and dates against docs/facts-format.md",
                )
                for origin in error.culprits
            ]
        ) from None
    inferred = materialise(ontology, reasoned, inferred_types)
    timings["reason"] = time.perf_counter() - clock
    return inferred


def _check_shapes(
    shapes: Graph,
    mapped: Mapped,
    inferred: list[Triple],
    text: GraphText,
    base: str,
    progress: Progress,
    timings: dict[str, float],
    memory: ox.Store | None = None,
) -> tuple[ox.Store, Callable[[], None]]:
    """Start validating shapes; return the in-memory store of every graph and the check to call before
    dist/ moves, which raises FactsError for the violations, each at its line, and reports the shapes'
    warnings and infos (sh:severity) through progress.

    Every graph, small or large, is validated by the shapes' SPARQL translation (shapes.py; the tests
    hold it to pySHACL's findings) on an in-memory Oxigraph store of every graph (memory, if the caller
    loaded it: loading takes a quarter of a second per 100k triples, and the on-disk store just
    bulk-loaded answers scans some fifty times slower), on a thread of its own: Oxigraph lets go of the
    GIL, so the write goes on beside it, on the other core. A shape the translation does not know is
    validated by pySHACL on the same thread, over the facts and inferences: slower, never skipped.
    """
    progress("checking shapes (SHACL)")
    clock = time.perf_counter()
    translation = translate_shapes(shapes)
    for reason in translation.reasons.values():
        progress(f"the SPARQL translation does not know a shape ({reason}): pySHACL validates it")
    if memory is None:
        memory = ox.Store()
        load_in_memory(memory, text.nquads)
    checked: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(str(vocab.graph_iri(name, base))) for name in ("facts", "inferred")]
    store = memory

    def select(query: str) -> ox.QuerySolutions:
        return cast(ox.QuerySolutions, store.query(query, default_graph=checked))

    run = _Background(
        lambda: check_shapes_on_store(
            translation,
            select,
            mapped,
            data=lambda: to_graph([*mapped.triples, *inferred]),
        ),
        "kgbuild-shacl",
    )

    def check() -> None:
        results = run.result()
        timings["shacl"] = run.seconds + (run.started - clock)
        for result in results:
            if result.severity != VIOLATION:
                progress(f"warning ({result.severity.lower()}): {result.origin}: {result.message}")
        _raise_violations([result for result in results if result.severity == VIOLATION])

    return memory, check


def _raise_violations(violations: list) -> None:
    if violations:
        raise FactsError([Problem(violation.origin, violation.message) for violation in violations])


class _Background:
    """A function running on a daemon thread (a failed build need not wait for it to end), and its result."""

    def __init__(self, work: Callable[[], object], name: str) -> None:
        self.started = time.perf_counter()
        self.seconds = 0.0
        self._outcome: tuple[bool, object] | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], object]) -> None:
        try:
            self._outcome = (True, work())
        except BaseException as error:  # handed to the waiting thread, which raises it
            self._outcome = (False, error)
        self.seconds = time.perf_counter() - self.started

    def result(self):
        self._thread.join()
        succeeded, value = self._outcome  # type: ignore[misc]
        if not succeeded:
            raise value  # type: ignore[misc]
        return value


def build(
    facts_dir: Path,
    out: Path,
    ontology_dir: Path = Path("ontology"),
    queries_dir: Path | None = Path("queries"),
    base: str = vocab.DEFAULT_BASE,
    progress: Progress | None = None,
    cache: bool = True,
) -> BuildReport:
    """Run the whole build: load and check facts, map, reason, validate, and switch out/ to the new build.

    With cache, the reasoner's answers are kept beside out/ (answercache.py) and reused when the same
    question comes again; the build's bytes are the same either way.

    :raises FactsError: every problem found, as file:line messages; out/ is left untouched.
    :raises ReasonerError: when HermiT cannot run.
    :raises QueryError: a stored query's header or its VALUES line of defaults is wrong (file:line).
    :raises ValueError: SOURCE_DATE_EPOCH is set to something other than a number of seconds.
    """
    progress = progress or (lambda message: None)
    build_time()  # a malformed SOURCE_DATE_EPOCH fails the build now, not after the reasoner has run
    for path in sorted(Path(queries_dir).glob("*.rq")) if queries_dir else ():
        load_query(path)  # a stored query the server could not show fails the build now, naming file:line
    timings: dict[str, float] = {}
    progress(f"loading {facts_dir}/")
    clock = time.perf_counter()
    facts = load_facts(facts_dir, timings)
    ontology, shapes = load_ontology(ontology_dir)
    timings["load"] = time.perf_counter() - clock - timings["validate"]  # YAML and the ontology files
    notes = releases.ReleaseNotes(facts, previous=out if Path(out).exists() else None)  # forks: see ReleaseNotes
    try:
        answers = AnswerCache(cache_folder(out), "reasoner") if cache else None
        return _build_graph(facts, ontology, shapes, out, base, ontology_dir, queries_dir, notes, progress, timings,
                            answers)
    finally:
        notes.close()


def _build_graph(
    facts: Facts,
    ontology: Graph,
    shapes: Graph,
    out: Path,
    base: str,
    ontology_dir: Path,
    queries_dir: Path | None,
    notes: releases.ReleaseNotes,
    progress: Progress,
    timings: dict[str, float],
    answers: AnswerCache | None,
) -> BuildReport:
    """Map, reason, check shapes and write: the build after its facts are loaded."""
    progress(f"mapping {sum(facts.count().values())} records")
    gc.disable()  # the mapping makes millions of small objects and frees none: collector passes are pure cost
    try:
        clock = time.perf_counter()
        mapped = map_records(facts, base)
        timings["map"] = time.perf_counter() - clock
        progress("reasoning (HermiT over a summary of the facts)")
        # HermiT runs in Java: meanwhile this thread writes out the asserted graphs and loads them into
        # the in-memory store the shapes are checked on (off the GIL)
        reasoning = _Background(lambda: reason(ontology, mapped, timings, answers), "kgbuild-reasoning")
        asserted = graph_text({"ontology": ontology, "facts": mapped.triples}, base)
        memory = ox.Store()
        loading = _Background(lambda: load_in_memory(memory, asserted.nquads), "kgbuild-load")
        inferred = reasoning.result()
        derived = graph_text({"inferred": inferred}, base)
        loading.result()
        # the inferred quads go in on a thread while this one merges the texts: the shapes wait for both
        loading = _Background(lambda: load_in_memory(memory, derived.nquads), "kgbuild-load")
        text = asserted.merged(derived)
        loading.result()
    finally:
        gc.enable()
    gc.freeze()  # what is alive now stays alive: later collections (pySHACL makes cyclic garbage) skip it
    try:
        graphs = {"ontology": ontology, "facts": mapped.triples, "inferred": inferred}
        memory, shapes_pass = _check_shapes(shapes, mapped, inferred, text, base, progress, timings, memory)
        progress(f"writing {out}/")
        clock = time.perf_counter()
        prefixes = {**vocab.PREFIXES, **vocab.resource_prefixes(base)}
        warnings = [str(warning) for warning in sorted(facts.warnings)]
        report = write_build(
            graphs,
            out,
            base,
            ontology_dir,
            queries_dir,
            warnings=warnings,
            prefixes=prefixes,
            notes=notes,
            check=shapes_pass,
            text=text,
            memory=memory,
        )
        timings["write"] = time.perf_counter() - clock
    finally:
        gc.unfreeze()
    return BuildReport(out=Path(out), report=report, timings=timings)
