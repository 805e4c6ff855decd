"""Serve -> the properties reconciliation speaks of: which exist for which type, their values on entities
(for data extension), and whether an entity's values agree with those a query supplies.

Ids (docs/reconciliation.md): `isoCode` (kg:isoCode), `label@en` and `label@id` (rdfs:label in that
language), `wikidata` (the Q-id of the Wikidata entity it is owl:sameAs), and for each organisation with
members, by its slug: `status:cica` (the status in force today, by the one in-force rule of
kgbuild.temporal) and `memberSince:cica` (the start of a full membership, at the precision the sources
give) with `memberSincePrecision:cica` (day, month or year).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ...iris import KG, OWL_SAME_AS, RDFS_LABEL, SKOS_ALT_LABEL, WIKIDATA_ENTITY, XSD_DATE
from ...search import fold
from ...store import Store
from ...temporal import BOUNDS, certainly_sparql
from ...vocab import resource_iri, split_resource_iri
from ..dataset import build_cache
from .ids import entity_id

LABEL_LANGUAGES = {"en": "English", "id": "Indonesian"}
MEMBER_TYPES = ("Country", "Organisation", "Member")  # what can hold a membership (kg:Member is inferred)
PRECISIONS = {KG + "Day": "day", KG + "Month": "month", KG + "Year": "year"}


@dataclass(frozen=True)
class Property:
    """One property as the API shows it: id, name, the types it applies to (empty: every type)."""

    id: str
    name: str
    types: tuple[str, ...] = ()
    description: str = ""
    value_type: str | None = None  # the type of its values, when they are entities

    def applies_to(self, type_id: str | None) -> bool:
        return not self.types or type_id is None or type_id in self.types


@dataclass(frozen=True)
class Value:
    """One value of a property on an entity: its cell in a data extension response, and its text."""

    cell: dict[str, str]
    text: str
    also: tuple[str, ...] = ()  # other forms a query may give it in (an entity's id and acronym)


def known_properties(build: Store) -> list[Property]:
    """Every property, in the order a client lists them (the same for the whole build)."""
    cache = build_cache(build, "reconcile")
    if "properties" not in cache:
        found = [Property("isoCode", "ISO code", ("Country",), "ISO 3166-1 alpha-2 code (kg:isoCode)")]
        found += [Property(f"label@{tag}", f"Name in {language}", (), f"rdfs:label in {language} (@{tag})")
                  for tag, language in LABEL_LANGUAGES.items()]
        found.append(Property("wikidata", "Wikidata id", (), "the Wikidata entity it is the same as (owl:sameAs)"))
        found.append(Property("memberOf", "Full member of", MEMBER_TYPES,
                              "the organisations it is a full member of today", value_type="Organisation"))
        for slug, acronym in _organisations_with_members(build):
            found += [
                Property(f"status:{slug}", f"Status in {acronym}", MEMBER_TYPES,
                         f"full member, observer or partner of {acronym} today"),
                Property(f"memberSince:{slug}", f"Full member of {acronym} since", MEMBER_TYPES,
                         f"start of the full membership in {acronym}, at the precision the sources give"),
                Property(f"memberSincePrecision:{slug}", f"Full member of {acronym} since: precision", MEMBER_TYPES,
                         "day, month or year"),
            ]
        cache["properties"] = found
    return cache["properties"]


def find_property(build: Store, identifier: str) -> Property | None:
    """The property with this id (or kg:isoCode's full IRI), or None."""
    wanted = identifier.strip().removeprefix(KG).removeprefix("kg:")
    return next((p for p in known_properties(build) if p.id == wanted), None)


def property_values(build: Store, prop: Property, iris: list[str]) -> dict[str, list[Value]]:
    """Each entity's values of prop (an entity without any is left out)."""
    if not iris:
        return {}
    subjects = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    kind, _, argument = prop.id.partition(":")
    if prop.id == "isoCode":
        rows = build.query(f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {subjects} }} ?s <{KG}isoCode> ?v }}")
        return _texts(rows)
    if prop.id == "wikidata":
        rows = build.query(f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {subjects} }} ?s <{OWL_SAME_AS}> ?link "
                           f"FILTER STRSTARTS(STR(?link), \"{WIKIDATA_ENTITY}\") "
                           f"BIND(STRAFTER(STR(?link), \"{WIKIDATA_ENTITY}\") AS ?v) }}")
        return _texts(rows)
    if kind.startswith("label@"):
        language = kind.partition("@")[2]
        rows = build.query(f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {subjects} }} ?s <{RDFS_LABEL}> ?v "
                           f"FILTER(LANGMATCHES(LANG(?v), \"{language}\")) }}")
        return _texts(rows)
    if prop.id == "memberOf":
        return _full_memberships(build, subjects)
    organisation = _organisation_iri(build, argument)
    if kind == "status":
        return _statuses(build, subjects, organisation)
    if kind in ("memberSince", "memberSincePrecision"):
        return _starts(build, subjects, organisation, precision_only=kind == "memberSincePrecision")
    return {}


