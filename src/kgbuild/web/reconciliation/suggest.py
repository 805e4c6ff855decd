"""Serve -> suggest services: entities, types and properties whose names (or ids) begin with what a user
has typed so far, a page at a time (cursor= skips)."""

from __future__ import annotations

from ...search import fold
from ...store import Store
from .candidates import name_candidates
from .ids import entity_id
from .properties import known_properties
from .types import known_types

PAGE = 10


def suggest_entities(build: Store, prefix: str, cursor: int, limit: int = PAGE, types: tuple[str, ...] = ()) -> dict:
    """Entities with a name that begins with prefix (the search index's prefix matching), best first;
    with types (ids), only entities of one of them."""
    found = name_candidates(build, prefix, types, cursor + limit, prefix_only=True)
    known = known_types(build)
    result = []
    for candidate in found[cursor:cursor + limit]:
        identifier = entity_id(candidate.iri, build.base_iri)
        if identifier is None:
            continue
        shown = known.get(candidate.type_id or "")
        entry: dict = {"id": identifier, "name": candidate.name}
        if shown is not None:
            entry["description"] = shown.name
            entry["notable"] = [{"id": shown.id, "name": shown.name}]
        result.append(entry)
    return {"result": result}


def suggest_types(build: Store, prefix: str, cursor: int, limit: int = PAGE) -> dict:
    known = known_types(build)
    matching = [t for t in known.values() if _begins(prefix, t.name, t.id)]
    return {"result": [t.as_json(known) for t in matching[cursor:cursor + limit]]}


def suggest_properties(build: Store, prefix: str, cursor: int, limit: int = PAGE) -> dict:
    matching = [p for p in known_properties(build) if _begins(prefix, p.name, p.id)]
    return {"result": [{"id": p.id, "name": p.name, "description": p.description}
                       for p in matching[cursor:cursor + limit]]}


def _begins(prefix: str, name: str, identifier: str) -> bool:
    """Whether the name, one of its words, or the id begins with prefix (folded as the search index folds)."""
    wanted = fold(prefix)
    if not wanted:
        return True
    return f" {wanted}" in f" {fold(name)}" or fold(identifier).startswith(wanted)
