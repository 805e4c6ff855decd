"""Serve -> one reconciliation query answered: candidates by name (candidates.py), checked against the
properties the query supplies, scored, and `match: true` only for a candidate nothing else rivals.

The decision, documented in docs/reconciliation.md:
- a candidate's score is its name score (0-100), plus AGREES for each supplied property it agrees with,
  minus DISAGREES for each it has other values of (a property it has no value of changes nothing);
- `match` is true for the top candidate only when its name is exactly the query (folded), it disagrees
  with no supplied property, and no other candidate comes within MARGIN of its score unless it agrees
  with fewer supplied properties; so two resources with the same name match only when a type or a
  property (an ISO code) tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...store import Store
from ..protocol.operation import ProtocolError
from .batch import PropertyCondition, ReconciliationQuery
from .candidates import NameCandidate, describe, having_every_type, name_candidates
from .ids import entity_id, entity_iri
from .properties import Property, agreement, find_property, known_properties
from .types import known_type_id, known_types

AGREES = 10
DISAGREES = 40
MARGIN = 10
NAME_PROPERTIES = ("isoCode", "label@en", "label@id")  # properties whose values are names in the label index
MORE_CANDIDATES = 2  # fetch this many times the limit by name, so properties can lift one from below the cut


@dataclass
class Scored:
    candidate: NameCandidate
    score: float
    agrees: int = 0  # supplied properties it agrees with
    disagrees: bool = False
    features: list[dict] = field(default_factory=list)


def reconcile(build: Store, query: ReconciliationQuery) -> list[dict]:
    """The reconciliation result for one query: its candidates, best first, at most query.limit of them.

    :raises ProtocolError: 400 for a type or property that does not exist.
    """
    types = tuple(known_type_id(build, t) for t in query.types)
    properties = [(_property(build, condition.pid), condition) for condition in query.properties]
    by_id = _by_identifier(build, query.text, types)
    if by_id is not None and query.every_type and not having_every_type(build, [by_id.candidate], types):
        by_id = None
    if by_id is not None:  # the properties still count: a contradicted id is no match
        _weigh_properties(build, [by_id], properties)
        return [_shown(build, by_id, matched=not by_id.disagrees)]
    text = query.text or _name_among(properties)
    if not text:
        return []  # no name to look up, and no index of other values
    found = name_candidates(build, text, types, query.limit * MORE_CANDIDATES)
    if query.every_type and len(types) > 1:
        found = having_every_type(build, found, types)
    scored = [Scored(c, c.score, features=[{"id": "name", "value": round(c.score, 1)},
                                           {"id": "name_exact", "value": c.exact}]) for c in found]
    _weigh_properties(build, scored, properties)
    scored.sort(key=lambda s: -s.score)  # stable: equal scores keep the index's order (countries before records)
    certain = _decisive(scored)  # before the cut: a namesake past the limit still rivals the top candidate
    return [_shown(build, s, matched=position == 0 and certain) for position, s in enumerate(scored[:query.limit])]


def _name_among(properties: list[tuple[Property, PropertyCondition]]) -> str:
    """A query without a name may still give one as a property: an ISO code or a label (the index holds both)."""
    return next((value for prop, condition in properties if prop.id in NAME_PROPERTIES
                 for value in condition.values if value.strip()), "")


def _weigh_properties(build: Store, scored: list[Scored], properties: list[tuple[Property, PropertyCondition]]) -> None:
    iris = [s.candidate.iri for s in scored]
    for prop, condition in properties:
        if not any(value.strip() for value in condition.values):
            continue  # an empty cell says nothing about a candidate: neither agrees nor disagrees
        verdicts = agreement(build, prop, iris, condition.values)
        for s in scored:
            verdict = verdicts.get(s.candidate.iri)
            if verdict is None:
                continue
            s.features.append({"id": f"property:{prop.id}", "value": verdict})
            s.score = min(100.0, s.score + AGREES) if verdict else max(0.0, s.score - DISAGREES)
            s.agrees += 1 if verdict else 0
            s.disagrees = s.disagrees or not verdict


def _decisive(scored: list[Scored]) -> bool:
    """Whether the top candidate is a certain match (see the module's docstring)."""
    if not scored:
        return False
    top = scored[0]
    if not top.candidate.exact or top.disagrees:
        return False
    # a rival as close, but with fewer supplied properties to back it, does not stand in the way
    return all(other.score < top.score - MARGIN or other.agrees < top.agrees for other in scored[1:])


def _shown(build: Store, s: Scored, matched: bool) -> dict:
    known = known_types(build)
    shown_type = known.get(s.candidate.type_id or "")
    candidate: dict = {
        "id": entity_id(s.candidate.iri, build.base_iri) or s.candidate.iri,
        "name": s.candidate.name,
        "score": round(s.score, 1),
        "match": matched,
        "type": [{"id": shown_type.id, "name": shown_type.name}] if shown_type else [],
        "features": s.features,
    }
    if s.candidate.matched and s.candidate.matched != s.candidate.name:
        candidate["description"] = f"matched the name “{s.candidate.matched}”"
    return candidate


def _by_identifier(build: Store, text: str, types: tuple[str, ...]) -> Scored | None:
    """The entity a query names by its id or IRI (the spec expects it back, with a high score); None when
    it names none, or one of none of the query's types (a type is a filter, whatever names the entity)."""
    iri = entity_iri(text, build.base_iri) if "/" in text else None
    if iri is None:
        return None
    found = describe(build, iri, types)
    if found is None:
        return None
    return Scored(found, 100.0, features=[{"id": "id_exact", "value": True}])


def _property(build: Store, pid: str) -> Property:
    found = find_property(build, pid)
    if found is None:
        known = ", ".join(p.id for p in known_properties(build))
        raise ProtocolError(400, f"no property {pid!r}; the properties are: {known}")
    return found
