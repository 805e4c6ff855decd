"""Facts stage: checks across records: references, periods, overlaps and the sources' stated figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from .. import vocab
from .collection import Facts
from .countries import ISO_SOURCE, describe_code, iso_country, unknown_code_problem
from .links import check_wikidata_ids
from .models import Chairmanship, Claim, Membership, PartialDate
from .nested import check_nested
from .plausible import check_adopted_during_meeting, check_dates, check_ids, check_series, check_source_dates
from .problems import Origin, Problem, did_you_mean
from .terms import check_terms


def check_facts(facts: Facts) -> list[Problem]:
    """Every cross-record problem of a facts folder (warnings go to facts.warnings).

    One mistake, one message: checks that count or look records up run only when every file was
    read, and skip organisations whose memberships already hold a mistake (facts.doubtful).
    """
    problems: list[Problem] = []
    always = (check_terms, check_ids, check_wikidata_ids, check_dates, check_periods, check_overlaps, check_series)
    whole = (check_sources, check_references, check_nested, check_claims, check_chairs_are_members,
             check_adopted_during_meeting, check_source_dates)
    for check in always + (() if facts.incomplete else whole):
        problems.extend(_once(check(facts)))  # in order: each may mark organisations doubtful for the next
    return problems


def check_sources(facts: Facts) -> Iterator[Problem]:
    """Every cited source is declared in facts/sources.yaml (a deleted source is one message: see _once)."""
    declared = set(facts.sources) | {ISO_SOURCE}
    for record in facts.records():
        for source in record.value_of("source") or []:
            if source not in declared and not facts.declares("sources", source):
                yield Problem(
                    record.origin_of("source"),
                    f"source: unknown source id '{source}'{did_you_mean(source, facts.sources)}; "
                    "declare it in facts/sources.yaml or cite a declared one",
                )


def _once(problems: Iterable[Problem]) -> Iterator[Problem]:
    """One message per mistake: the same words at several places (a deleted source, place or organisation
    that many records name) become one message at the first place, naming the others."""
    places: dict[str, list[Origin]] = defaultdict(list)
    for problem in problems:
        places[problem.message].append(problem.origin)
    for message, origins in places.items():
        first, *others = sorted(set(origins))
        if not others:
            yield Problem(first, message)
            continue
        shown = ", ".join(f"{Path(origin.file).name}:{origin.line}" for origin in others[:3])
        more = f" and {len(others) - 3} more" if len(others) > 3 else ""
        yield Problem(first, f"{message} (the same at {shown}{more})")


def check_references(facts: Facts) -> Iterator[Problem]:
    """Members, chairs, places, countries, meetings and documents that records point at exist, each within its kind:
    a country slot never takes an organisation, and a member that is neither is named as neither."""
    used = set(facts.countries)
    organisations = facts.organisations
    for membership in facts.memberships:
        member = membership.member
        if member not in organisations and iso_country(member) is None and not facts.declares("organisations", member):
            facts.doubtful.add(membership.organisation)  # counted as a country, it would upset the claims
            yield _unknown_member(membership, facts, used)
        if member == membership.organisation:
            yield Problem(membership.origin, f"member: '{member}' cannot be a member of itself; remove the line")
    for chairmanship in facts.chairmanships:
        if iso_country(chairmanship.chair) is None:
            yield unknown_code_problem(
                chairmanship.chair, chairmanship.origin_of("chair"), "chair", used, organisations
            )
    for place in facts.places.values():
        if iso_country(place.country) is None:
            yield unknown_code_problem(place.country, place.origin_of("country"), "country", used, organisations)
    for person in facts.people.values():
        if person.country and iso_country(person.country) is None:
            yield unknown_code_problem(person.country, person.origin_of("country"), "country", used, organisations)
    for meeting in facts.meetings.values():
        if meeting.place is not None and not facts.declares("places", meeting.place):
            yield Problem(
                meeting.origin_of("place"),
                f"place: unknown place '{meeting.place}'{did_you_mean(meeting.place, facts.places)}; "
                "declare it in facts/places.yaml",
            )
    for document in facts.documents.values():
        if document.adopted_at and not facts.declares("meetings", document.adopted_at):
            yield Problem(document.origin_of("adopted_at"), f"adopted_at: unknown meeting '{document.adopted_at}'"
                                           f"{_meeting_hint(document.adopted_at, facts)}; meetings are named "
                                           "{org}-{ordinal} for summits and {org}-{series}-{ordinal} otherwise")
    for claim in facts.claims:
        yield from _check_claim_shape(claim, facts)


def _meeting_hint(written: str, facts: Facts) -> str:
    """A summit written with its series (cica-summit-6) is the summit cica-6; else the closest meeting id."""
    summit = written.replace("-summit-", "-", 1)
    if summit != written and summit in facts.meetings:
        return f" (did you mean '{summit}'? summits have no series in their id)"
    return did_you_mean(written, facts.meetings)


def _unknown_member(membership: Membership, facts: Facts, used: set[str]) -> Problem:
    """A member that is neither an ISO code nor a declared organisation: a two-letter one reads as a country code."""
    member = membership.member
    if len(member) == 2:
        return unknown_code_problem(member, membership.origin_of("member"), "member", used)
    return Problem(membership.origin_of("member"), f"member: '{member}' is neither a declared organisation nor an ISO "
                                                   f"3166-1 country code{did_you_mean(member, facts.organisations)}; "
                                                   "declare the organisation in facts/organisations.yaml")


def _check_claim_shape(claim: Claim, facts: Facts) -> Iterator[Problem]:
    if claim.count == "components":
        if not claim.document:
            yield Problem(claim.origin, "a components claim needs `document: <document id>`; add it")
        elif not facts.declares("documents", claim.document):
            yield Problem(claim.origin_of("document"), f"document: unknown document '{claim.document}'"
                                        f"{did_you_mean(claim.document, facts.documents)}; use a document id")
    elif claim.as_of is None:
        yield Problem(claim.origin, "a members claim needs `as_of: <date>`, the day the figure was true; add it")


def check_periods(facts: Facts) -> Iterator[Problem]:
    """No period ends before it begins (with a year or month, the latest day it could mean)."""
    timed: Iterable = [*facts.memberships, *facts.chairmanships]
    for record in timed:
        start = record.known_from if isinstance(record, Membership) else record.since
        if record.until is not None and record.until.last_day < start.value:
            if isinstance(record, Membership):
                facts.doubtful.add(record.organisation)
            which = "since" if record.since is not None else "attested"
            yield Problem(record.origin_of("until"), f"until: {record.until} is before {which}: {start}; "
                                         "swap them or correct the dates")
    for meeting in facts.meetings.values():
        if meeting.end is not None and meeting.end.last_day < meeting.start.value:
            yield Problem(
                meeting.origin_of("end"), f"end: {meeting.end} is before start: {meeting.start}; correct the dates"
            )


def _start(record: Membership | Chairmanship) -> date:
    return (record.known_from if isinstance(record, Membership) else record.since).value


def _overlap(first: Membership | Chairmanship, second: Membership | Chairmanship) -> bool:
    """Two periods overlap when each starts before the other ends; a hand-over on one day is no overlap."""
    first_end = first.until.value if first.until else date.max
    second_end = second.until.value if second.until else date.max
    return _start(first) < second_end and _start(second) < first_end


def check_overlaps(facts: Facts) -> Iterator[Problem]:
    """Chairmanships of one organisation never overlap; neither do one member's memberships of one organisation."""
    chairs: dict[str, list[Chairmanship]] = defaultdict(list)
    for chairmanship in facts.chairmanships:
        chairs[chairmanship.organisation].append(chairmanship)
    for organisation, terms in chairs.items():
        terms.sort(key=lambda term: (term.since.value, term.origin))
        for earlier, later in zip(terms, terms[1:], strict=False):
            if _overlap(earlier, later):
                yield Problem(
                    later.origin,
                    f"chairmanship of {organisation} by '{later.chair}' from {later.since} overlaps "
                    f"the one by '{earlier.chair}' ({earlier.since} to {earlier.until or 'now'}, "
                    f"at {earlier.origin}); end the earlier one first",
                )
    members: dict[tuple[str, str], list[Membership]] = defaultdict(list)
    for membership in facts.memberships:
        members[(membership.organisation, membership.member)].append(membership)
    for (organisation, member), periods in members.items():
        periods.sort(key=lambda period: (_start(period), period.origin))
        for before, after in zip(periods, periods[1:], strict=False):
            if _overlap(before, after):
                facts.doubtful.add(organisation)
                yield Problem(
                    after.origin,
                    f"membership of '{member}' in {organisation} from {after.known_from} overlaps "
                    f"the one at {before.origin} ({before.known_from} to {before.until or 'now'}); "
                    "give the earlier one `until:` or remove one",
                )
        slugs = [_membership_slug(period, periods) for period in periods]
        overlapping = any(_overlap(a, b) for a, b in zip(periods, periods[1:], strict=False))
        if len(set(slugs)) < len(slugs) and not overlapping:
            yield Problem(periods[-1].origin, f"'{member}' has several {organisation} memberships of one status; "
                                              "keep one line per status (merge the periods)")


