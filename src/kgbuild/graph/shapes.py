"""Graph stage: SHACL validation, each result traced back to the YAML line behind it.

Every build, whatever its size, validates the shapes by translation: each constraint of each targeted
shape becomes a SPARQL query that finds its violations (cardinality, datatype, class, value sets,
patterns, node kinds, languages, ranges, sh:or of those, qualified counts and the shapes' own sh:sparql
constraints), run on an in-memory Oxigraph store of the facts and inferences; the cardinalities of the
property shapes on one set of targets share one query (_counted), which finds the targets once; a
constraint on a path that several shapes share (a label's language, a source's class) is one query for
all their targets (_grouped), its values read first, once. pySHACL, the reference engine, takes
seconds per thousand triples (docs/performance.md, "SHACL engines"), so it is kept for two things:
tests/test_shape_translation.py holds the translation to pySHACL's findings on the curated facts and
on every planted breakage, and a shape using a constraint or target the translation does not know is
validated by pySHACL (that shape alone, over all the data): slower, never silently skipped.

Targets: sh:targetClass (instances of subclasses too, as in SHACL), sh:targetSubjectsOf,
sh:targetObjectsOf, sh:targetNode and implicit class targets; a deactivated shape checks nothing, as in
pySHACL. Severities are kept: each result carries its shape's sh:severity (sh:Violation by default);
only violations fail the build, warnings and infos are reported as warnings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from ..facts import Origin
from ..vocab import short_name
from .mapping import Mapped
from .ntriples import nt_term, rdflib_term

VIOLATION = "Violation"
SEVERITIES = {SH.Violation: VIOLATION, SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True, order=True)
class ShapeViolation:
    """One validation result, located; severity is "Violation" (fails the build), "Warning" or "Info"."""

    origin: Origin
    message: str
    severity: str = VIOLATION


def check_shapes(shapes: Graph, data: Graph, mapped: Mapped) -> list[ShapeViolation]:
    """Validate data (facts plus materialised types) against the shapes with pySHACL; return each result, located."""
    return sorted(
        {
            _located(focus, path, value, message, mapped, severity)
            for focus, path, value, message, severity in _pyshacl(shapes, data)
        }
    )


def _pyshacl(shapes: Graph, data) -> list[tuple]:
    from pyshacl import validate  # heavy import; only the reference and the fallback need it

    # every result, whatever sh:conforms says: with allow_warnings, pySHACL says a graph conforms when the
    # violations come from a property shape of a node shape marked sh:Warning
    _, results, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, meta_shacl=False
    )
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        found.append(
            (
                results.value(result, SH.focusNode),
                results.value(result, SH.resultPath),
                results.value(result, SH.value),
                str(results.value(result, SH.resultMessage) or "does not match its shape"),
                SEVERITIES.get(severity, short_name(severity) if severity is not None else VIOLATION),
            )
        )
    return found


def _located(focus, path, value, message: str, mapped: Mapped, severity: str = VIOLATION) -> ShapeViolation:
    origin = mapped.origin_of(focus, path, value) or Origin(str(focus), 0)
    path_text = f" ({short_name(path)})" if isinstance(path, URIRef) else ""
    return ShapeViolation(origin, f"{short_name(focus)}{path_text}: {message}", severity)


@dataclass
class Translation:
    """The shapes as SPARQL queries, and the shapes the translation does not know (left to pySHACL)."""

    constraints: list[Constraint] = field(default_factory=list)
    untranslated: list = field(default_factory=list)  # shape nodes, each with the reason
    reasons: dict = field(default_factory=dict)
    shapes: Graph | None = None

    def fallback_shapes(self) -> Graph | None:
        """The shapes graph with only the untranslated shapes targeting anything (None: there are none)."""
        if not self.untranslated or self.shapes is None:
            return None
        graph = Graph()
        for triple in self.shapes:
            graph.add(triple)
        keep = set(self.untranslated)
        for shape in targeted_shapes(self.shapes):
            if shape in keep:
                continue
            for target in TARGETS:
                graph.remove((shape, target, None))
            for cls in (RDFS.Class, OWL.Class):
                graph.remove((shape, RDF.type, cls))
        return graph


def check_shapes_on_store(
    translation: Translation, query: Callable[[str], Iterable], mapped: Mapped, data: Callable[[], Graph] | None = None
) -> list[ShapeViolation]:
    """Every result the translated constraints find, run by query (a SPARQL SELECT over the facts and
    inferences, yielding rows of pyoxigraph terms); the untranslated shapes are validated by pySHACL on
    data() (the same facts and inferences as an rdflib graph), which must then be given."""
    results: dict[tuple, ShapeViolation] = {}
    subclasses = any(True for _ in query(f"SELECT ?class WHERE {{ ?class <{RDFS.subClassOf}> ?other }} LIMIT 1"))
    for grouped in translation.constraints:
        for row in query(grouped.text(subclasses)):
            constraint = grouped.case_of(row)
            focus = rdflib_term(_get(row, "this"))
            value = rdflib_term(_get(row, "value"))
            path = constraint.path or rdflib_term(_get(row, "path"))
            message = _fill(constraint.message, row)
            results.setdefault(
                (focus, path, message, constraint.severity),
                _located(focus, path, value, message, mapped, constraint.severity),
            )
    fallback = translation.fallback_shapes()
    if fallback is not None:
        if data is None:
            raise Untranslatable(
                "shapes the translation does not know, and no data for pySHACL: "
                + "; ".join(translation.reasons.values())
            )
        found = set(results.values()) | set(check_shapes(fallback, data(), mapped))
        return sorted(found)
    return sorted(set(results.values()))


def _get(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError, ValueError):
        return None


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
    """One SPARQL query that finds the results of one constraint: rows of ?this (?value, ?path); or, with
    cases, of several constraints at once, each row's ?case naming the one it breaks (cases[?case])."""

    query: str  # with the subclass branches marked (SUBCLASS_START ... SUBCLASS_END): see text()
    message: str
    path: URIRef | None = None
    severity: str = VIOLATION
    cases: list[Constraint] = field(default_factory=list)
    # a constraint on a path keeps its parts apart, for _grouped to merge it with its like on other targets:
    check: str = ""  # the query with slots for the targets (TARGETS_SLOT) and a ?case (CASE_SLOT)
    targets: str = ""  # the pattern of its focus nodes

    def case_of(self, row) -> Constraint:
        """The constraint a result row breaks: this one, or the case its ?case names."""
        if not self.cases:
            return self
        return self.cases[int(_get(row, "case").value)]

    def text(self, subclasses: bool) -> str:
        """The query; without the subclass branches when the data has no rdfs:subClassOf triple (they
        cost a property path per class test: four times the translation's time on the build's data)."""
        if subclasses:
            return self.query.replace(SUBCLASS_START, "").replace(SUBCLASS_END, "")
        return re.sub(f"{SUBCLASS_START}.*?{SUBCLASS_END}", "", self.query, flags=re.DOTALL)


