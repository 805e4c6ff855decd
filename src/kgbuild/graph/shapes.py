"""Graph stage: SHACL validation, each violation traced back to the YAML line behind it.

Small graphs (the curated facts) are validated by pySHACL, whole. pySHACL takes seconds per thousand
triples, so a large graph is validated by translation instead: every shape becomes SPARQL queries that
find its violations (cardinality, datatype, class, value sets, patterns, node kinds, languages, sh:or
of those, and the shapes' own sh:sparql constraints), run on an Oxigraph store over all the data.
tests/test_shape_translation.py holds the translation to pySHACL's findings, case by case. A shape
using a constraint the translation does not know is validated by pySHACL over all the data, as for a
small graph: slower, never silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from ..facts import Origin
from ..vocab import short_name
from .mapping import Mapped
from .ntriples import Triple, nt_term, to_graph

EXACT_LIMIT = 5_000  # triples up to which pySHACL validates everything (the curated facts: ~2.6k)


@dataclass(frozen=True, order=True)
class ShapeViolation:
    origin: Origin
    message: str


def check_shapes(shapes: Graph, data: Graph, mapped: Mapped) -> list[ShapeViolation]:
    """Validate data (facts plus materialised types) against the shapes with pySHACL; return each violation, located."""
    return sorted(
        {_located(focus, path, value, message, mapped) for focus, path, value, message in _pyshacl(shapes, data)}
    )


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
    path_text = f" ({short_name(path)})" if isinstance(path, URIRef) else ""
    return ShapeViolation(origin, f"{short_name(focus)}{path_text}: {message}")


@dataclass
class ShapeCheck:
    """What pySHACL found in memory, or the translated constraints left to run on a store."""

    violations: list[ShapeViolation]  # all of them when nothing is left for the store
    on_store: list[Constraint] = field(default_factory=list)


def check_shapes_in_memory(shapes: Graph, triples: list[Triple], mapped: Mapped,
                           progress: Callable[[str], None] = lambda _: None,
                           exact_limit: int | None = None) -> ShapeCheck:
    """Validate the facts plus inferences (triples) with pySHACL when they are at most exact_limit
    triples; above that, return the shapes' SPARQL translation to run on a store (check_shapes_on_store)."""
    if len(triples) <= (EXACT_LIMIT if exact_limit is None else exact_limit):
        return ShapeCheck(check_shapes(shapes, to_graph(triples), mapped))
    translated = translate_shapes(shapes)
    if translated is None:
        progress("a shape uses a constraint the SPARQL translation does not know: pySHACL validates everything")
        return ShapeCheck(check_shapes(shapes, to_graph(triples), mapped))
    return ShapeCheck([], translated)


def check_shapes_on_store(check: ShapeCheck, query: Callable[[str], Iterable], mapped: Mapped) -> list[ShapeViolation]:
    """Every violation the translated constraints find, run by query (a SPARQL SELECT over the facts and
    inferences, yielding rows of pyoxigraph terms)."""
    violations: dict[tuple, ShapeViolation] = {}
    for constraint in check.on_store:
        for row in query(constraint.query):
            focus = _rdflib(_get(row, "this"))
            value = _rdflib(_get(row, "value"))
            path = constraint.path or _rdflib(_get(row, "path"))
            message = _fill(constraint.message, row)
            violations.setdefault((focus, path, message), _located(focus, path, value, message, mapped))
    return sorted(set(violations.values()))


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
        tests_of: dict[Node, str] = {SH.IRI: "isIRI", SH.Literal: "isLiteral", SH.BlankNode: "isBlank"}
        test = tests_of.get(kind)
        if test is None:
            raise Untranslatable(str(kind))
        tests.append(f"{test}({variable})")
    for head in shapes.objects(shape, SH.languageIn):
        languages = " || ".join(
            f"langMatches(LANG({variable}), {_n3(Literal(str(tag)))})" for tag in _list(shapes, head)
        )
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
            constraints.append(
                Constraint(f"SELECT ?this WHERE {{ {targets} FILTER (!({' || '.join(alternatives)})) }}", message)
            )
    else:
        node_test = _value_test(shapes, shape, "?this")
    if node_test is not None:
        constraints.append(
            Constraint(f"SELECT ?this (?this AS ?value) WHERE {{ {targets} FILTER (!({node_test})) }}", message)
        )
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
    minimum = int(shapes.value(shape, SH.minCount) or 0)
    maximum = shapes.value(shape, SH.maxCount)
    too_few = f"COUNT(DISTINCT ?value) < {minimum}" if minimum > 0 else None
    too_many = f"COUNT(DISTINCT ?value) > {int(maximum)}" if maximum is not None else None
    if too_few:  # with the maximum in the same pass: one grouping of the targets, not two
        found.append(Constraint(f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?value }} }} GROUP BY ?this "
                                f"HAVING ({' || '.join(filter(None, (too_few, too_many)))})", message, path))
    elif too_many:
        found.append(
            Constraint(
                f"SELECT ?this WHERE {{ {targets} ?this {p} ?value }} GROUP BY ?this HAVING ({too_many})", message, path
            )
        )
    test = _value_test(shapes, shape, "?value")
    if test is not None:
        found.append(
            Constraint(f"SELECT ?this ?value WHERE {{ {targets} ?this {p} ?value FILTER (!({test})) }}", message, path)
        )
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
            found.append(
                Constraint(
                    f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {p} ?value FILTER ({qualified_test}) }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {least})",
                    message,
                    path,
                )
            )
    return found


def _translate_sparql(shapes: Graph, constraint, targets: str) -> Constraint:
    select = str(shapes.value(constraint, SH.select))
    prefixes = []
    for declaring in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declaring, SH.declare):
            prefixes.append(
                f"PREFIX {shapes.value(declaration, SH.prefix)}: <{shapes.value(declaration, SH.namespace)}>"
            )
    body = select.replace("$this", "?this")
    head, _, rest = body.partition("WHERE")
    # the targets go first inside the constraint's own group (not around it as a subquery, which
    # Oxigraph would evaluate over all the data first: minutes for a self-join of components)
    opening = rest.index("{")
    query = "\n".join(prefixes) + f"\n{head} WHERE {{ {targets} {rest[opening + 1:]}"
    return Constraint(query, _message(shapes, constraint, "does not match its SPARQL constraint"))
