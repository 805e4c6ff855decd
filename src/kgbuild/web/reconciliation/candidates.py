"""Serve -> candidates by name, from the build's label index (dist/search.sqlite, kgbuild.search): the one
place reconciliation looks names up, so another matcher can take its place behind name_candidates()."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ...iris import RDF_TYPE, RDFS_LABEL
from ...search import Hit, class_iri
from ...search.schema import shown_class
from ...store import Store
from ..render.terms import pick_label
from ..search import current_index
from .ids import term_id
from .types import known_types

# records, not things: kg:Name records one name of a resource, kg:Statement one value with its rank, kg:Claim
# what a source counts, kg:Source where a fact comes from (a page titled "Laos" is not Laos). An analyst's
# name means a thing, so records are candidates only when a query asks for their type
RECORD_TYPES = ("Name", "Statement", "Claim", "Source")


@dataclass(frozen=True)
class NameCandidate:
    """A resource a name may mean: its label, the name of it that matched, its type id, a 0-100 score."""

    iri: str
    name: str
    matched: str
    type_id: str | None
    score: float
    exact: bool  # the query is one of its names (case, diacritics and punctuation aside)


def name_candidates(build: Store, text: str, types: tuple[str, ...], limit: int,
                    prefix_only: bool = False) -> list[NameCandidate]:
    """The resources text may name, best first; with types (ids), only resources of one of them.

    Every resource that has text as a name comes back, past limit if need be, so a caller can see
    that a name is shared. prefix_only: names that begin with text (for suggest), no fuzzy matches.
    """
    index = current_index()  # the served build's, opened once per worker (the one /search uses)
    classes = [class_iri(t) for t in types or _entity_types(build)]
    hits = index.search(text, types=classes, limit=limit)
    if prefix_only:
        hits = [hit for hit in hits if hit.match in ("exact", "prefix")]
    seen = {hit.iri for hit in hits}
    hits += [hit for hit in index.lookup(text, types=classes) if hit.iri not in seen]
    return [_candidate(hit) for hit in hits]


def describe(build: Store, iri: str, types: tuple[str, ...] = ()) -> NameCandidate | None:
    """The resource iri names, as a candidate found by its id (None when the build has no such resource,
    or when types (ids) are given and it has none of them)."""
    node = ox.NamedNode(iri)
    labels = build.objects([node], ox.NamedNode(RDFS_LABEL)).get(node, ())
    classes = [c.value for c in build.objects([node], ox.NamedNode(RDF_TYPE)).get(node, ())
               if term_id(c.value) is not None]
    if not labels and not classes:
        return None
    if types and not {class_iri(t) for t in types} & set(classes):
        return None
    name = pick_label(labels, "en") or iri
    return NameCandidate(iri, name, name, term_id(shown_class(classes)) if classes else None, 100.0, True)


def having_every_type(build: Store, candidates: list[NameCandidate], types: tuple[str, ...]) -> list[NameCandidate]:
    """The candidates that have each of types (ids), in the order given (type_strict "all")."""
    wanted = {class_iri(t) for t in types}
    nodes = [ox.NamedNode(candidate.iri) for candidate in candidates]
    classes = build.objects(nodes, ox.NamedNode(RDF_TYPE))
    return [candidate for candidate, node in zip(candidates, nodes, strict=True)
            if wanted <= {c.value for c in classes.get(node, ())}]


def _entity_types(build: Store) -> list[str]:
    """Every type but the records of one name or one ranked value: those name their owner, the candidate."""
    return [t for t in known_types(build) if t not in RECORD_TYPES]


def _candidate(hit: Hit) -> NameCandidate:
    return NameCandidate(hit.iri, hit.label, hit.name, term_id(hit.type), hit.score, hit.match == "exact")