SUBCLASS_START, SUBCLASS_END = "\x1e", "\x1f"
TARGETS_SLOT, CASE_SLOT = "\x1c", "\x1d"


class Untranslatable(Exception):
    """A shape uses a constraint component or target the translation does not cover."""


TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
# what a shape may say for the translation to know all of it (anything else: pySHACL validates that shape)
KNOWN_SHAPE_KEYS = {
    RDF.type,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.property,
    SH.message,
    SH.sparql,
    SH["class"],
    SH["in"],
    SH["or"],
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.pattern,
    SH.nodeKind,
    SH.uniqueLang,
    SH.languageIn,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.name,
    SH.description,
    SH.severity,
    SH.flags,
    SH.deactivated,
    SH.order,
    SH.group,
    RDFS.label,
    RDFS.comment,
    RDFS.subClassOf,
}
KNOWN_SPARQL_KEYS = {RDF.type, SH.select, SH.prefixes, SH.message, SH.name, SH.description, RDFS.label, RDFS.comment}
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


def targeted_shapes(shapes: Graph) -> list:
    """Every shape with a target: an explicit one, or an implicit class target (a shape that is a class)."""
    found = {shape for target in TARGETS for shape in shapes.subjects(target)}
    for kind in SHAPE_TYPES:
        for shape in shapes.subjects(RDF.type, kind):
            if {(shape, RDF.type, RDFS.Class), (shape, RDF.type, OWL.Class)} & set(
                shapes.triples((shape, RDF.type, None))
            ):
                found.add(shape)
    return sorted(found, key=str)


