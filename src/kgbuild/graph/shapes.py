"""Graph stage: SHACL validation (pySHACL), each violation traced back to the YAML line behind it."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from ..facts import Origin
from .mapping import Mapped


@dataclass(frozen=True, order=True)
class ShapeViolation:
    origin: Origin
    message: str


def check_shapes(shapes: Graph, data: Graph, mapped: Mapped) -> list[ShapeViolation]:
    """Validate data (facts plus materialised types) against the shapes; return each violation, located."""
    from pyshacl import validate  # heavy import; only the build needs it

    conforms, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True, meta_shacl=False)
    if conforms:
        return []
    violations = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = str(results.value(result, SH.resultMessage) or "does not match its shape")
        origin = mapped.origin_of(focus, path, value) or Origin(str(focus), 0)
        subject = _short(focus)
        path_text = f" ({_short(path)})" if isinstance(path, URIRef) else ""
        violations.add(ShapeViolation(origin, f"{subject}{path_text}: {message}"))
    return sorted(violations)


def _short(term) -> str:
    text = str(term)
    for marker in ("/id/", "#"):
        if marker in text:
            return text.rsplit(marker, 1)[1] if marker == "#" else text.split(marker, 1)[1]
    return text
