"""Graph stage: SHACL validation, each violation traced back to the YAML line behind it.

Small graphs (the curated facts) are validated by pySHACL, whole. pySHACL takes seconds per thousand
triples, so a large graph is validated twice over instead: every shape is translated into SPARQL queries
that find its violations (cardinality, datatype, class, value sets, patterns, node kinds, languages,
sh:or of those, and the shapes' own sh:sparql constraints) and run on the Oxigraph store over all the
data; and pySHACL validates a stratified sample (a few focus nodes per target, with their statements)
as a cross-check of the translation. A shape using a constraint the translation does not know is
validated by pySHACL over all the data, as for a small graph: slower, never silently skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from ..facts import Origin
from .mapping import Mapped, Triple, nt_term, to_graph

EXACT_LIMIT = 5_000  # triples up to which pySHACL validates everything (the curated facts: ~2.6k)
SAMPLE_PER_TARGET = 1


@dataclass(frozen=True, order=True)
class ShapeViolation:
    origin: Origin
    message: str


def check_shapes(shapes: Graph, data: Graph, mapped: Mapped) -> list[ShapeViolation]:
    """Validate data (facts plus materialised types) against the shapes with pySHACL; return each violation, located."""
    return sorted({_located(focus, path, value, message, mapped) for focus, path, value, message in _pyshacl(shapes, data)})


def _pyshacl(shapes: Graph, data: Graph) -> list[tuple]:
    from pyshacl import validate  # heavy import; only the build needs it

    conforms, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True, meta_shacl=False)
    if conforms:
        return []
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append((results.value(result, SH.focusNode), results.value(result, SH.resultPath),
                      results.value(result, SH.value),
                      str(results.value(result, SH.resultMessage) or "does not match its shape")))
    return found


def _located(focus, path, value, message: str, mapped: Mapped) -> ShapeViolation:
    origin = mapped.origin_of(focus, path, value) or Origin(str(focus), 0)
    path_text = f" ({_short(path)})" if isinstance(path, URIRef) else ""
    return ShapeViolation(origin, f"{_short(focus)}{path_text}: {message}")


def _short(term) -> str:
    text = str(term)
    for marker in ("/id/", "#"):
        if marker in text:
            return text.rsplit(marker, 1)[1] if marker == "#" else text.split(marker, 1)[1]
    return text


@dataclass
class ShapeCheck:
    """What pySHACL found before the store was written, and the SPARQL constraints left to run on it."""

    violations: list[ShapeViolation]  # all of them when nothing is left for the store
    on_store: list[Constraint] = field(default_factory=list)
    sample_findings: list[tuple] = field(default_factory=list)  # (focus, path, value, message) on the sample


def check_shapes_in_memory(shapes: Graph, triples: list[Triple], mapped: Mapped,
                           progress: Callable[[str], None] = lambda _: None,
                           exact_limit: int = EXACT_LIMIT) -> ShapeCheck:
    """The pySHACL half of validating the facts plus inferences (triples): all of them up to exact_limit
    triples (nothing left for the store), else a stratified sample, with the shapes' SPARQL translation
    left to run on the store (check_shapes_on_store)."""
    if len(triples) <= exact_limit:
        return ShapeCheck(check_shapes(shapes, to_graph(triples), mapped))
    translated = translate_shapes(shapes)
    if translated is None:
        progress("a shape uses a constraint the SPARQL translation does not know: pySHACL validates everything")
        return ShapeCheck(check_shapes(shapes, to_graph(triples), mapped))
    sampled, chosen = sample(triples, shapes)
    found = [finding for finding in _pyshacl(shapes, to_graph(sampled)) if nt_term(finding[0]) in chosen]
    return ShapeCheck(sorted({_located(*finding, mapped) for finding in found}), translated, found)


def check_shapes_on_store(check: ShapeCheck, query: Callable[[str], Iterable], mapped: Mapped) -> list[ShapeViolation]:
    """Every violation: the translated constraints run by query (a SPARQL SELECT over the same triples,
    yielding rows of pyoxigraph terms), plus what pySHACL found on the sample that they did not."""
    violations: dict[tuple, ShapeViolation] = {}
    for constraint in check.on_store:
        for row in query(constraint.query):
            focus = _rdflib(_get(row, "this"))
            value = _rdflib(_get(row, "value"))
            path = constraint.path or _rdflib(_get(row, "path"))
            message = _fill(constraint.message, row)
            violations.setdefault((focus, path, message), _located(focus, path, value, message, mapped))
    found = {(focus, path) for focus, path, _ in violations}
    for focus, path, value, message in check.sample_findings:  # the cross-check: what the translation missed
        if (focus, path) not in found:
            violations.setdefault((focus, path, message), _located(focus, path, value, message, mapped))
    return sorted(set(violations.values()))


def _is_literal_term(term: str) -> bool:
    return term.startswith('"')


def _get(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError, ValueError):
        return None


def _rdflib(term):
    """A pyoxigraph term as the rdflib term it stands for (None for an unbound variable)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _fill(message: str, row) -> str:
    """Put a result's values into a message's {$this} and {?name} slots, as pySHACL does."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        term = _get(row, name)
        return str(term.value) if term is not None else match.group(0)
    return re.sub(r"\{[$?](\w+)\}", value, message)


# -- the translation ---------------------------------------------------------------------------------

@dataclass
class Constraint:
    """One SPARQL query that finds the violations of one constraint: rows of ?this (?value, ?path)."""

    query: str
    message: str
    path: URIRef | None = None


class Untranslatable(Exception):
    """A shape uses a constraint component the translation does not cover."""


KNOWN_SHAPE_KEYS = {RDF.type, SH.targetClass, SH.targetSubjectsOf, SH.property, SH.message, SH.sparql,
                    SH["class"], SH["in"], SH["or"], SH.path, SH.minCount, SH.maxCount, SH.datatype, SH.pattern,
                    SH.nodeKind, SH.uniqueLang, SH.languageIn, SH.qualifiedValueShape, SH.qualifiedMinCount,
                    SH.minInclusive, SH.name, SH.description, SH.severity, SH.flags,
                    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                    URIRef("http://www.w3.org/2000/01/rdf-schema#comment")}


def translate_shapes(shapes: Graph) -> list[Constraint] | None:
    """Every constraint of every targeted node shape as a SPARQL query; None if one is not translatable."""
    constraints: list[Constraint] = []
    try:
        for shape in sorted(set(shapes.subjects(SH.targetClass)) | set(shapes.subjects(SH.targetSubjectsOf)), key=str):
            constraints.extend(_translate_node_shape(shapes, shape))
    except Untranslatable:
        return None
    return constraints


def _n3(term) -> str:
    return nt_term(term)


def _list(shapes: Graph, head) -> list:
    return list(Collection(shapes, head))


def _message(shapes: Graph, shape, fallback: str) -> str:
    for message in shapes.objects(shape, SH.message):
        if not isinstance(message, Literal) or message.language in (None, "en"):
            return str(message)
    return fallback


def _check_keys(shapes: Graph, shape) -> None:
    unknown = {predicate for predicate in shapes.predicates(shape) if predicate not in KNOWN_SHAPE_KEYS}
    if unknown:
        raise Untranslatable(", ".join(sorted(str(predicate) for predicate in unknown)))


def _targets(shapes: Graph, shape) -> str:
    patterns = [f"{{ ?this a {_n3(cls)} }}" for cls in shapes.objects(shape, SH.targetClass)]
    patterns += [f"{{ SELECT DISTINCT ?this WHERE {{ ?this {_n3(p)} ?anyValue }} }}"
                 for p in shapes.objects(shape, SH.targetSubjectsOf)]
    return " UNION ".join(patterns)


def _value_test(shapes: Graph, shape, variable: str) -> str | None:
    """A SPARQL condition true when a value conforms to shape's value constraints (None: no such constraint)."""
    tests = []
    for cls in shapes.objects(shape, SH["class"]):
        tests.append(f"EXISTS {{ {variable} a {_n3(cls)} }}")
    for datatype in shapes.objects(shape, SH.datatype):
        tests.append(f"(isLiteral({variable}) && DATATYPE({variable}) = {_n3(datatype)})")
    for head in shapes.objects(shape, SH["in"]):
        tests.append(f"({variable} IN ({', '.join(_n3(item) for item in _list(shapes, head))}))")
    for pattern in shapes.objects(shape, SH.pattern):
        flags = shapes.value(shape, SH.flags)
        tests.append(f"(!isBlank({variable}) && REGEX(STR({variable}), {_n3(Literal(str(pattern)))}"
                     f"{', ' + _n3(Literal(str(flags))) if flags else ''}))")
    for kind in shapes.objects(shape, SH.nodeKind):
        test = {SH.IRI: "isIRI", SH.Literal: "isLiteral", SH.BlankNode: "isBlank"}.get(kind)
        if test is None:
            raise Untranslatable(str(kind))
        tests.append(f"{test}({variable})")
    for head in shapes.objects(shape, SH.languageIn):
        languages = " || ".join(f"langMatches(LANG({variable}), {_n3(Literal(str(tag)))})" for tag in _list(shapes, head))
        tests.append(f"({languages})")
    for minimum in shapes.objects(shape, SH.minInclusive):
        tests.append(f"({variable} >= {_n3(minimum)})")
    for head in shapes.objects(shape, SH["or"]):
        options = []
        for option in _list(shapes, head):
            if (option, SH.path, None) in shapes:
                raise Untranslatable("sh:or of property shapes on a value")
            _check_keys(shapes, option)
            test = _value_test(shapes, option, variable)
            if test is None:
                raise Untranslatable("empty sh:or option")
            options.append(test)
        tests.append("(" + " || ".join(options) + ")")
    return " && ".join(tests) if tests else None