def translate_shapes(shapes: Graph) -> Translation:
    """Every constraint of every targeted shape as a SPARQL query; the shapes that cannot be translated
    are named in the result's untranslated (and validated by pySHACL: see check_shapes_on_store)."""
    translation = Translation(shapes=shapes)
    for shape in targeted_shapes(shapes):
        if _deactivated(shapes, shape):
            continue
        try:
            translation.constraints.extend(_translate_targeted_shape(shapes, shape))
        except Untranslatable as reason:
            translation.untranslated.append(shape)
            translation.reasons[shape] = f"{short_name(shape) if isinstance(shape, URIRef) else 'a shape'}: {reason}"
    translation.constraints = _grouped(translation.constraints)
    return translation


def _deactivated(shapes: Graph, shape) -> bool:
    flag = shapes.value(shape, SH.deactivated)
    return isinstance(flag, Literal) and flag.toPython() is True


def _n3(term) -> str:
    return nt_term(term)


def _list(shapes: Graph, head) -> list:
    return list(Collection(shapes, head))


def _message(shapes: Graph, shape, fallback: str) -> str:
    for message in shapes.objects(shape, SH.message):
        if not isinstance(message, Literal) or message.language in (None, "en"):
            return str(message)
    return fallback


def _severity(shapes: Graph, shape) -> str:
    severity = shapes.value(shape, SH.severity)
    if severity is None:
        return VIOLATION
    return SEVERITIES.get(severity, short_name(severity))


def _check_keys(shapes: Graph, shape, known=KNOWN_SHAPE_KEYS) -> None:
    unknown = {predicate for predicate in shapes.predicates(shape) if predicate not in known}
    if unknown:
        raise Untranslatable("does not know " + ", ".join(sorted(short_name(predicate) for predicate in unknown)))
    if _deactivated(shapes, shape):
        raise Untranslatable("a deactivated shape inside another")


_fresh = itertools.count()


def _instance_of(variable: str, cls) -> str:
    """A pattern true when variable is an instance of cls or of a subclass of it (as in SHACL's class checks)."""
    sub = f"?kgsub{next(_fresh)}"
    return (
        f"{{ {variable} a {_n3(cls)} }} {SUBCLASS_START}UNION {{ {sub} <{RDFS.subClassOf}>+ {_n3(cls)} . "
        f"{variable} a {sub} }}{SUBCLASS_END}"
    )


def _targets(shapes: Graph, shape) -> str:
    if (shape, SH.target, None) in shapes:
        raise Untranslatable("a SHACL-AF sh:target")
    classes = list(shapes.objects(shape, SH.targetClass))
    if {(shape, RDF.type, RDFS.Class), (shape, RDF.type, OWL.Class)} & set(shapes.triples((shape, RDF.type, None))):
        classes.append(shape)
    patterns = [f"{{ {_instance_of('?this', cls)} }}" for cls in classes]
    patterns += [
        f"{{ SELECT DISTINCT ?this WHERE {{ ?this {_n3(p)} ?anyValue }} }}"
        for p in shapes.objects(shape, SH.targetSubjectsOf)
    ]
    patterns += [
        f"{{ SELECT DISTINCT ?this WHERE {{ ?anySubject {_n3(p)} ?this }} }}"
        for p in shapes.objects(shape, SH.targetObjectsOf)
    ]
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        patterns.append(f"{{ VALUES ?this {{ {' '.join(_n3(node) for node in nodes)} }} }}")
    return "{ " + " UNION ".join(patterns) + " }"


