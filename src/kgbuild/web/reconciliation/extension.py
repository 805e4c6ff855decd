"""Serve -> data extension: property proposals for a type, and the values of properties on entities."""

from __future__ import annotations

from ...store import Store
from ..protocol.operation import ProtocolError
from .batch import read_json
from .ids import entity_iri
from .properties import Property, find_property, known_properties, property_values
from .types import known_type_id, known_types

MAX_EXTEND_IDS = 500  # entities in one extension request at most; OpenRefine sends far fewer at a time


def propose(build: Store, type_id: str | None, limit: int | None) -> dict:
    """The properties worth fetching for entities of type_id (every property when there is no type).

    :raises ProtocolError: 400 for a type the ontology does not have.
    """
    wanted = known_type_id(build, type_id) if type_id else None
    proposed = [_shown(p) for p in known_properties(build) if p.applies_to(wanted)]
    answer: dict = {"type": type_id or "", "properties": proposed[:limit] if limit else proposed}
    if limit:
        answer["limit"] = limit
    return answer


def extend(build: Store, text: str) -> dict:
    """The data extension response for the query in text (JSON: ids and properties).

    Every id asked for has a row, with an empty list for a property it has no value of (or for an id
    that names nothing here).

    :raises ProtocolError: 400 for a malformed query or an unknown property; 413 past MAX_EXTEND_IDS ids.
    """
    ids, asked = _read(text)
    chosen = []
    for entry in asked:
        prop = find_property(build, entry["id"])
        if prop is None:
            known = ", ".join(p.id for p in known_properties(build))
            raise ProtocolError(400, f"extend= asks for property {entry['id']!r}, which does not exist; "
                                     f"the properties are: {known}")
        chosen.append(prop)
    iris = {identifier: entity_iri(identifier, build.base_iri) for identifier in ids}
    named = sorted({iri for iri in iris.values() if iri is not None})
    values = {prop.id: property_values(build, prop, named) for prop in chosen}
    rows = {
        identifier: {prop.id: [v.cell for v in values[prop.id].get(iri or "", [])] for prop in chosen}
        for identifier, iri in iris.items()
    }
    return {"meta": [_column(build, prop) for prop in chosen], "rows": rows}


def _read(text: str) -> tuple[list[str], list[dict]]:
    example = '{"ids": ["country/kz"], "properties": [{"id": "isoCode"}]}'
    query = read_json(text, "extend=", example)
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) \
            or not isinstance(query.get("properties"), list):
        raise ProtocolError(400, f"extend= must be an object with ids and properties, such as {example}")
    ids, asked = query["ids"], query["properties"]
    if not all(isinstance(identifier, str) for identifier in ids):
        raise ProtocolError(400, "extend= ids must be entity ids (strings), such as \"country/kz\"")
    if not all(isinstance(entry, dict) and isinstance(entry.get("id"), str) for entry in asked):
        raise ProtocolError(400, 'extend= properties must be objects with an id, such as {"id": "isoCode"}')
    if len(ids) > MAX_EXTEND_IDS:
        raise ProtocolError(413, f"extend= may name {MAX_EXTEND_IDS} entities and this one names {len(ids)}; "
                                 "send them in smaller batches")
    return list(dict.fromkeys(ids)), asked


def _column(build: Store, prop: Property) -> dict:
    """A property in a response's meta; one whose values are entities names their type."""
    column: dict = {"id": prop.id, "name": prop.name}
    value_type = known_types(build).get(prop.value_type or "")
    if value_type is not None:
        column["type"] = {"id": value_type.id, "name": value_type.name}
    return column


def _shown(prop: Property) -> dict:
    return {"id": prop.id, "name": prop.name, "description": prop.description} if prop.description \
        else {"id": prop.id, "name": prop.name}
