"""Facts stage entry point: facts/*.yaml -> validated, located records (every problem at once)."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import vocab
from .countries import Country, resolve_countries
from .models import (
    ORGANISATION_SECTIONS, SECTIONS, Chairmanship, Claim, CountryOverride, Document, Initiative, Meeting, Membership,
    Organisation, Person, Place, Record, Source,
)
from .problems import FactsError, Origin, Problem, closest, did_you_mean
from .yamlread import YamlDocument, read_yaml


@dataclass
class Facts:
    """Every record of a facts folder, validated and cross-checked, each knowing its file:line."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    country_overrides: dict[str, CountryOverride] = field(default_factory=dict)
    countries: dict[str, Country] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    chairmanships: list[Chairmanship] = field(default_factory=list)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    initiatives: dict[str, Initiative] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # true but worth saying: gaps the sources leave

    def count(self) -> dict[str, int]:
        """How many records of each kind, for reports and the closing note."""
        return {
            "sources": len(self.sources), "countries": len(self.countries), "places": len(self.places),
            "organisations": len(self.organisations), "people": len(self.people),
            "memberships": len(self.memberships), "chairmanships": len(self.chairmanships),
            "meetings": len(self.meetings), "documents": len(self.documents),
            "components": sum(len(document.components) for document in self.documents.values()),
            "initiatives": len(self.initiatives), "claims": len(self.claims),
        }


def load_facts(folder: Path, timings: dict[str, float] | None = None) -> Facts:
    """Read and check every *.yaml file in folder (timings, if given, gets the seconds spent reading
    the YAML, "load", and validating the records, "validate").

    :raises FactsError: listing every problem found, each as file:line: what; how to fix.
    """
    facts, problems = collect_facts(folder, timings)
    if problems:
        raise FactsError(problems)
    return facts


def collect_facts(folder: Path, timings: dict[str, float] | None = None) -> tuple[Facts, list[Problem]]:
    """Read and check a facts folder; return what is valid and every problem found."""
    from .checks import check_facts  # checks import Facts from here

    folder = Path(folder)
    facts = Facts(folder=folder)
    if not folder.is_dir():
        return facts, [Problem(Origin(str(folder), 1), "is not a folder of facts; pass the folder that holds the *.yaml files")]
    facts.files = sorted(path for path in folder.iterdir() if path.suffix in {".yaml", ".yml"})
    problems: list[Problem] = []
    if not facts.files:
        problems.append(Problem(Origin(str(folder), 1), "holds no *.yaml files; add facts or point at the right folder"))
    reading = validating = 0.0
    gc.disable()  # the loader allocates many small objects and frees none: GC passes are pure cost (DESIGN.md §6)
    try:
        for path in facts.files:
            clock = time.perf_counter()
            document, read_problems = read_yaml(path)
            reading += time.perf_counter() - clock
            clock = time.perf_counter()
            problems.extend(read_problems)
            if document is not None and document.data is not None:
                problems.extend(_take_records(document, facts))
            validating += time.perf_counter() - clock
        clock = time.perf_counter()
        facts.countries, country_problems = resolve_countries(facts)
        problems.extend(country_problems)
        problems.extend(check_facts(facts))
        validating += time.perf_counter() - clock
    finally:
        gc.enable()
    if timings is not None:
        timings["load"], timings["validate"] = reading, validating
    return facts, sorted(set(problems))


def _take_records(document: YamlDocument, facts: Facts) -> list[Problem]:
    """Validate each record of one file on its own, so one bad record hides no other problem."""
    if not isinstance(document.data, dict):
        return [Problem(document.origin(()), "a facts file is a map of sections (sources:, memberships:, ...); "
                        "start each section at the left margin")]
    problems: list[Problem] = []
    name = document.name  # resolving the path costs syscalls: once per file, not once per key
    organisation = _file_organisation(document, facts, problems)
    for key, raw in document.data.items():
        if key not in SECTIONS:
            problems.append(Problem(document.origin((key,)), f"unknown section '{key}'{did_you_mean(str(key), SECTIONS)}; "
                                    f"sections are: {', '.join(SECTIONS)}"))
            continue
        model, is_list = SECTIONS[key]
        if key in ORGANISATION_SECTIONS and organisation is None:
            problems.append(Problem(document.origin((key,)), f"'{key}' belongs to an organisation, but this file has no "
                                    "`organisation:` section; add one, or move these records to the organisation's file"))
            continue
        if not is_list:
            continue  # the organisation section, taken above
        if raw is None:
            continue
        if not isinstance(raw, list):
            problems.append(Problem(document.origin((key,)), f"'{key}' must be a list of records (lines starting with '- ')"))
            continue
        for index, item in enumerate(raw):
            record = _validate(model, item, document, (key, index), problems, name)
            if record is not None:
                record._organisation = organisation.id if organisation else ""
                problems.extend(_store(key, record, facts))
    return problems


def _file_organisation(document: YamlDocument, facts: Facts, problems: list[Problem]) -> Organisation | None:
    """The organisation a file is about (its `organisation:` section), filed with the others."""
    if "organisation" not in document.data:
        return None
    record = _validate(Organisation, document.data["organisation"], document, ("organisation",), problems)
    if record is not None:
        problems.extend(_store("organisations", record, facts))
    return record