def _value_test(shapes: Graph, shape, variable: str, skip_or: Iterable = ()) -> str | None:
    """A SPARQL condition true when a value conforms to shape's value constraints (None: no such constraint).

    Every test is wrapped in COALESCE(..., false): a comparison SPARQL cannot make (a date against a
    number) is a non-conforming value, as in SHACL, not an error that would drop the row."""
    tests = []
    for cls in shapes.objects(shape, SH["class"]):
        tests.append(f"EXISTS {{ {_instance_of(variable, cls)} }}")
    for datatype in shapes.objects(shape, SH.datatype):
        test = f"isLiteral({variable}) && DATATYPE({variable}) = {_n3(datatype)}"
        if datatype in WELL_FORMED:  # an ill-typed literal ("2020-13-45"^^xsd:date) fails sh:datatype
            test += f" && isLiteral({_n3(datatype)}(STR({variable})))"
        tests.append(f"COALESCE({test}, false)")
    for head in shapes.objects(shape, SH["in"]):
        tests.append(f"COALESCE({variable} IN ({', '.join(_n3(item) for item in _list(shapes, head))}), false)")
    for pattern in shapes.objects(shape, SH.pattern):
        flags = shapes.value(shape, SH.flags)
        tests.append(
            f"COALESCE(!isBlank({variable}) && REGEX(STR({variable}), {_n3(Literal(str(pattern)))}"
            f"{', ' + _n3(Literal(str(flags))) if flags else ''}), false)"
        )
    node_kinds: dict[Node, str] = {
        SH.IRI: "isIRI({v})",
        SH.Literal: "isLiteral({v})",
        SH.BlankNode: "isBlank({v})",
        SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
        SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
        SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
    }
    for kind in shapes.objects(shape, SH.nodeKind):
        node_kind = node_kinds.get(kind)
        if node_kind is None:
            raise Untranslatable(f"sh:nodeKind {kind}")
        tests.append(node_kind.format(v=variable))
    for head in shapes.objects(shape, SH.languageIn):
        languages = " || ".join(
            f"langMatches(LANG({variable}), {_n3(Literal(str(tag)))})" for tag in _list(shapes, head)
        )
        tests.append(f"COALESCE({languages or 'false'}, false)")
    for key, operator in (
        (SH.minInclusive, ">="),
        (SH.maxInclusive, "<="),
        (SH.minExclusive, ">"),
        (SH.maxExclusive, "<"),
    ):
        for bound in shapes.objects(shape, key):
            tests.append(f"COALESCE({variable} {operator} {_n3(bound)}, false)")
    for head in shapes.objects(shape, SH["or"]):
        if head in skip_or:
            continue
        options = []
        for option in _list(shapes, head):
            if (option, SH.path, None) in shapes:
                raise Untranslatable("sh:or of property shapes on a value")
            _check_keys(shapes, option)
            if set(shapes.objects(option, SH["property"])) or (option, SH.sparql, None) in shapes:
                raise Untranslatable("sh:or of shapes with properties or SPARQL")
            option_test = _value_test(shapes, option, variable)
            options.append(option_test if option_test is not None else "true")  # no constraint: any value
        tests.append("(" + " || ".join(options) + ")")
    return " && ".join(tests) if tests else None


VALUE_KEYS = {
    SH["class"],
    SH.datatype,
    SH["in"],
    SH.pattern,
    SH.nodeKind,
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH["or"],
}


