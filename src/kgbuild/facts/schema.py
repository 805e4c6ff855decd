"""Facts stage: the JSON Schema of a facts file, with the ids the facts declare as completions."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict

from .countries import ISO_SOURCE, all_codes
from .loader import Facts
from .models import (
    Chairmanship,
    Claim,
    CountryLink,
    CountryOverride,
    Document,
    Initiative,
    Meeting,
    Membership,
    Organisation,
    Person,
    Place,
    Source,
)

SCHEMA_ID = "https://w3id.org/kgbuild/schema/facts.schema.json"


class FactsFile(BaseModel):
    """One facts file: any of these sections, each a list of records (organisation: a single record)."""

    model_config = ConfigDict(extra="forbid", title="kgbuild facts file")
    sources: list[Source] | None = None
    countries: list[CountryOverride] | None = None
    wikidata_countries: list[CountryLink] | None = None
    places: list[Place] | None = None
    organisations: list[Organisation] | None = None
    people: list[Person] | None = None
    organisation: Organisation | None = None
    memberships: list[Membership] | None = None
    chairmanships: list[Chairmanship] | None = None
    meetings: list[Meeting] | None = None
    documents: list[Document] | None = None
    initiatives: list[Initiative] | None = None
    claims: list[Claim] | None = None


def _enum(values) -> dict[str, Any]:
    return {"enum": sorted(set(values))}


def facts_schema(facts: Facts | None = None) -> dict[str, Any]:
    """The JSON Schema editors use; with facts, `source:`, `member:`, `place:` ... complete to declared ids."""
    schema = copy.deepcopy(FactsFile.model_json_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["description"] = "A kgbuild facts file (docs/facts-format.md). Written by `kgbuild schema`; do not edit."
    definitions = schema.get("$defs", {})
    codes = list(all_codes())
    if facts is not None:
        source_ids = [*facts.sources, ISO_SOURCE]
        one_source = {"anyOf": [_enum(source_ids), {"type": "array", "items": _enum(source_ids), "minItems": 1}]}
        for definition in definitions.values():
            properties = definition.get("properties", {})
            if "source" in properties:
                properties["source"] = {**one_source, "description": properties["source"].get("description", "")}
        _restrict(definitions, "Membership", "member", [*codes, *facts.organisations])
        _restrict(definitions, "Meeting", "place", facts.places, nullable=True)
        _restrict(definitions, "DocumentDecision", "document", facts.documents)
        _restrict(definitions, "Initiative", "proposed_at", facts.meetings, nullable=True)
        _restrict(definitions, "Participant", "person", facts.people, nullable=True)
        _restrict(definitions, "Document", "adopted_at", facts.meetings, nullable=True)
        _restrict(definitions, "Claim", "document", facts.documents, nullable=True)
    for model, key in (("Chairmanship", "chair"), ("Place", "country"), ("CountryOverride", "code"),
                       ("CountryLink", "code")):
        _restrict(definitions, model, key, codes)
    _restrict(definitions, "Person", "country", codes, nullable=True)
    return schema


def _restrict(definitions: dict, model: str, key: str, values, nullable: bool = False) -> None:
    properties = definitions.get(model, {}).get("properties", {})
    if key in properties:
        description = properties[key].get("description", "")
        enum = _enum(values)
        properties[key] = ({"anyOf": [enum, {"type": "null"}]} if nullable else enum) | {"description": description}
