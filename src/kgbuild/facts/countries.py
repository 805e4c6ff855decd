"""Facts stage: countries by ISO 3166-1 alpha-2 code, named in English and Indonesian from pycountry."""

from __future__ import annotations

import gettext
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pycountry

from .problems import Origin, Problem

ISO_SOURCE = "iso-3166"


@dataclass
class Country:
    """A country the facts refer to, with its names and where they come from."""

    code: str  # lower-case alpha-2
    label: dict[str, str]
    source: list[str] = field(default_factory=list)
    origin: Origin | None = None
    names: list = field(default_factory=list)  # facts.models.Name: other names, from countries.yaml
    wikidata: str | None = None  # its Wikidata entity (Q232), from facts/wikidata-countries.yaml
    wikidata_source: list[str] = field(default_factory=list)  # the sources that give that id


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@lru_cache(maxsize=4096)  # asked once per member, chair, place ...: pycountry's lookup costs microseconds
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


def suggest_code(code: str, used: Collection[str] = frozenset()) -> str | None:
    """The real code one slipped key away from code, preferring codes the facts already use."""
    code = code.lower()
    candidates = [
        real for real in all_codes() if len(code) == 2 and sum(a != b for a, b in zip(real, code, strict=False)) == 1
    ]
    if not candidates:
        return None

    def likelihood(real: str) -> tuple[bool, bool, bool, str]:
        slipped = next(b for a, b in zip(real, code, strict=False) if a != b)
        intended = next(a for a, b in zip(real, code, strict=False) if a != b)
        return (real in used, slipped in _neighbours(intended), real[0] == code[0], real)

    return max(candidates, key=likelihood)


def unknown_code_problem(code: str, origin: Origin, key: str, used: Collection[str] = frozenset(),
                         organisations: Collection[str] = ()) -> Problem:
    """The message for a country slot holding no ISO code; an organisation there is named as one, never guessed at."""
    if code in organisations:
        return Problem(origin, f"{key}: '{code}' is an organisation, but {key} takes a country; "
                               "write the country's ISO 3166-1 alpha-2 code")
    match = suggest_code(code, used)
    hint = f" (did you mean '{match}', {describe_code(match)}?)" if match else ""
    return Problem(origin, f"{key}: unknown country code '{code}'{hint}; use an ISO 3166-1 alpha-2 code")