def _classes_asked(shapes: Graph, shape) -> list | None:
    """The classes a value is to be an instance of one of, when that is all shape asks of its values: one
    sh:class, or an sh:or of shapes that each say only sh:class (None: it asks more, or other things)."""
    asked = [(key, value) for key, value in shapes.predicate_objects(shape) if key in VALUE_KEYS]
    if len(asked) != 1:
        return None
    [(key, value)] = asked
    if key == SH["class"]:
        return [value]
    if key != SH["or"]:
        return None
    classes = []
    for option in _list(shapes, value):
        said = list(shapes.predicate_objects(option))
        if len(said) != 1 or said[0][0] != SH["class"]:
            return None
        classes.append(said[0][1])
    return classes or None


# the datatypes whose lexical forms SPARQL can check with a cast (an ill-typed literal casts to an error)
WELL_FORMED = {XSD.date, XSD.dateTime, XSD.integer, XSD.decimal, XSD.boolean, XSD.double, XSD.float}


def _translate_targeted_shape(shapes: Graph, shape) -> list[Constraint]:
    targets = _targets(shapes, shape)
    if (shape, SH.path, None) in shapes:  # a property shape with targets of its own
        counts: list[Count] = []
        found = _translate_property_shape(shapes, shape, targets, counts)
        return [*found, _counted(targets, counts)] if counts else found
    return _translate_node_shape(shapes, shape, targets)


def _translate_node_shape(shapes: Graph, shape, targets: str) -> list[Constraint]:
    _check_keys(shapes, shape)
    message = _message(shapes, shape, "does not match its shape")
    severity = _severity(shapes, shape)
    constraints: list[Constraint] = []
    or_of_properties = []
    for head in shapes.objects(shape, SH["or"]):
        options = _list(shapes, head)
        if options and all((option, SH.path, None) in shapes for option in options):
            or_of_properties.append(head)
            alternatives = []
            for option in options:
                _check_keys(shapes, option)
                if set(shapes.predicates(option)) - {SH.path, SH.minCount}:
                    raise Untranslatable("sh:or of property shapes beyond sh:minCount")
                path = shapes.value(option, SH.path)
                if not isinstance(path, URIRef):
                    raise Untranslatable("a property path other than one IRI")
                least = int(shapes.value(option, SH.minCount) or 0)
                if least == 0:
                    alternatives.append("true")
                elif least == 1:
                    alternatives.append(f"EXISTS {{ ?this {_n3(path)} ?anyValue }}")
                else:
                    raise Untranslatable("sh:or of property shapes with sh:minCount above 1")
            constraints.append(
                Constraint(
                    f"SELECT ?this WHERE {{ {targets} FILTER (!({' || '.join(alternatives)})) }}",
                    message,
                    severity=severity,
                )
            )
    node_test = _value_test(shapes, shape, "?this", skip_or=or_of_properties)
    if node_test is not None:
        constraints.append(
            Constraint(
                f"SELECT ?this (?this AS ?value) WHERE {{ {targets} FILTER (!({node_test})) }}",
                message,
                severity=severity,
            )
        )
    counts: list[Count] = []
    for property_shape in shapes.objects(shape, SH.property):
        if _deactivated(shapes, property_shape):
            continue
        constraints.extend(_translate_property_shape(shapes, property_shape, targets, counts))
    if counts:
        constraints.append(_counted(targets, counts))
    for sparql in shapes.objects(shape, SH.sparql):
        constraints.append(_translate_sparql(shapes, sparql, targets, severity))
    return constraints