def _membership_slug(membership: Membership, periods: list[Membership]) -> str:
    several = len({period.status for period in periods}) > 1
    return vocab.membership_slug(membership.organisation, membership.member, membership.status, several)


def in_force(membership: Membership, day: date) -> tuple[bool, bool]:
    """Whether a membership is (certainly, possibly) in force on a day: kgbuild.temporal's one rule."""
    period = membership.period
    return period.certainly(day), period.possibly(day)


def in_force_at_start(memberships: list[Membership], start: PartialDate) -> bool:
    """Whether one of the memberships holds on the first or the last day the start may mean (2010-06: June)."""
    return any(in_force(membership, day)[1] for membership in memberships for day in {start.value, start.last_day})


def check_chairs_are_members(facts: Facts) -> Iterator[Problem]:
    """A chairmanship's chair is a full member of the organisation when its term starts."""
    full: dict[tuple[str, str], list[Membership]] = {}
    for membership in facts.memberships:
        if membership.status == "full":
            full.setdefault((membership.organisation, membership.member), []).append(membership)
    for chairmanship in facts.chairmanships:
        organisation, chair = chairmanship.organisation, chairmanship.chair
        if organisation in facts.doubtful or iso_country(chair) is None:
            continue  # the membership's or the code's own message says what is wrong
        if not in_force_at_start(full.get((organisation, chair), []), chairmanship.since):
            yield _not_a_member(chairmanship, describe_code(chair))


