"""Facts stage entry point: facts/*.yaml -> validated, located records (every problem at once)."""

from __future__ import annotations

import gc
import re
import time
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .. import vocab
from .checks import check_facts
from .collection import Facts
from .countries import ISO_SOURCE, Country, iso_country, iso_names, unknown_code_problem
from .models import ORGANISATION_SECTIONS, SECTIONS, SLUG_PATTERN, Organisation, Record
from .problems import FactsError, Origin, Problem, closest, did_you_mean
from .wording import article, describe_error
from .yamlread import YamlDocument, read_yaml

R = TypeVar("R", bound=Record)

# Sections whose records other records refer to by id, and the key that holds it.
_ID_KEYS = {"sources": "id", "places": "id", "organisations": "id", "people": "id", "documents": "id",
            "initiatives": "id", "countries": "code"}


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
    folder = Path(folder)
    facts = Facts(folder=folder)
    if not folder.is_dir():
        return facts, [
            Problem(Origin(str(folder), 1), "is not a folder of facts; pass the folder that holds the *.yaml files")
        ]
    facts.files = sorted(path for path in folder.iterdir() if path.suffix in {".yaml", ".yml"})
    problems: list[Problem] = []
    if not facts.files:
        problems.append(
            Problem(Origin(str(folder), 1), "holds no *.yaml files; add facts or point at the right folder")
        )
    reading = validating = 0.0
    gc.disable()  # the loader allocates many small objects and frees none: GC passes are pure cost (DESIGN.md §6)
    try:
        for path in facts.files:
            clock = time.perf_counter()
            document, read_problems = read_yaml(path)
            reading += time.perf_counter() - clock
            clock = time.perf_counter()
            problems.extend(read_problems)
            if read_problems:  # a key written twice keeps one of its values: records may be missing
                facts.incomplete = True
            if document is None:
                facts.incomplete = True  # its records are missing: references to them are no mistakes of their own
            elif document.data is None:
                facts.incomplete = True
                problems.append(Problem(document.origin(()), "holds no facts (the file is empty or only comments); "
                                        "add its records back, or delete the file"))
            else:
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
        facts.incomplete = True
        return [Problem(document.origin(()), "a facts file is a map of sections (sources:, memberships:, ...); "
                        "start each section at the left margin")]
    problems: list[Problem] = []
    organisation = _file_organisation(document, facts, problems)
    for key, raw in document.data.items():
        if key not in SECTIONS:
            facts.incomplete = True
            problems.append(
                Problem(
                    document.origin((key,)),
                    f"unknown section '{key}'{did_you_mean(str(key), SECTIONS)}; sections are: {', '.join(SECTIONS)}",
                )
            )
            continue
        model, is_list = SECTIONS[key]
        if key in ORGANISATION_SECTIONS and organisation is None:
            facts.incomplete = True
            if all(section in SECTIONS for section in document.data):  # else a misspelt `organisation:` says it
                problems.append(
                    Problem(
                        document.origin((key,)),
                        f"'{key}' belongs to an organisation, but this file has "
                        "no `organisation:` section; add one, or move these records to the organisation's file",
                    )
                )
            continue
        if not is_list:
            continue  # the organisation section, taken above
        if not raw:  # a warning: generated or half-written files may hold one, and nothing else is missing
            facts.warnings.append(Problem(document.origin((key,)), f"'{key}' is empty; list its records under it "
                                          "(lines starting with '- '), or delete the line"))
            continue
        if not isinstance(raw, list):
            facts.incomplete = True
            problems.append(
                Problem(document.origin((key,)), f"'{key}' must be a list of records (lines starting with '- ')")
            )
            continue
        for index, item in enumerate(raw):
            record = _validate(model, item, document, (key, index), problems, organisation or "")
            if record is None:
                _reject(key, item, organisation, facts)
                continue
            problems.extend(_store(key, record, facts))
    return problems


def _reject(section: str, item: Any, organisation: str | None, facts: Facts) -> None:
    """Note the id a rejected record declares, so that what refers to it is not reported as well."""
    if section == "memberships" and organisation:
        facts.doubtful.add(organisation)  # a count over its memberships would only repeat the mistake
    if not isinstance(item, dict):
        return  # an empty entry or a bare value declares nothing
    if section == "meetings":
        series, ordinal = item.get("series"), item.get("ordinal")
        if isinstance(series, str) and type(ordinal) is int and organisation:
            facts.rejected[section].add(vocab.meeting_slug(organisation, series, ordinal))
        else:
            facts.rejected[section].add("*")
    elif section in _ID_KEYS:
        key = item.get(_ID_KEYS[section])
        facts.rejected[section].add(key if isinstance(key, str) else "*")  # "*": some id, unknown which