def _translate_node_shape(shapes: Graph, shape) -> list[Constraint]:
    _check_keys(shapes, shape)
    targets = _targets(shapes, shape)
    message = _message(shapes, shape, "does not match its shape")
    constraints: list[Constraint] = []
    node_test = None
    or_of_properties = []
    for head in shapes.objects(shape, SH["or"]):
        options = _list(shapes, head)
        if all((option, SH.path, None) in shapes for option in options):
            or_of_properties.append(options)
    if or_of_properties:
        for options in or_of_properties:
            alternatives = []
            for option in options:
                _check_keys(shapes, option)
                if set(shapes.predicates(option)) - {SH.path, SH.minCount}:
                    raise Untranslatable("sh:or of property shapes beyond sh:minCount")
                alternatives.append(f"EXISTS {{ ?this {_n3(shapes.value(option, SH.path))} ?anyValue }}")
            constraints.append(Constraint(f"SELECT ?this WHERE {{ {targets} FILTER (!({' || '.join(alternatives)})) }}", message))
    else:
        node_test = _value_test(shapes, shape, "?this")
    if node_test is not None:
        constraints.append(Constraint(f"SELECT ?this (?this AS ?value) WHERE {{ {targets} FILTER (!({node_test})) }}", message))
    for property_shape in shapes.objects(shape, SH.property):
        constraints.extend(_translate_property_shape(shapes, property_shape, targets))
    for sparql in shapes.objects(shape, SH.sparql):
        constraints.append(_translate_sparql(shapes, sparql, targets))
    return constraints