def agreement(build: Store, prop: Property, iris: list[str], wanted: Iterable[str]) -> dict[str, bool]:
    """For each entity with values of prop: True when one of them agrees with a wanted value, else False.

    Names and codes are compared as the label index compares names (case, diacritics and punctuation
    aside); a date agrees with one of another precision that it falls in ('2022' with '2022-10-13').
    """
    asked = [text.strip() for text in wanted if text.strip()]
    found = property_values(build, prop, iris)
    return {iri: any(_agrees(form, text) for value in values for form in (value.text, *value.also) for text in asked)
            for iri, values in found.items()}


def _agrees(have: str, asked: str) -> bool:
    if _looks_like_date(have) and _looks_like_date(asked):
        shorter, longer = sorted((have, asked), key=len)
        return longer == shorter or longer.startswith(shorter + "-")
    return fold(have) == fold(asked)


def _looks_like_date(text: str) -> bool:
    return len(text) in (4, 7, 10) and text[:4].isdigit() and all(part.isdigit() for part in text.split("-"))


def _texts(rows) -> dict[str, list[Value]]:
    found: dict[str, list[Value]] = defaultdict(list)
    for row in rows:
        found[row["s"].value].append(Value({"str": row["v"].value}, row["v"].value))
    return {iri: sorted(values, key=lambda v: v.text) for iri, values in found.items()}


def _today() -> str:
    """Today as a SPARQL date: the server's day, for what holds on the day it is asked."""
    return f'"{dt.date.today().isoformat()}"^^<{XSD_DATE}>'


def _statuses(build: Store, subjects: str, organisation: str) -> dict[str, list[Value]]:
    rows = build.query(
        f"PREFIX kg: <{KG}>\nSELECT DISTINCT ?s ?label WHERE {{ VALUES ?s {{ {subjects} }} "
        f"?period kg:member ?s ; kg:organisation <{organisation}> ; kg:status ?status .\n{BOUNDS}\n"
        f"FILTER({certainly_sparql(_today())}) "
        f"?status <{RDFS_LABEL}> ?label FILTER(LANGMATCHES(LANG(?label), \"en\")) }}")
    return _texts({"s": row["s"], "v": row["label"]} for row in rows)


def _full_memberships(build: Store, subjects: str) -> dict[str, list[Value]]:
    rows = build.query(
        f"PREFIX kg: <{KG}>\nSELECT DISTINCT ?s ?org ?label ?acronym WHERE {{ VALUES ?s {{ {subjects} }} "
        f"?period kg:member ?s ; kg:organisation ?org ; kg:status kg:FullMember .\n{BOUNDS}\n"
        f"FILTER({certainly_sparql(_today())}) "
        f"OPTIONAL {{ ?org <{RDFS_LABEL}> ?label FILTER(LANGMATCHES(LANG(?label), \"en\")) }} "
        f"OPTIONAL {{ ?org <{SKOS_ALT_LABEL}> ?acronym FILTER(LANG(?acronym) = \"\") }} }}")
    found: dict[str, dict[str, Value]] = defaultdict(dict)
    for row in rows:
        identifier = entity_id(row["org"].value, build.base_iri)
        if identifier is None:
            continue
        acronym = row["acronym"].value if row["acronym"] else ""
        name = row["label"].value if row["label"] else acronym or identifier
        value = Value({"id": identifier, "name": name}, acronym or name, (identifier, name))  # shown short: CICA
        found[row["s"].value].setdefault(identifier, value)
    return {iri: sorted(values.values(), key=lambda v: v.text) for iri, values in found.items()}


def _starts(build: Store, subjects: str, organisation: str, precision_only: bool) -> dict[str, list[Value]]:
    rows = build.query(
        f"PREFIX kg: <{KG}>\nSELECT DISTINCT ?s ?start ?precision WHERE {{ VALUES ?s {{ {subjects} }} "
        f"?period kg:member ?s ; kg:organisation <{organisation}> ; kg:status kg:FullMember ; kg:startDate ?start "
        f"OPTIONAL {{ ?period kg:startDatePrecision ?precision }} }} ORDER BY ?s ?start")
    found: dict[str, list[Value]] = defaultdict(list)
    for row in rows:
        precision = PRECISIONS.get(row["precision"].value if row["precision"] else "", "day")
        day = row["start"].value
        text = {"year": day[:4], "month": day[:7]}.get(precision, day)
        if precision_only:
            found[row["s"].value].append(Value({"str": precision}, precision))
        elif precision == "day":  # the protocol's dates are instants: only a day is one without pretending
            found[row["s"].value].append(Value({"date": f"{day}T00:00:00Z"}, text))
        else:
            found[row["s"].value].append(Value({"str": text}, text))
    return dict(found)


def _organisations_with_members(build: Store) -> list[tuple[str, str]]:
    """(slug, acronym) of each organisation some membership names, by slug."""
    rows = build.query(
        f"SELECT DISTINCT ?org ?acronym WHERE {{ ?m <{KG}organisation> ?org "
        f"OPTIONAL {{ ?org <{SKOS_ALT_LABEL}> ?acronym FILTER(LANG(?acronym) = \"\") }} }}")
    found: dict[str, str] = {}
    for row in rows:
        parts = split_resource_iri(row["org"].value, build.base_iri)
        if parts is not None:
            acronym = row["acronym"].value if row["acronym"] else parts[1].upper()
            found[parts[1]] = min(found.get(parts[1], acronym), acronym)
    return sorted(found.items())


def _organisation_iri(build: Store, slug: str) -> str:
    return str(resource_iri("organisation", slug, build.base_iri))
