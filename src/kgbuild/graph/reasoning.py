"""Graph stage: OWL reasoning with HermiT (owlready2): consistency, inferred types, culprits of an inconsistency.

HermiT never sees the whole graph: a DL reasoner over a million triples takes hours. It sees the
ontology plus a type-level summary: resources are grouped by their shape (their asserted types, and
each property they have or are the value of, with the asserted types of the resource at the other end
and how often: once or more), one real resource per shape is kept with every statement it is part of,
and the types HermiT infers for that representative are given to every resource of its shape. A
thousand memberships of one shape cost HermiT what one does. What this assumes of the ontology: that a
resource's inferred types follow from its own statements and its neighbours' asserted types (domains,
ranges, sub-classes, disjointness, functional properties, someValuesFrom over an asserted class — all
kgbuild.ttl uses). Everything HermiT infers from a subset of the facts also follows from all of them,
so the summary never infers a wrong type; an inconsistency is pinned on records by QuickXplain over the
summary's statements only. HermiT's answers are kept (answercache.py) under a hash of exactly what it
reads, so an edit to a label, a date or a note, which it never sees, is answered without Java.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..facts import Origin
from .answercache import AnswerCache, question_key
from .ntriples import Triple, nt_term, nt_triples, to_graph

# HermiT accepts only the OWL 2 datatype map, which has neither xsd:date nor rdf:langString.
OUTSIDE_OWL2_DATATYPES = {XSD.date, XSD.gYear, XSD.gYearMonth, RDF.langString}
NT_OUTSIDE_OWL2_DATATYPES = {nt_term(datatype) for datatype in OUTSIDE_OWL2_DATATYPES}
NT_RDFS_LITERAL = nt_term(RDFS.Literal)


CONSISTENT, INCONSISTENT = "consistent", "inconsistent"  # first line of a cached answer

KnownTypes = set[tuple[str, str]]  # (resource, class) as N-Triples terms


class ReasonerError(Exception):
    """The reasoner could not run (no Java); the message says how to install it."""


class Inconsistent(Exception):
    """The facts contradict the ontology; `culprits` are the records that together cause it."""

    def __init__(self, culprits: list[Origin], resources: list[Node]):
        self.culprits = culprits
        self.resources = resources
        super().__init__(", ".join(str(origin) for origin in culprits))


def _java_available() -> None:
    if shutil.which("java") is None:
        raise ReasonerError("the OWL reasoner HermiT needs Java, which is not installed; "
                            "install it with `apt-get install default-jre-headless` (Debian/Ubuntu) and build again")


def _is_consistent(
    ontology: Graph, facts: list[Triple], workdir: Path, cache: AnswerCache | None = None
) -> tuple[bool, KnownTypes]:
    """Run HermiT over ontology + facts; return (consistent?, every (resource, class) it knows afterwards).

    With a cache, HermiT runs only for a question it has not answered before: the key is what HermiT
    would read (so an edited label or date, which it never sees, still finds the answer) and the
    owlready2 release that carries HermiT.
    """
    reasoner_input = _reasoner_input(ontology, facts)
    key = _question(reasoner_input) if cache is not None else ""
    if cache is not None:
        answer = _decoded(cache.read(key))
        if answer is not None:
            return answer
    _java_available()
    import owlready2  # slow to import; only the build needs it, and only when the cache has no answer

    # Our IRIs are unique names: tell HermiT, so functional-property clashes show. Only where a clash
    # can happen (two values of one functional property): one AllDifferent over every individual costs
    # HermiT time quadratic in their number, minutes at a few thousand.
    reasoner_graph = to_graph(reasoner_input)
    for group in _clashing_values(ontology, facts):
        different = BNode()
        reasoner_graph.add((different, RDF.type, OWL.AllDifferent))
        members = BNode()
        Collection(reasoner_graph, members, [*group])
        reasoner_graph.add((different, OWL.distinctMembers, members))
    path = workdir / "reasoner-input.nt"
    reasoner_graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        answer = (False, set())
    except owlready2.OwlReadyJavaError as error:
        raise ReasonerError(f"HermiT failed: {str(error).strip()[:400]}") from None
    else:
        answer = (True, {(nt_term(subject), nt_term(cls))
                         for subject, _, cls in world.as_rdflib_graph().triples((None, RDF.type, None))
                         if isinstance(subject, URIRef) and isinstance(cls, URIRef)})
    if cache is not None:
        cache.write(key, _encoded(answer))
    return answer


def _reasoner_input(ontology: Graph, facts: list[Triple]) -> list[Triple]:
    """What HermiT reads of the ontology and the facts, as sorted N-Triples terms: all but tagged text and
    dates, which carry no class inference (SHACL checks their datatypes) and which HermiT refuses."""
    kept: dict[Triple, None] = {}
    for subject, predicate, value in nt_triples(ontology):
        if not _outside_owl2(value):
            kept[(subject, predicate, NT_RDFS_LITERAL if value in NT_OUTSIDE_OWL2_DATATYPES else value)] = None
    for triple in facts:
        if not _outside_owl2(triple[2]):
            kept[triple] = None
    return sorted(kept)


def _outside_owl2(term: str) -> bool:
    """A literal with a language tag or of a datatype outside the OWL 2 datatype map."""
    if not _is_literal(term):
        return False
    suffix = term[term.rindex('"') + 1:]  # '@en', '^^<...#date>', or '' for xsd:string
    return suffix.startswith("@") or suffix.removeprefix("^^") in NT_OUTSIDE_OWL2_DATATYPES


def _question(reasoner_input: list[Triple]) -> str:
    """The cache key of HermiT's answer: its input as sorted N-Triples lines, the reasoner's release and
    how it is asked. (The AllDifferent axioms are left out: they follow from the input.)"""
    from importlib.metadata import version  # already loaded by the build's other imports

    lines = "\n".join(f"{s} {p} {o} ." for s, p, o in reasoner_input)
    return question_key(b"HermiT, infer_property_values=False", f"owlready2 {version('owlready2')}".encode(),
                        lines.encode("utf-8"))


def _encoded(answer: tuple[bool, KnownTypes]) -> bytes:
    consistent, known_types = answer
    lines = [CONSISTENT if consistent else INCONSISTENT, *(f"{subject} {cls}" for subject, cls in sorted(known_types))]
    return "\n".join(lines).encode("utf-8")


def _decoded(entry: bytes | None) -> tuple[bool, KnownTypes] | None:
    """An answer read back from the cache, or None for none (or for one this code did not write)."""
    if entry is None:
        return None
    first, *rest = entry.decode("utf-8", "replace").split("\n")
    if first not in (CONSISTENT, INCONSISTENT):
        return None
    pairs = [tuple(line.split(" ")) for line in rest]
    if any(len(pair) != 2 or not all(term.startswith("<") and term.endswith(">") for term in pair) for pair in pairs):
        return None
    return first == CONSISTENT, {(subject, cls) for subject, cls in pairs}


def _clashing_values(ontology: Graph, facts: list[Triple]) -> list[list[URIRef]]:
    """Sets of named individuals that one functional property gives one subject (or an inverse-functional
    property one value): the only places where the unique-name assumption changes the answer."""
    functional = {nt_term(term) for term in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
    inverse_functional = {nt_term(term) for term in ontology.subjects(RDF.type, OWL.InverseFunctionalProperty)}
    values: dict[tuple, set[str]] = {}
    for subject, predicate, value in facts:
        if predicate in functional and value.startswith("<"):
            values.setdefault((subject, predicate), set()).add(value)
        if predicate in inverse_functional and subject.startswith("<"):
            values.setdefault((predicate, value), set()).add(subject)
    return [[URIRef(term[1:-1]) for term in sorted(group)] for group in values.values() if len(group) > 1]


def infer_types(ontology: Graph, facts: Graph, explain: Callable[[], dict[Origin | None, Graph]]) -> Graph:
    """Types HermiT infers for the resources of an rdflib graph that it does not state (see infer_types_of).

    :raises Inconsistent: naming the records that together contradict the ontology.
    :raises ReasonerError: when HermiT cannot run.
    """
    table: dict[Triple, Origin | None] = {}

    def origin_of(triple: Triple) -> Origin | None:
        if not table:  # asked only on failure: build the table then
            table.update({(nt_term(s), nt_term(p), nt_term(o)): origin
                          for origin, group in explain().items() for s, p, o in group})
        return table.get(triple)

    found = infer_types_of(ontology, nt_triples(facts), origin_of)
    return to_graph(found)


def _is_literal(term: str) -> bool:
    return term.startswith('"')


def _shape_of_literal(predicate: str, value: str) -> tuple:
    closing = value.rindex('"')
    return ("literal", predicate, value[closing + 1:])  # '' for xsd:string, '@en', '^^<...#date>'


def linked_properties(ontology: Graph) -> set[str]:
    """Properties whose inferences depend on what is at the other end, not only on the statement being
    there: those with an inverse, or used in a restriction (kg:Member is someValuesFrom over the inverse
    of kg:member). For any other property a domain or range types one end whatever the other end is."""
    found: set[Node] = set()
    for subject, _, value in ontology.triples((None, OWL.inverseOf, None)):
        found.update(term for term in (subject, value) if isinstance(term, URIRef))
    for restricted in ontology.objects(None, OWL.onProperty):
        found.add(restricted)
        found.update(term for term in ontology.objects(restricted, OWL.inverseOf) if isinstance(term, URIRef))
    for kind in (OWL.InverseFunctionalProperty, OWL.SymmetricProperty, OWL.TransitiveProperty):
        found.update(ontology.subjects(RDF.type, kind))
    return {nt_term(term) for term in found if isinstance(term, URIRef)}


def summarise(triples: list[Triple], constants: set[str], rdf_type: str,
              linked: set[str] | None = None) -> tuple[list[Triple], dict[str, str]]:
    """The statements of one representative per shape, and each resource's representative.

    A shape is a resource's asserted types plus, for each statement it is part of, the direction, the
    property and, for linked properties (see linked_properties; all when linked is None), the asserted
    types of the other end (or the term itself for ontology individuals such as kg:FullMember),
    counted as once or several times (functional properties clash at two).
    """
    types: dict[str, list[str]] = {}
    for subject, predicate, value in triples:
        if predicate == rdf_type:
            types.setdefault(subject, []).append(value)
    kinds = {resource: tuple(sorted(set(found))) for resource, found in types.items()}

    def kind(term: str):
        return term if term in constants else kinds.get(term, ())

    edges: dict[str, dict[tuple, int]] = {}
    for subject, predicate, value in triples:
        if predicate == rdf_type:
            continue
        outgoing = edges.setdefault(subject, {})
        if _is_literal(value):
            key = _shape_of_literal(predicate, value)
        else:
            is_linked = linked is None or predicate in linked
            key = ("out", predicate, kind(value) if is_linked or value in constants else ())
            if value not in constants:
                incoming = edges.setdefault(value, {})
                back = ("in", predicate, kind(subject) if is_linked else ())
                incoming[back] = incoming.get(back, 0) + 1
        outgoing[key] = outgoing.get(key, 0) + 1
    representative_of_shape: dict[tuple, str] = {}
    representative: dict[str, str] = {}
    for resource in [*types, *(term for term in edges if term not in types)]:
        if resource in constants:
            continue
        shape = (kinds.get(resource, ()),
                 tuple(sorted((key, min(count, 2)) for key, count in edges.get(resource, {}).items())))
        representative[resource] = representative_of_shape.setdefault(shape, resource)
    chosen = set(representative_of_shape.values())
    kept: dict[Triple, None] = {}
    neighbours: set[str] = set()
    examples: dict[tuple, int] = {}  # two statements of each kind stand for "several": a shape says no more
    for triple in triples:
        subject, predicate, value = triple
        if predicate == rdf_type:
            if subject in chosen:
                kept[triple] = None
            continue
        if subject in chosen:
            key = (
                subject,
                _shape_of_literal(predicate, value) if _is_literal(value) else ("out", predicate, kind(value)),
            )
        elif value in chosen:
            key = (value, "in", predicate, kind(subject))
        else:
            continue
        if examples.get(key, 0) < 2:
            examples[key] = examples.get(key, 0) + 1
            kept[triple] = None
            neighbours.add(subject)
            if not _is_literal(value):
                neighbours.add(value)
    for subject, predicate, value in triples:
        if predicate == rdf_type and subject in neighbours:
            kept[(subject, predicate, value)] = None
    return list(kept), representative


def infer_types_of(
    ontology: Graph,
    triples: list[Triple],
    origin_of: Callable[[Triple], Origin | None],
    cache: AnswerCache | None = None,
) -> list[Triple]:
    """Types HermiT infers for the facts' resources that the facts do not state, by way of a summary.

    `origin_of` gives the record behind a triple (None: no record); it is asked only when the facts
    are inconsistent. With a cache, HermiT's answer to a summary it has seen before is read back (see
    _is_consistent).

    :raises Inconsistent: naming the records that together contradict the ontology.
    :raises ReasonerError: when HermiT cannot run.
    """
    rdf_type = nt_term(RDF.type)
    constants = {nt_term(term) for term in ontology.subjects() if isinstance(term, URIRef)}
    # what HermiT never reads (tagged text, dates) must not split shapes either: at a million triples the
    # dates' three precisions and the labels' languages made 10k summary statements of what are 3k for HermiT
    visible = [triple for triple in triples if not _outside_owl2(triple[2])]
    summary, representative = summarise(visible, constants, rdf_type, linked_properties(ontology))
    with tempfile.TemporaryDirectory(prefix="kgbuild-reasoner-") as tmp:
        consistent, known_types = _is_consistent(ontology, summary, Path(tmp), cache)
        if not consistent:
            groups = _groups(summary, origin_of)
            background = groups.pop(None, Graph())  # triples no YAML line wrote (ISO names): always in
            by_record = {origin: graph for origin, graph in groups.items() if origin is not None}
            culprits = minimal_conflict(ontology + background, by_record, Path(tmp), cache)
            subjects = {s for origin in culprits for s in by_record[origin].subjects()}
            # rdflib's terms order (by kind, then text); its stubs type subjects() as Node, which has no order
            raise Inconsistent(sorted(culprits), sorted(subjects))  # type: ignore[type-var]
    typed = {subject for subject, predicate, _ in triples if predicate == rdf_type}
    asserted_types = {(subject, value) for subject, predicate, value in triples if predicate == rdf_type}
    skip = {nt_term(OWL.NamedIndividual), nt_term(OWL.Thing)}
    inferred_for: dict[str, list[str]] = {}
    for subject_term, class_term in known_types:
        if class_term not in skip and (subject_term, class_term) not in asserted_types:
            inferred_for.setdefault(subject_term, []).append(class_term)
    inferred: list[Triple] = []
    for resource in typed:
        for class_term in sorted(inferred_for.get(representative.get(resource, resource), ())):
            if (resource, class_term) not in asserted_types:
                inferred.append((resource, rdf_type, class_term))
    return sorted(inferred)


def _groups(summary: list[Triple], origin_of: Callable[[Triple], Origin | None]) -> dict[Origin | None, Graph]:
    """The summary's triples by the record that wrote them, for QuickXplain."""
    by_origin: dict[Origin | None, list[Triple]] = {}
    for triple in summary:
        by_origin.setdefault(origin_of(triple), []).append(triple)
    return {origin: to_graph(group) for origin, group in by_origin.items()}


def minimal_conflict(
    ontology: Graph, groups: dict[Origin, Graph], workdir: Path, cache: AnswerCache | None = None
) -> list[Origin]:
    """The smallest set of records whose triples, with the ontology, are inconsistent (QuickXplain).

    Costs about 2k·log(n/k) reasoner runs for k culprits among n records: only ever paid on failure.
    """
    def inconsistent(origins: Sequence[Origin]) -> bool:
        merged = Graph()
        for origin in origins:
            for triple in groups[origin]:
                merged.add(triple)
        return not _is_consistent(ontology, nt_triples(merged), workdir, cache)[0]

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