def _translate_property_shape(shapes: Graph, shape, targets: str) -> list[Constraint]:
    _check_keys(shapes, shape)
    path = shapes.value(shape, SH.path)
    if not isinstance(path, URIRef):
        raise Untranslatable("a property path other than one IRI")
    p = _n3(path)
    message = _message(shapes, shape, f"does not match the shape of {path}")
    found: list[Constraint] = []
    minimum = shapes.value(shape, SH.minCount)
    if minimum is not None and int(minimum) > 0:
        found.append(Constraint(f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?value }} }} "
                                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {int(minimum)})", message, path))
    maximum = shapes.value(shape, SH.maxCount)
    if maximum is not None:
        found.append(Constraint(f"SELECT ?this WHERE {{ {targets} ?this {p} ?value }} "
                                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(maximum)})", message, path))
    test = _value_test(shapes, shape, "?value")
    if test is not None:
        found.append(Constraint(f"SELECT ?this ?value WHERE {{ {targets} ?this {p} ?value FILTER (!({test})) }}", message, path))
    if (shapes.value(shape, SH.uniqueLang) or Literal(False)).toPython() is True:
        found.append(Constraint(f"SELECT DISTINCT ?this WHERE {{ {targets} ?this {p} ?value , ?other "
                                f"FILTER (?value != ?other && LANG(?value) != \"\" && LANG(?value) = LANG(?other)) }}",
                                message, path))
    qualified = shapes.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        _check_keys(shapes, qualified)
        least = int(shapes.value(shape, SH.qualifiedMinCount) or 0)
        qualified_test = _value_test(shapes, qualified, "?value")
        if least > 0 and qualified_test is not None:
            found.append(Constraint(f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?value FILTER ({qualified_test}) }} }} "
                                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {least})", message, path))
    return found