def _validate(model: type[Record], item: Any, document: YamlDocument, at: tuple, problems: list[Problem],
              name: str | None = None) -> Record | None:
    if not isinstance(item, dict):
        problems.append(Problem(document.origin(at), f"expected {_article(model)} record (a map of keys), "
                                f"got {type(item).__name__} {str(item)[:40]!r}"))
        return None
    try:
        record = model.model_validate(item)
    except ValidationError as error:
        details = error.errors(include_url=False)
        explained = _misspelt_required(details, model)
        for detail in details:
            if detail["type"] == "missing" and str(detail["loc"][-1]) in explained:
                continue  # the unknown-key message already says which key was meant
            where = (*at, *detail["loc"])
            problems.append(Problem(document.origin(where), describe_error(detail, model)))
        return None
    if name is None:
        record._origin = document.origin(at)
        record._key_origins = {key: document.origin((*at, key)) for key in item}
        return record
    record._origin = origin = document.origin(at) if at not in document.lines else Origin(name, document.lines[at])
    lines = document.lines
    record._key_origins = {key: Origin(name, lines[(*at, key)]) if (*at, key) in lines else origin for key in item}
    return record


def _article(model: type[Record]) -> str:
    noun = model.__name__.lower()
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _misspelt_required(details: list[dict[str, Any]], model: type[Record]) -> set[str]:
    """Required keys whose absence is explained by a misspelt key next to them (sinse: -> since:)."""
    extra = [str(detail["loc"][-1]) for detail in details if detail["type"] == "extra_forbidden"]
    missing = {str(detail["loc"][-1]) for detail in details if detail["type"] == "missing"}
    return {match for key in extra if (match := closest(key, model.model_fields)) in missing}


def describe_error(detail: dict[str, Any], model: type[Record]) -> str:
    """Turn one pydantic error into `what is wrong; how to fix it`, in the maintainer's terms."""
    loc = [part for part in detail["loc"] if not isinstance(part, int)]
    name = str(loc[-1]) if loc else model.__name__.lower()
    value = detail.get("input")
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = sorted(model.model_fields)
        return f"unknown key '{name}'{did_you_mean(name, allowed)}; {_article(model)} takes: {', '.join(allowed)}"
    if kind == "missing":
        description = model.model_fields[name].description if name in model.model_fields else None
        hint = f" ({description})" if description else ""
        return f"missing required key '{name}'; add `{name}: ...`{hint}"
    if kind == "value_error":
        return f"{name}: {detail['ctx']['error']}" if loc else str(detail["ctx"]["error"])
    if kind == "literal_error":
        return f"{name}: {value!r} is not allowed; use {detail['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        pattern = detail["ctx"]["pattern"]
        if pattern == "^[a-z]{2}$":
            return f"{name}: {value!r} is not an ISO 3166-1 alpha-2 code; write two lower-case letters, e.g. kz"
        if "a-z0-9" in pattern:
            return f"{name}: {value!r} is not a valid id; use lower-case letters, digits and '-' (e.g. nur-sultan)"
        if "https?" in pattern:
            return f"{name}: {value!r} is not a web address; write it in full, starting with https://"
        return f"{name}: {value!r} is not a language tag; use a BCP 47 tag such as en or id"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{name}: expected a whole number, got {value!r}"
    if kind in {"string_type"}:
        return f"{name}: expected text, got {type(value).__name__} {value!r}; quote it"
    if kind in {"dict_type", "model_type"}:
        return f"{name}: expected a map such as {{en: ..., id: ...}}, got {type(value).__name__} {str(value)[:40]!r}"
    if kind == "list_type":
        return f"{name}: expected a list, got {type(value).__name__} {str(value)[:40]!r}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{name}: {value!r} is too small; it must be at least {detail['ctx'].get('ge', detail['ctx'].get('gt'))}"
    if kind in {"string_too_short", "too_short"}:
        return f"{name}: must not be empty; give a value"
    return f"{name}: {detail['msg']} (got {str(value)[:60]!r}); fix the value"


def _store(section: str, record: Any, facts: Facts) -> list[Problem]:
    """File a record under its id; a second record with the same id is a problem naming the first."""
    if section == "sources":
        return _listed(_file_by_id(facts.sources, record.id, record, "source id"))
    if section == "countries":
        return _listed(_file_by_id(facts.country_overrides, record.code, record, "country"))
    if section == "places":
        return _listed(_file_by_id(facts.places, record.id, record, "place id"))
    if section == "organisations":
        return _listed(_file_by_id(facts.organisations, record.id, record, "organisation id"))
    if section == "people":
        return _listed(_file_by_id(facts.people, record.id, record, "person id"))
    if section == "meetings":
        slug = vocab.meeting_slug(record.organisation, record.series, record.ordinal)
        return _listed(_file_by_id(facts.meetings, slug, record, "meeting"))
    if section == "documents":
        return _listed(_file_by_id(facts.documents, record.id, record, "document id"))
    if section == "initiatives":
        return _listed(_file_by_id(facts.initiatives, record.id, record, "initiative id"))
    {"memberships": facts.memberships, "chairmanships": facts.chairmanships, "claims": facts.claims}[section].append(record)
    return []


def _file_by_id(table: dict[str, Any], key: str, record: Record, what: str) -> Problem | None:
    first = table.get(key)
    if first is not None:
        return Problem(record.origin, f"{what} '{key}' is declared twice (first at {first.origin}); keep one")
    table[key] = record
    return None


def _listed(problem: Problem | None) -> list[Problem]:
    return [problem] if problem else []