def _translate_property_shape(shapes: Graph, shape, targets: str, counts: list[Count]) -> list[Constraint]:
    """The constraints of a property shape; its sh:minCount and sh:maxCount go into counts instead, for
    the caller to check with those of the other property shapes on the same targets (_counted)."""
    _check_keys(shapes, shape)
    if (shape, SH.sparql, None) in shapes or (shape, SH.property, None) in shapes:
        raise Untranslatable("SPARQL or nested properties on a property shape")
    path = shapes.value(shape, SH.path)
    if not isinstance(path, URIRef):
        raise Untranslatable("a property path other than one IRI")
    p = _n3(path)
    message = _message(shapes, shape, f"does not match the shape of {path}")
    severity = _severity(shapes, shape)
    found: list[Constraint] = []

    def shared(check: str) -> Constraint:  # a constraint _grouped may merge with its like on other targets
        return Constraint(_filled(check, [targets]), message, path, severity, check=check, targets=targets)

    minimum = int(shapes.value(shape, SH.minCount) or 0)
    maximum = shapes.value(shape, SH.maxCount)
    if minimum > 0 or maximum is not None:
        most = None if maximum is None else int(maximum)
        counts.append(Count(Constraint("", message, path, severity), minimum, most))
    test = _value_test(shapes, shape, "?value")
    if test is not None:  # value first: Oxigraph evaluates a sub-select on its own, one scan
        # of the path, then joins only the values that fail with the targets
        classes = _classes_asked(shapes, shape)
        if classes:  # an anti-join on the instances: 2-20x faster than an EXISTS per value
            instances = " UNION ".join(f"{{ {_instance_of('?value', cls)} }}" for cls in classes)
            failing = f"SELECT ?this ?value WHERE {{ ?this {p} ?value MINUS {{ {instances} }} }}"
        else:
            failing = f"SELECT ?this ?value WHERE {{ ?this {p} ?value FILTER (!({test})) }}"
        found.append(shared(f"SELECT ?this ?value{CASE_SLOT} WHERE {{ {{ {failing} }} {TARGETS_SLOT} }}"))
    if (shapes.value(shape, SH.uniqueLang) or Literal(False)).toPython() is True:
        # value first too, and by grouping: a self-join of the values takes half as long again
        failing = (
            f"SELECT ?this WHERE {{ ?this {p} ?value FILTER (LANG(?value) != \"\") }} "
            "GROUP BY ?this (LCASE(LANG(?value)) AS ?language) HAVING (COUNT(DISTINCT ?value) > 1)"
        )
        found.append(shared(f"SELECT DISTINCT ?this{CASE_SLOT} WHERE {{ {{ {failing} }} {TARGETS_SLOT} }}"))
    qualified = shapes.value(shape, SH.qualifiedValueShape)
    least = int(shapes.value(shape, SH.qualifiedMinCount) or 0)
    if qualified is not None:
        _check_keys(shapes, qualified)
        if set(shapes.objects(qualified, SH["property"])) or (qualified, SH.sparql, None) in shapes:
            raise Untranslatable("a qualified value shape with properties or SPARQL")
        qualified_test = _value_test(shapes, qualified, "?value") or "true"
        if least == 1:  # no conforming value: cheaper than counting them
            found.append(
                shared(
                    f"SELECT ?this{CASE_SLOT} WHERE {{ {TARGETS_SLOT} "
                    f"FILTER NOT EXISTS {{ ?this {p} ?value FILTER ({qualified_test}) }} }}"
                )
            )
        elif least > 1:
            found.append(
                shared(
                    f"SELECT ?this{CASE_SLOT} WHERE {{ {TARGETS_SLOT} OPTIONAL {{ ?this {p} ?value "
                    f"FILTER ({qualified_test}) }} }} GROUP BY ?this{CASE_SLOT} "
                    f"HAVING (COUNT(DISTINCT ?value) < {least})"
                )
            )
    elif least > 0:
        raise Untranslatable("sh:qualifiedMinCount without sh:qualifiedValueShape")
    return found


@dataclass
class Count:
    """A property shape's sh:minCount (0: none) and sh:maxCount (None: none), and what breaking them says."""

    constraint: Constraint
    least: int
    most: int | None


