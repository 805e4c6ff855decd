"""Facts stage: plausibility checks: facts that parse and refer well, yet cannot be true as written.

Each rule is documented in docs/facts-format.md ("What validate checks").
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from .. import vocab
from ..config import build_day
from .collection import Facts
from .countries import describe_code, iso_country
from .models import Membership, PartialDate, Planned, Record, Source, Sourced
from .problems import Origin, Problem
from .wording import article


def _dates(record: Record) -> Iterator[tuple[str, PartialDate]]:
    for key, value in record.fields():
        if isinstance(value, PartialDate):
            yield key, value


def check_dates(facts: Facts) -> Iterator[Problem]:
    """No date lies after the build day, unless its record is `planned: true` (a meeting announced ahead)."""
    day, what = build_day()
    for record in facts.records():
        if isinstance(record, Planned) and record.planned:
            continue
        for key, moment in _dates(record):
            if moment.value > day:
                if isinstance(record, Membership):
                    facts.doubtful.add(record.organisation)  # out of force when it is counted
                fix = ("correct the date, or add `planned: true` if the record announces what is to come"
                       if isinstance(record, Planned) else
                       f"{article(type(record))} cannot be dated ahead; correct the date")
                yield Problem(record.origin_of(key), f"{key}: {moment} is after {what} ({day}); {fix}")
                break  # one message per record: its other dates are usually the same slip


# The key that dates a fact, by record kind: a source must be issued on or after it.
_STARTS = ("since", "attested", "start", "adopted_on")


def _start(record: Record) -> tuple[str, PartialDate] | None:
    for key in _STARTS:
        moment = record.value_of(key)
        if isinstance(moment, PartialDate):
            return key, moment
    return None


def source_day(source: Source) -> tuple[str, PartialDate] | None:
    """How a source is dated: when it was issued, else (an undated page) when it was read; None if neither."""
    if source.issued is not None:
        return "issued", source.issued
    if source.accessed is not None:
        return "accessed", source.accessed
    return None


def check_source_dates(facts: Facts) -> Iterator[Problem]:
    """Warn where every dated source of a fact appeared before the fact began: an announcement, unless marked."""
    day, _ = build_day()
    dated_sources = {key: (source, found) for key, source in facts.sources.items()
                     if (found := source_day(source)) is not None}  # once each, not once per citation
    for record in facts.records():
        if not isinstance(record, Planned) or not isinstance(record, Sourced) or record.planned:
            continue  # only a record that can say it announces (`planned:`) is held to its sources' dates
        started = _start(record)
        if started is None:
            continue
        key, start = started
        if start.value > day:
            continue  # reported by check_dates
        dated = [dated_sources[source] for source in record.source or [] if source in dated_sources]
        if dated and all(moment.last_day < start.value for source, (_, moment) in dated):
            names = ", ".join(f"{source.id} ({how} {moment})" for source, (how, moment) in dated)
            facts.warnings.append(
                Problem(
                    record.origin_of("source"),
                    (
                        f"every dated source appeared before {key}: {start}: {names}; a source cannot attest what came "
                        f"after it, so cite one from {start} or later, or add `planned: true` if the record is an "
                        "announcement"
                    ),
                )
            )
    yield from ()  # warnings only: the facts hold true, the sources leave a gap


def check_ids(facts: Facts) -> Iterator[Problem]:
    """Ids are unique across kinds, and no organisation id is an ISO 3166-1 alpha-2 code."""
    first: dict[str, tuple[str, Origin]] = {}
    tables = (("source", facts.sources), ("place", facts.places), ("organisation", facts.organisations),
              ("person", facts.people), ("meeting", facts.meetings), ("document", facts.documents),
              ("initiative", facts.initiatives))
    declared = sorted((record.origin, kind, key) for kind, table in tables for key, record in table.items())
    for origin, kind, key in declared:
        if key in first:
            other, where = first[key]
            yield Problem(origin, f"id '{key}' of this {kind} is already the id of the {other} at {where}; "
                                  "ids are unique across kinds, so rename one")
        else:
            first[key] = (kind, origin)
    for organisation in facts.organisations.values():
        if iso_country(organisation.id) is not None:
            yield Problem(
                organisation.origin_of("id"),
                (
                    f"id: organisation id '{organisation.id}' is also the ISO 3166-1 code of "
                    f"{describe_code(organisation.id)}, so `member: {organisation.id}` could mean either; "
                    "give the organisation a longer id"
                ),
            )


def check_adopted_during_meeting(facts: Facts) -> Iterator[Problem]:
    """A document adopted at a meeting is adopted on a day of that meeting (as precise as both are written)."""
    for document in facts.documents.values():
        meeting = facts.meetings.get(document.adopted_at or "")
        if meeting is None or document.adopted_on is None:
            continue
        last = (meeting.end or meeting.start).last_day
        if document.adopted_on.last_day < meeting.start.value or document.adopted_on.value > last:
            span = f"{meeting.start} to {meeting.end}" if meeting.end else f"{meeting.start}"
            yield Problem(document.origin_of("adopted_on"), (
                f"adopted_on: {document.adopted_on} is not during {document.adopted_at} ({span}, at {meeting.origin}), "
                "where the document was adopted; correct the day or the meeting"))


# Series every organisation shares; another series close to one of these is a slip of the keyboard.
_COMMON_SERIES = ("summit", "ministerial")


def check_series(facts: Facts) -> Iterator[Problem]:
    """A meeting's series that is nearly `summit` or `ministerial` is misspelt (it would name another meeting)."""
    for slug, meeting in facts.meetings.items():
        if meeting.series in _COMMON_SERIES:
            continue
        meant = difflib.get_close_matches(meeting.series, _COMMON_SERIES, n=1, cutoff=0.75)
        if meant:
            facts.rejected["meetings"].add(vocab.meeting_slug(meeting.organisation, meant[0], meeting.ordinal))
            yield Problem(meeting.origin_of("series"), f"series: '{meeting.series}' (did you mean '{meant[0]}'?); "
                                                       f"as written, the meeting's id is {slug}")
