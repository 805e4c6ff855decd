"""Graph stage: facts -> the snapshot a build keeps as records.json (changes.records), each record named
in a maintainer's words."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from .. import vocab
from ..changes import FactRecord, Snapshot
from ..facts import Facts
from ..facts.models import PartialDate, Record

STATUS_NOUNS = {"full": "member", "observer": "observer", "partner": "partner"}


def plain(value: Any) -> Any:
    """A record value as JSON: dates in the precision written, maps and lists kept."""
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, Record):  # a record nested in another: a name, an alternative, a participant
        return _fields(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _fields(record: Record) -> dict[str, Any]:
    """The record's values, defaults left out (`status: full` written or not is the same fact), sources
    sorted (their order means nothing)."""
    values = {}
    for name, required, default in _defaults(type(record)):
        value = getattr(record, name)
        if value is not None and (required or value != default):
            values[name] = plain(value)
    if "source" in values:
        values["source"] = sorted(values["source"])
    return dict(sorted(values.items()))


@cache
def _defaults(model: type[Record]) -> tuple[tuple[str, bool, Any], ...]:
    """(name, required, default) of every field of a model, worked out once rather than per record."""
    return tuple((name, info.is_required(), None if info.is_required() else info.get_default(call_default_factory=True))
                 for name, info in model.model_fields.items())


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 11th, 22nd."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class _Namer:
    """Names of countries, organisations and places as a maintainer would say them."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def country(self, code: str) -> str:
        country = self.facts.countries.get(code)
        return country.label.get("en", code.upper()) if country else code.upper()

    def organisation(self, slug: str) -> str:
        organisation = self.facts.organisations.get(slug)
        if organisation is None:
            return slug.upper()
        return organisation.acronym or organisation.label.get("en", slug)

    def member(self, slug: str) -> tuple[str, str]:
        """('state', 'Kuwait') or ('organisation', 'UN')."""
        if slug in self.facts.countries:
            return "state", self.country(slug)
        return "organisation", self.organisation(slug)

    def place(self, slug: str) -> str:
        place = self.facts.places.get(slug)
        return place.label.get("en", slug) if place else slug


def _period(since: Any, until: Any, attested: Any = None) -> str:
    words = []
    if since is not None:
        words.append(f"since {since}")
    if attested is not None:
        words.append(f"attested {attested}")
    if until is not None:
        words.append(f"until {until}")
    return " ".join(words)