def _counted(targets: str, counts: list[Count]) -> Constraint:
    """Every cardinality of the property shapes on these targets in one query: the targets are found once
    and grouped once, each (focus node, case) counting the distinct values of its case's path (at 1M
    triples, the nine counts on the memberships take a fifth less time than nine queries)."""
    rows = " ".join(
        f"({case} {_n3(count.constraint.path)} {count.least} {'UNDEF' if count.most is None else count.most})"
        for case, count in enumerate(counts)
    )
    return Constraint(
        f"SELECT ?this ?case WHERE {{ {targets} VALUES (?case ?countedPath ?least ?most) {{ {rows} }} "
        "OPTIONAL { ?this ?countedPath ?value } } GROUP BY ?this ?case ?least ?most "
        "HAVING (COUNT(DISTINCT ?value) < ?least || COALESCE(COUNT(DISTINCT ?value) > ?most, false))",
        "",
        cases=[count.constraint for count in counts],
    )


def _translate_sparql(shapes: Graph, constraint, targets: str, severity: str) -> Constraint:
    _check_keys(shapes, constraint, KNOWN_SPARQL_KEYS)
    if shapes.value(constraint, SH.select) is None:
        raise Untranslatable("a SPARQL constraint without sh:select")
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
    query = "\n".join(prefixes) + f"\n{head} WHERE {{ {targets} {rest[opening + 1 :]}"
    return Constraint(query, _message(shapes, constraint, "does not match its SPARQL constraint"), severity=severity)


def _filled(check: str, targets: list[str]) -> str:
    """check with the focus nodes of targets in its slot: with several, each its ?case, their index."""
    if len(targets) == 1:
        return check.replace(TARGETS_SLOT, targets[0]).replace(CASE_SLOT, "")
    cases = " UNION ".join(f"{{ {pattern} BIND({case} AS ?case) }}" for case, pattern in enumerate(targets))
    return check.replace(TARGETS_SLOT, f"{{ {cases} }}").replace(CASE_SLOT, " ?case")


def _grouped(constraints: list[Constraint]) -> list[Constraint]:
    """The constraints, those with the same check (path, test) on other targets merged into one query on
    all their targets: they find the same results on each focus node, so one query finds the results of
    all, and Oxigraph evaluates the value-first sub-selects once instead of once per shape (17 node
    shapes share the label and source constraints); where message or severity differ, ?case tells."""
    groups: dict[str, list[Constraint]] = {}
    for constraint in constraints:
        if constraint.check:
            groups.setdefault(_canonical(constraint.check), []).append(constraint)
    merged: list[Constraint] = []
    for constraint in constraints:
        if not constraint.check:
            merged.append(constraint)
            continue
        group = groups.pop(_canonical(constraint.check), None)
        if group is None:  # merged already, with the first of its group
            continue
        if len(group) == 1:
            merged.append(constraint)
            continue
        cases: dict[tuple, list[str]] = {}  # (message, severity): the targets of the shapes saying it
        for member in group:
            patterns = cases.setdefault((member.message, member.severity), [])
            if all(_canonical(pattern) != _canonical(member.targets) for pattern in patterns):
                patterns.append(member.targets)
        targets = ["{ " + " UNION ".join(patterns) + " }" for patterns in cases.values()]
        check, path = constraint.check, constraint.path
        if len(cases) == 1:
            merged.append(Constraint(_filled(check, targets), constraint.message, path, constraint.severity))
        else:
            said = [Constraint("", message, path, severity) for message, severity in cases]
            merged.append(Constraint(_filled(check, targets), "", path, cases=said))
    return merged


def _canonical(query: str) -> str:
    """query with its fresh variables (_instance_of's) numbered from 0 in order of appearance: two
    translations of one constraint, made with different fresh names, compare equal."""
    names: dict[str, str] = {}
    return re.sub(r"\?kgsub\d+", lambda match: names.setdefault(match.group(0), f"?kgsub{len(names)}"), query)
