"""Facts stage: countries by ISO 3166-1 alpha-2 code, named in English and Indonesian from pycountry."""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import pycountry

from .problems import Origin, Problem

if TYPE_CHECKING:
    from .loader import Facts

ISO_SOURCE = "iso-3166"
LABEL_LANGUAGES = ("en", "id")


@dataclass
class Country:
    """A country the facts refer to, with its names and where they come from."""

    code: str  # lower-case alpha-2
    label: dict[str, str]
    source: list[str] = field(default_factory=list)
    origin: Origin | None = None
    names: list = field(default_factory=list)  # facts.models.Name: other names, from countries.yaml


@lru_cache(maxsize=None)
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def iso_country(code: str):
    """The pycountry record of an alpha-2 code (any case), or None."""
    return pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None


def iso_names(code: str) -> dict[str, str]:
    """The ISO 3166 names of a country in English and Indonesian (common name where ISO has one)."""
    record = iso_country(code)
    if record is None:
        return {}
    english = getattr(record, "common_name", None) or record.name
    names = {"en": english}
    catalogue = getattr(_translation("id"), "_catalog", {})
    if record.name in catalogue:  # translated, even where the Indonesian name is spelt as the English one
        names["id"] = catalogue[record.name]
    return names


def describe_code(code: str) -> str:
    """'Kazakhstan' for 'kz', for 'did you mean' hints."""
    return iso_names(code).get("en", code)


@lru_cache(maxsize=1)
def all_codes() -> tuple[str, ...]:
    return tuple(sorted(country.alpha_2.lower() for country in pycountry.countries))


_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours(letter: str) -> set[str]:
    """Keys next to a letter on a QWERTY keyboard: the likeliest slips of a finger."""
    for row_index, row in enumerate(_KEYBOARD_ROWS):
        if letter in row:
            column = row.index(letter)
            near = {row[i] for i in (column - 1, column + 1) if 0 <= i < len(row)}
            for other in (row_index - 1, row_index + 1):
                if 0 <= other < len(_KEYBOARD_ROWS):
                    near |= {_KEYBOARD_ROWS[other][i] for i in (column - 1, column, column + 1)
                             if 0 <= i < len(_KEYBOARD_ROWS[other])}
            return near
    return set()


def suggest_code(code: str, used: set[str] = frozenset()) -> str | None:
    """The real code one slipped key away from code, preferring codes the facts already use."""
    code = code.lower()
    candidates = [real for real in all_codes() if len(code) == 2 and sum(a != b for a, b in zip(real, code)) == 1]
    if not candidates:
        return None

    def likelihood(real: str) -> tuple[bool, bool, bool, str]:
        slipped = next(b for a, b in zip(real, code) if a != b)
        intended = next(a for a, b in zip(real, code) if a != b)
        return (real in used, slipped in _neighbours(intended), real[0] == code[0], real)

    return max(candidates, key=likelihood)


def unknown_code_problem(code: str, origin: Origin, key: str, used: set[str] = frozenset()) -> Problem:
    match = suggest_code(code, used)
    hint = f" (did you mean '{match}', {describe_code(match)}?)" if match else ""
    return Problem(origin, f"{key}: unknown country code '{code}'{hint}; use an ISO 3166-1 alpha-2 code")


def referenced_codes(facts: "Facts") -> dict[str, Origin]:
    """Every valid country code the facts use (members, chairs, places, people), with its first use."""
    uses = [(chair.chair, chair.origin_of("chair")) for chair in facts.chairmanships]
    uses += [(membership.member, membership.origin_of("member")) for membership in facts.memberships
             if membership.member not in facts.organisations]
    uses += [(place.country, place.origin_of("country")) for place in facts.places.values()]
    uses += [(person.country, person.origin_of("country")) for person in facts.people.values() if person.country]
    for meeting in facts.meetings.values():
        for participant in meeting.participants:
            for code in (participant.country, participant.on_behalf_of):
                if code and code not in facts.organisations:
                    uses.append((code, meeting.origin_of("participants")))
    for initiative in facts.initiatives.values():
        for code in (initiative.proposed_by, initiative.on_behalf_of):
            if code and code not in facts.organisations and code not in facts.people:
                uses.append((code, initiative.origin))
    first: dict[str, Origin] = {}
    for code, origin in sorted(uses, key=lambda use: use[1]):
        if iso_country(code) is not None:
            first.setdefault(code, origin)
    return first


def resolve_countries(facts: "Facts") -> tuple[dict[str, Country], list[Problem]]:
    """Name every referenced country: ISO 3166 names, replaced by facts/countries.yaml where given."""
    problems = [unknown_code_problem(override.code, override.origin, "code")
                for override in facts.country_overrides.values() if iso_country(override.code) is None]
    countries: dict[str, Country] = {}
    for code, first_use in sorted(referenced_codes(facts).items()):
        country = Country(code=code, label=iso_names(code), source=[ISO_SOURCE], origin=first_use)
        override = facts.country_overrides.get(code)
        if override is not None:
            country.label = {**country.label, **(override.label or {})}
            country.names = override.names
            country.source = sorted({ISO_SOURCE, *(override.source or [])})
            country.origin = override.origin
        countries[code] = country
    return countries, problems