def snapshot_facts(facts: Facts, label: str, folder_name: str = "facts") -> Snapshot:
    """Describe every record of facts; `at` locations read `{folder_name}/{file}:{line}`."""
    namer = _Namer(facts)
    own_files = {record.organisation for record in (*facts.memberships, *facts.chairmanships,
                                                    *facts.meetings.values(), *facts.documents.values(), *facts.claims)}
    records: list[FactRecord] = []

    names: dict[str, str] = {}  # a file's name, worked out once per file rather than once per record

    def add(record: Record, kind: str, scope: str, key: str, summary: str, resource: str, start: Any = None) -> None:
        file = record.origin.file
        name = names.get(file) or names.setdefault(file, Path(file).name)
        at = f"{folder_name}/{name}:{record.origin.line}"
        sources = tuple(getattr(record, "source", None) or ())
        records.append(FactRecord(kind=kind, scope=scope, key=key, start=str(start or ""), summary=summary,
                                  fields=_fields(record), sources=sources, resource=resource, at=at))

    for source in facts.sources.values():
        issued = f", {source.issued}" if source.issued else ""
        add(source, "source", "sources", source.id, f"source {source.id} ({source.publisher}{issued})",
            f"source/{source.id}")
    for code, override in facts.country_overrides.items():
        add(override, "country", "countries", code, f"name of {code.upper()} ({(override.label or {}).get('en', '')})",
            f"country/{code}")
    for code, link in facts.country_links.items():
        add(link, "country link", "countries", code, f"Wikidata entity of {namer.country(code)} ({link.wikidata})",
            f"country/{code}")
    for place in facts.places.values():
        add(place, "place", "places", place.id, f"place {place.label['en']} ({namer.country(place.country)})",
            f"place/{place.id}")
    for organisation in facts.organisations.values():
        scope = namer.organisation(organisation.id) if organisation.id in own_files else "organisations"
        add(organisation, "organisation", scope, organisation.id,
            f"organisation {namer.organisation(organisation.id)} ({organisation.label['en']})",
            f"organisation/{organisation.id}")
    for person in facts.people.values():
        add(person, "person", "people", person.id, f"person {person.label['en']}", f"person/{person.id}")

    statuses: dict[tuple[str, str], set[str]] = defaultdict(set)
    for membership in facts.memberships:
        statuses[(membership.organisation, membership.member)].add(membership.status)
    for membership in facts.memberships:
        org, member, status = membership.organisation, membership.member, membership.status
        member_kind, name = namer.member(member)
        noun = STATUS_NOUNS[status]
        period = _period(membership.since, membership.until, membership.attested)
        slug = vocab.membership_slug(org, member, status, len(statuses[(org, member)]) > 1)
        add(membership, "membership", namer.organisation(org), f"{org}/{member}/{status}",
            f"{noun} {member_kind} {name} {period}", f"membership/{slug}", membership.known_from)
    for chairmanship in facts.chairmanships:
        org = chairmanship.organisation
        slug = vocab.chairmanship_slug(org, chairmanship.chair, chairmanship.since.value.year)
        add(chairmanship, "chairmanship", namer.organisation(org), f"{org}/{chairmanship.chair}",
            f"chairmanship of {namer.country(chairmanship.chair)} {_period(chairmanship.since, chairmanship.until)}",
            f"chairmanship/{slug}", chairmanship.since)
    for slug, meeting in facts.meetings.items():
        series = {"summit": "summit", "ministerial": "ministerial meeting"}.get(
            meeting.series, f"{meeting.series} meeting"
        )
        when = f"{meeting.start}" + (f" to {meeting.end}" if meeting.end and meeting.end != meeting.start else "")
        add(meeting, "meeting", namer.organisation(meeting.organisation), slug,
            f"{ordinal(meeting.ordinal)} {series} ({slug}), {when} "
            + (f"in {namer.place(meeting.place)}" if meeting.place else "online"),
            f"{vocab.meeting_kind(meeting.series)}/{slug}")
    for document in facts.documents.values():
        kind = "declaration" if document.kind == "declaration" else "document"
        add(document, "document", namer.organisation(document.organisation), document.id,
            f"{kind} {document.label['en']!r} ({document.id})", f"{kind}/{document.id}")
    for initiative in facts.initiatives.values():
        add(initiative, "initiative", namer.organisation(initiative.organisation), initiative.id,
            f"initiative {initiative.label['en']!r} ({initiative.id})", f"initiative/{initiative.id}")
    for claim in facts.claims:
        records.append(_claim_record(claim, namer, folder_name))
    return Snapshot(label=label, records=records)


def _claim_record(claim, namer: _Namer, folder_name: str) -> FactRecord:
    org = claim.organisation
    as_of = str(claim.as_of) if claim.as_of else None
    if claim.count == "components":
        about, what = claim.document or "", f"{claim.value} components of {claim.document}"
    else:
        about = org
        what = f"{claim.value} {claim.status or 'full'} {claim.kind or 'member'} members"
    summary = f"claim: {what}" + (f" as of {as_of}" if as_of else "") + ("" if claim.complete else " (incomplete)")
    slug = vocab.claim_slug(
        about, claim.count, claim.status, claim.kind, str(claim.as_of.value) if claim.as_of else None
    )
    return FactRecord(
        kind="claim",
        scope=namer.organisation(org),
        key=f"{org}/{about}/{claim.count}/{claim.status}/{claim.kind}",
        start=as_of or "",
        summary=summary,
        fields=_fields(claim),
        sources=tuple(claim.source),
        resource=f"claim/{slug}",
        at=f"{folder_name}/{Path(claim.origin.file).name}:{claim.origin.line}",
    )
