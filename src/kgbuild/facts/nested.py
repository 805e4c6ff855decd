"""Facts stage: checks of what records hold inside them (names, alternatives, participants, agenda
items, document decisions, aims) and of initiatives: their sources and the ids they point at."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .collection import Facts
from .countries import ISO_SOURCE, iso_country
from .models import CountryOverride, Document, Organisation, Person, Place, Record
from .problems import Origin, Problem, did_you_mean


def check_nested(facts: Facts) -> Iterator[Problem]:
    """Every source cited inside a record is declared, and every id it names exists, in its kind."""
    declared = set(facts.sources) | {ISO_SOURCE}
    for record, key, inner in _nested(facts):
        where = record.origin_of(key)
        for source in inner.value_of("source") or []:
            if source not in declared and not facts.declares("sources", source):
                yield Problem(where, f"{key}: unknown source id '{source}'{did_you_mean(source, declared)}; "
                                     "declare it in facts/sources.yaml or cite a declared one")
    for meeting in facts.meetings.values():
        where = meeting.origin_of("participants")
        for participant in meeting.participants:
            if participant.person:
                yield from _known(
                    participant.person, facts, "people", where, "participants: person", "facts/people.yaml"
                )
            if participant.body:
                yield from _known(participant.body, facts, "organisations", where, "participants: organisation",
                                  "facts/organisations.yaml")
            if participant.country:
                yield from _agent(participant.country, facts, where, "participants: country")
            if participant.on_behalf_of:
                yield from _agent(participant.on_behalf_of, facts, where, "participants: on_behalf_of")
        for item in meeting.agenda:
            for about in item.about:
                if not _exists(about, facts):
                    yield Problem(
                        meeting.origin_of("agenda"),
                        f"agenda: about: unknown id '{about}'"
                        f"{did_you_mean(about, _ids(facts))}; name a document, initiative, meeting or organisation",
                    )
        for decision in meeting.documents:
            yield from _known(decision.document, facts, "documents", meeting.origin_of("documents"),
                              "documents: document", "the `documents:` of an organisation file")
    for initiative in facts.initiatives.values():
        if initiative.proposed_by and initiative.proposed_by not in facts.people:
            yield from _agent(initiative.proposed_by, facts, initiative.origin_of("proposed_by"), "proposed_by")
        if initiative.on_behalf_of:
            yield from _agent(initiative.on_behalf_of, facts, initiative.origin_of("on_behalf_of"), "on_behalf_of")
        if initiative.proposed_at:
            yield from _known(
                initiative.proposed_at,
                facts,
                "meetings",
                initiative.origin_of("proposed_at"),
                "proposed_at",
                "an organisation file's `meetings:` ({org}-{ordinal} for summits, {org}-{series}-{ordinal} otherwise)",
            )
    for record, key, names in _names(facts):
        for name in names:
            if name.since and name.until and name.until.last_day < name.since.value:
                yield Problem(record.origin_of(key), f"{key}: until: {name.until} is before since: {name.since}; "
                                                     "swap them or correct the dates")


def _nested(facts: Facts) -> Iterator[tuple[Record, str, Record]]:
    """(record, its key, the record nested under that key) for every nested record."""
    owners: Iterable[Record] = [*facts.places.values(), *facts.organisations.values(), *facts.people.values(),
                                *facts.country_overrides.values(), *facts.memberships, *facts.chairmanships,
                                *facts.meetings.values(), *facts.documents.values()]
    for record in owners:
        for key in ("names", "alternatives", "participants", "agenda", "documents", "aims"):
            for inner in record.value_of(key) or []:
                if isinstance(inner, Record):
                    yield record, key, inner
        link = record.value_of("wikidata")  # one record, not a list: {id: Q7768, source: ...}
        if isinstance(link, Record):
            yield record, "wikidata", link


def _names(facts: Facts) -> Iterator[tuple[Record, str, list]]:
    named: list[Place | Organisation | Person | CountryOverride | Document] = [
        *facts.places.values(), *facts.organisations.values(), *facts.people.values(),
        *facts.country_overrides.values(), *facts.documents.values()]
    for record in named:
        if record.names:
            yield record, "names", record.names


def _known(slug: str, facts: Facts, section: str, where: Origin, key: str, declare_in: str) -> Iterator[Problem]:
    if not facts.declares(section, slug):  # a rejected record still declares its id: one mistake, one message
        yield Problem(where, f"{key}: unknown id '{slug}'{did_you_mean(slug, getattr(facts, section))}; "
                             f"declare it in {declare_in}")


def _agent(slug: str, facts: Facts, where: Origin, key: str) -> Iterator[Problem]:
    """A person, an organisation or a country, by id or ISO code."""
    if facts.declares("people", slug) or facts.declares("organisations", slug):
        return
    if len(slug) == 2 and iso_country(slug) is not None:
        return
    choices = [*facts.people, *facts.organisations]
    yield Problem(where, f"{key}: '{slug}' is neither a person, an organisation nor an ISO 3166-1 country code"
                         f"{did_you_mean(slug, choices)}; use one of those")


def _ids(facts: Facts) -> list[str]:
    return [*facts.documents, *facts.initiatives, *facts.meetings, *facts.organisations]


def _exists(slug: str, facts: Facts) -> bool:
    return any(facts.declares(section, slug) for section in ("documents", "initiatives", "meetings", "organisations"))
