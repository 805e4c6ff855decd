"""Graph stage: the names of every resource of a build, written as its search index (search.sqlite)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from .. import iris
from ..search import INDEX_FILE, NameRow, write_index

LABELS = (iris.RDFS_LABEL, iris.SKOS + "prefLabel")
ALT_LABEL = iris.SKOS + "altLabel"
ISO_CODE = iris.KG + "isoCode"


def write_search_index(store: ox.Store, folder: Path, base: str) -> Path:
    """Write folder/search.sqlite from the names of the build's resources in store; return its path.

    rdfs:label and skos:prefLabel are labels; a skos:altLabel takes the kind its kg:Name records, else
    is an acronym when it has no language (organisations' acronyms) or a variant; kg:isoCode is a code.
    Only resources of a kg: class are indexed.
    """
    resources = iris.resource_space(base)
    classes: dict[str, set[str]] = defaultdict(set)
    for resource, class_ in _pairs(store, iris.RDF_TYPE, resources):
        if isinstance(class_, ox.NamedNode) and class_.value.startswith(iris.KG):
            classes[resource].add(class_.value)
    recorded = _recorded_kinds(store, resources)
    names: set[NameRow] = set()
    for property_ in (*LABELS, ALT_LABEL, ISO_CODE):
        for resource, text in _pairs(store, property_, resources):
            if not isinstance(text, ox.Literal) or resource not in classes:
                continue  # a name is text, of a resource of ours (a link's rdf:Statement is provenance, not a thing)
            language = text.language or ""
            if property_ == ISO_CODE:
                kind = "code"
            elif property_ != ALT_LABEL:
                kind = "label"
            else:
                kind = recorded.get((resource, text.value), "variant" if language else "acronym")
            names.add(NameRow(resource, text.value, language, kind))
    path = Path(folder) / INDEX_FILE
    write_index(path, sorted(names), classes)
    return path


def _recorded_kinds(store: ox.Store, resources: str) -> dict[tuple[str, str], str]:
    """(resource, text) -> the kind its kg:Name records (former, official, ...)."""
    owner = {name: resource.value for name, resource in _pairs(store, iris.KG + "nameOf", resources)}
    kind = {name: value.value for name, value in _pairs(store, iris.KG + "nameKind", resources)}
    return {(owner[name], text.value): kind[name] for name, text in _pairs(store, iris.RDFS_LABEL, resources)
            if name in owner and name in kind}


def _pairs(store: ox.Store, predicate: str, resources: str) -> Iterator[tuple[str, ox.NamedNode | ox.Literal]]:
    """(subject IRI, object) of every triple with predicate whose subject is one of our resources, in any graph."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
        subject, value = quad.subject, quad.object
        if (isinstance(subject, ox.NamedNode) and subject.value.startswith(resources)
                and isinstance(value, ox.NamedNode | ox.Literal)):
            yield subject.value, value