def _translate_sparql(shapes: Graph, constraint, targets: str) -> Constraint:
    select = str(shapes.value(constraint, SH.select))
    prefixes = []
    for declaring in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declaring, SH.declare):
            prefixes.append(f"PREFIX {shapes.value(declaration, SH.prefix)}: <{shapes.value(declaration, SH.namespace)}>")
    body = select.replace("$this", "?this")
    head, _, rest = body.partition("WHERE")
    # the targets go first inside the constraint's own group (not around it as a subquery, which
    # Oxigraph would evaluate over all the data first: minutes for a self-join of components)
    opening = rest.index("{")
    query = "\n".join(prefixes) + f"\n{head} WHERE {{ {targets} {rest[opening + 1:]}"
    return Constraint(query, _message(shapes, constraint, "does not match its SPARQL constraint"))


# -- the sample --------------------------------------------------------------------------------------

def sample(triples: list[Triple], shapes: Graph, per_target: int = SAMPLE_PER_TARGET) -> tuple[list[Triple], set[str]]:
    """A few focus nodes of every target (spread over the data), with every statement they are part of,
    what the resources they point at say, and the types of everything these point at; and the focus
    nodes chosen. Only the chosen nodes' results count: the others are seen in part. What points at a
    focus node comes without its types, so pySHACL does not validate it (a source cited by a thousand
    records would bring them all)."""
    rdf_type = nt_term(RDF.type)
    classes = {nt_term(cls) for cls in shapes.objects(None, SH.targetClass)}
    subjects_of = {nt_term(p) for p in shapes.objects(None, SH.targetSubjectsOf)}
    candidates: dict[str, dict[str, None]] = {}
    for subject, predicate, value in triples:
        if predicate == rdf_type and value in classes:
            candidates.setdefault(value, {})[subject] = None
        elif predicate in subjects_of:
            candidates.setdefault(predicate, {})[subject] = None
    chosen: set[str] = set()
    for focus_nodes in candidates.values():
        nodes = list(focus_nodes)
        step = max(1, len(nodes) // per_target)
        chosen.update(nodes[::step][:per_target])
    ahead: set[str] = set(chosen)  # the focus nodes and what they point at (a declaration's components)
    per_property: dict[tuple[str, str], int] = {}
    for subject, predicate, value in triples:  # a few per property: a country is kg:memberOf a thousand
        if subject in chosen and not _is_literal_term(value):
            seen = per_property.get((subject, predicate), 0)
            if seen < 10:
                per_property[(subject, predicate)] = seen + 1
                ahead.add(value)
    kept: dict[Triple, None] = {}
    ends: set[str] = set()
    for triple in triples:
        if triple[0] in ahead or triple[2] in chosen:
            kept[triple] = None
            if triple[0] in ahead:
                ends.add(triple[2])
    for triple in triples:  # the types of what the kept statements point at, for sh:class
        if triple[1] == rdf_type and triple[0] in ends:
            kept[triple] = None
    return list(kept), chosen