def _not_a_member(chairmanship: Chairmanship, name: str) -> Problem:
    return Problem(chairmanship.origin_of("chair"), (
        f"chair: '{chairmanship.chair}' ({name}) is not a full member of {chairmanship.organisation} when its term "
        f"starts ({chairmanship.since}); check the chair's code and the dates, or add its membership"))


def count_for_claim(
    claim: Claim, facts: Facts, by_organisation: dict[str, list[Membership]] | None = None
) -> tuple[int, int]:
    """What the enumerated facts say for a claim's figure, as (certain, possible) counts: they differ
    where a date is known only to the month or year (by_organisation: the memberships indexed by
    organisation, so that many claims do not each scan every membership)."""
    if claim.count == "components":
        document = facts.documents.get(claim.document or "")
        found = len(document.components) if document else 0
        return found, found
    assert claim.as_of is not None
    status = claim.status or "full"
    memberships = facts.memberships if by_organisation is None else by_organisation.get(claim.organisation, [])
    certain = possible = 0
    for membership in memberships:
        if membership.organisation != claim.organisation or membership.status != status:
            continue
        # a member organisation rejected for a bad field is still an organisation: one mistake, one message
        member = membership.member
        is_organisation = member in facts.organisations or member in facts.rejected["organisations"]
        if claim.kind is not None and (claim.kind == "organisation") != is_organisation:
            continue
        certainly, possibly = in_force(membership, claim.as_of.value)
        certain += certainly
        possible += possibly
    return certain, possible


def check_claims(facts: Facts) -> Iterator[Problem]:
    """Each figure a source states matches the records it counts."""
    by_organisation: dict[str, list[Membership]] = defaultdict(list)
    for membership in facts.memberships:
        by_organisation[membership.organisation].append(membership)
    for claim in facts.claims:
        if claim.count == "components" and claim.document not in facts.documents:
            continue  # reported by check_references, or the document was rejected
        if claim.count == "members" and (claim.as_of is None or claim.organisation in facts.doubtful):
            continue  # the claim's own shape, or a membership it counts, holds the mistake to report
        certain, possible = count_for_claim(claim, facts, by_organisation)
        if not claim.complete and certain <= claim.value:
            if possible < claim.value:
                facts.warnings.append(Problem(claim.origin, f"claim of {claim.value} ({', '.join(claim.source)}) is "
                                              f"enumerated only in part: the facts list {possible}; add the other "
                                              f"{claim.value - possible} when a source gives them"))
            continue
        if not certain <= claim.value <= possible:
            found = certain if certain == possible else f"{certain} certainly and {possible} possibly"
            sources = ", ".join(claim.source)
            if claim.count == "components" and claim.document is not None:  # a known document: see above
                where = facts.documents[claim.document].origin
                what = f"document '{claim.document}' lists {found} components (at {where})"
            else:
                what = (f"the facts list {found} {claim.status or 'full'} {claim.kind or 'member'} memberships of "
                        f"{claim.organisation} in force on {claim.as_of}")
            yield Problem(claim.origin, f"claim of {claim.value} ({sources}) disagrees: {what}; add or correct the "
                                        "records it counts, or the claim")
