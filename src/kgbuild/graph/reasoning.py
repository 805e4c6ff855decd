"""Graph stage: OWL reasoning with HermiT (owlready2): consistency, inferred types, culprits of an inconsistency."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable, Sequence

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from ..facts import Origin


# HermiT accepts only the OWL 2 datatype map, which has neither xsd:date nor rdf:langString.
OUTSIDE_OWL2_DATATYPES = {XSD.date, XSD.gYear, XSD.gYearMonth, RDF.langString}


class ReasonerError(Exception):
    """The reasoner could not run (no Java); the message says how to install it."""


class Inconsistent(Exception):
    """The facts contradict the ontology; `culprits` are the records that together cause it."""

    def __init__(self, culprits: list[Origin], resources: list[URIRef]):
        self.culprits = culprits
        self.resources = resources
        super().__init__(", ".join(str(origin) for origin in culprits))


def _java_available() -> None:
    if shutil.which("java") is None:
        raise ReasonerError("the OWL reasoner HermiT needs Java, which is not installed; "
                            "install it with `apt-get install default-jre-headless` (Debian/Ubuntu) and build again")


def _is_consistent(ontology: Graph, facts: Graph, workdir: Path) -> tuple[bool, Graph]:
    """Run HermiT over ontology + facts; return (consistent?, every rdf:type it knows afterwards)."""
    import owlready2  # slow to import; only the build needs it

    reasoner_input = Graph()
    for subject, predicate, value in ontology:
        reasoner_input.add((subject, predicate, RDFS.Literal if value in OUTSIDE_OWL2_DATATYPES else value))
    for triple in facts:
        value = triple[2]
        if isinstance(value, Literal) and (value.language or value.datatype in OUTSIDE_OWL2_DATATYPES):
            continue  # dates and tagged text carry no class inference; SHACL checks their datatypes
        reasoner_input.add(triple)
    individuals = sorted({s for s in facts.subjects(RDF.type) if isinstance(s, URIRef)})
    if len(individuals) > 1:  # our IRIs are unique names: tell HermiT, so functional-property clashes show
        different = BNode()
        reasoner_input.add((different, RDF.type, OWL.AllDifferent))
        members = BNode()
        Collection(reasoner_input, members, list(individuals))
        reasoner_input.add((different, OWL.distinctMembers, members))
    path = workdir / "reasoner-input.nt"
    reasoner_input.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, Graph()
    except owlready2.OwlReadyJavaError as error:
        raise ReasonerError(f"HermiT failed: {str(error).strip()[:400]}") from None
    known_types = Graph()
    for subject, _, cls in world.as_rdflib_graph().triples((None, RDF.type, None)):
        if isinstance(subject, URIRef) and isinstance(cls, URIRef):
            known_types.add((subject, RDF.type, cls))
    return True, known_types


def infer_types(ontology: Graph, facts: Graph, explain: Callable[[], dict[Origin | None, Graph]]) -> Graph:
    """Types HermiT infers for the facts' resources that the facts do not state.

    :raises Inconsistent: naming the records that together contradict the ontology.
    :raises ReasonerError: when HermiT cannot run.
    """
    _java_available()
    with tempfile.TemporaryDirectory(prefix="kgbuild-reasoner-") as tmp:
        consistent, known_types = _is_consistent(ontology, facts, Path(tmp))
        if not consistent:
            groups = explain()
            background = groups.pop(None, Graph())  # triples no YAML line wrote (ISO names): always in
            culprits = minimal_conflict(ontology + background, groups, Path(tmp))
            raise Inconsistent(sorted(culprits), sorted({s for origin in culprits for s in groups[origin].subjects()}))
    subjects = set(facts.subjects(RDF.type))
    inferred = Graph()
    for triple in known_types:
        if triple[0] in subjects and triple not in facts and triple[2] != OWL.NamedIndividual \
                and triple[2] != OWL.Thing:
            inferred.add(triple)
    return inferred


def minimal_conflict(ontology: Graph, groups: dict[Origin, Graph], workdir: Path) -> list[Origin]:
    """The smallest set of records whose triples, with the ontology, are inconsistent (QuickXplain).

    Costs about 2k·log(n/k) reasoner runs for k culprits among n records: only ever paid on failure.
    """
    def inconsistent(origins: Sequence[Origin]) -> bool:
        merged = Graph()
        for origin in origins:
            for triple in groups[origin]:
                merged.add(triple)
        return not _is_consistent(ontology, merged, workdir)[0]

    def explain(background: list[Origin], has_delta: bool, candidates: list[Origin]) -> list[Origin]:
        if has_delta and inconsistent(background):
            return []
        if len(candidates) == 1:
            return candidates
        half = len(candidates) // 2
        first, second = candidates[:half], candidates[half:]
        second_culprits = explain(background + first, True, second)
        first_culprits = explain(background + second_culprits, bool(second_culprits), first)
        return first_culprits + second_culprits

    ordered = sorted(groups)
    if not ordered or not inconsistent(ordered):
        return ordered
    return explain([], False, ordered)