def _file_organisation(document: YamlDocument, facts: Facts, problems: list[Problem]) -> str | None:
    """The id of the organisation a file is about (its `organisation:` section), filed with the others;
    a rejected section still names it, so that its memberships, meetings ... are checked all the same."""
    if "organisation" not in document.data:
        return None
    raw = document.data["organisation"]
    record = _validate(Organisation, raw, document, ("organisation",), problems)
    if record is not None:
        problems.extend(_store("organisations", record, facts))
        return record.id
    _reject("organisations", raw, None, facts)
    written = raw.get("id") if isinstance(raw, dict) else None
    return written if isinstance(written, str) and re.match(SLUG_PATTERN, written) else None


def _validate(model: type[R], item: Any, document: YamlDocument, at: tuple, problems: list[Problem],
              organisation: str = "") -> R | None:
    if item is None:
        problems.append(Problem(document.origin(at), "an empty list entry ('-' with nothing after it); "
                                f"write {article(model)} record there, or delete the line"))
        return None
    if not isinstance(item, dict):
        problems.append(Problem(document.origin(at), f"expected {article(model)} record (a map of keys such as "
                                f"`- {{key: value, ...}}`), got {str(item)[:40]!r}"))
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
    record.locate(document.origin(at), document.key_lines(at), organisation)
    return record


def _misspelt_required(details: list[ErrorDetails], model: type[Record]) -> set[str]:
    """Required keys whose absence is explained by a misspelt key next to them (sinse: -> since:)."""
    extra = [str(detail["loc"][-1]) for detail in details if detail["type"] == "extra_forbidden"]
    missing = {str(detail["loc"][-1]) for detail in details if detail["type"] == "missing"}
    return {match for key in extra if (match := closest(key, model.model_fields)) in missing}


def _store(section: str, record: Any, facts: Facts) -> list[Problem]:
    """File a record under its id; a second record with the same id is a problem naming the first."""
    if section == "sources":
        return _listed(_file_by_id(facts.sources, record.id, record, "source id"))
    if section == "countries":
        return _listed(_file_by_id(facts.country_overrides, record.code, record, "country"))
    if section == "wikidata_countries":
        return _listed(_file_by_id(facts.country_links, record.code, record, "the Wikidata entity of country"))
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
    listed: dict[str, list[Any]] = {"memberships": facts.memberships, "chairmanships": facts.chairmanships,
                                     "claims": facts.claims}
    listed[section].append(record)
    return []


def _file_by_id(table: dict[str, Any], key: str, record: Record, what: str) -> Problem | None:
    first = table.get(key)
    if first is not None:
        return Problem(record.origin, f"{what} '{key}' is declared twice (first at {first.origin}); keep one")
    table[key] = record
    return None


def _listed(problem: Problem | None) -> list[Problem]:
    return [problem] if problem else []


def referenced_codes(facts: Facts) -> dict[str, Origin]:
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


def resolve_countries(facts: Facts) -> tuple[dict[str, Country], list[Problem]]:
    """Name every referenced country: ISO 3166 names, replaced by facts/countries.yaml where given."""
    codes = [(row.code, row.origin) for row in facts.country_overrides.values()]
    codes += [(row.code, row.origin) for row in facts.country_links.values()]
    problems = [unknown_code_problem(code, origin, "code") for code, origin in codes if iso_country(code) is None]
    countries: dict[str, Country] = {}
    for code, first_use in sorted(referenced_codes(facts).items()):
        country = Country(code=code, label=iso_names(code), source=[ISO_SOURCE], origin=first_use)
        override = facts.country_overrides.get(code)
        if override is not None:
            country.label = {**country.label, **(override.label or {})}
            country.names = override.names
            country.source = sorted({ISO_SOURCE, *(override.source or [])})
            country.origin = override.origin
        link = facts.country_links.get(code)
        if link is not None:
            country.wikidata, country.wikidata_source = link.wikidata, list(link.source)
        countries[code] = country
    return countries, problems
