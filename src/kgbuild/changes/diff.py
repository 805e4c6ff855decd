"""Changes: compare two snapshots record by record -> added, removed, changed records and renamed sources."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from .records import SHARED_SCOPES, FactRecord, Snapshot

# The order a changelog reads in: the organisations' own facts first, then the shared files.
KIND_ORDER = ("organisation", "membership", "chairmanship", "meeting", "document", "claim",
              "person", "place", "country", "source")
ACTIONS = ("added", "removed", "changed", "renamed")


@dataclass(frozen=True)
class FieldChange:
    """One key of a record whose value differs: None on a side means the key was absent there."""

    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One changed fact: `record` is the record as it is now (as it was, for a removal)."""

    action: str
    record: FactRecord
    fields: tuple[FieldChange, ...] = ()
    old_record: FactRecord | None = None  # the earlier version, for changes and renames

    @property
    def summary(self) -> str:
        """The record in words: as it was, for a change (so the reader recognises it), else as it is."""
        return (self.old_record or self.record).summary


@dataclass
class ChangeSet:
    """What changed between two snapshots, in reading order."""

    old: Snapshot
    new: Snapshot
    changes: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        return {action: sum(1 for change in self.changes if change.action == action) for action in ACTIONS}


def diff_snapshots(old: Snapshot, new: Snapshot) -> ChangeSet:
    """Compare two versions of the facts: which records were added, removed or changed, which sources renamed.

    Records pair up by identity (a membership by organisation, member and status); among records that
    share one, those with the same start pair first, the rest in order of start, so a corrected date
    reads as a change rather than a removal and an addition. A source whose id changed but whose
    content did not is a rename, and the citations it implies are not reported again.
    """
    renames, changes = _source_renames(old.records, new.records)
    old_records = [_cite_renamed(record, renames) for record in old.records]
    matched, unmatched_old, unmatched_new = _pair(old_records, new.records, renames)
    for before, after in matched:
        fields = _field_changes(before.fields, after.fields)
        if fields:
            changes.append(Change("changed", after, tuple(fields), old_record=before))
    changes.extend(Change("removed", record) for record in unmatched_old)
    changes.extend(Change("added", record) for record in unmatched_new)
    changes.sort(key=_reading_order)
    return ChangeSet(old=old, new=new, changes=changes)


def _pair(old_records: list[FactRecord], new_records: list[FactRecord], renames: dict[str, str]
          ) -> tuple[list[tuple[FactRecord, FactRecord]], list[FactRecord], list[FactRecord]]:
    """Pair old and new records by identity; return the pairs, and the old and new records left over."""
    matched: list[tuple[FactRecord, FactRecord]] = []
    renamed_to = set(renames.values())
    by_key: dict[tuple[str, str], list[FactRecord]] = defaultdict(list)
    by_start: dict[tuple[str, str, str], deque[FactRecord]] = defaultdict(
        deque
    )  # a key shared by thousands stays linear
    for record in new_records:
        if not (record.kind == "source" and record.key in renamed_to):
            by_key[(record.kind, record.key)].append(record)
            by_start[(record.kind, record.key, record.start)].append(record)
    taken: set[int] = set()
    leftover: dict[tuple[str, str], list[FactRecord]] = defaultdict(list)
    for record in old_records:
        if record.kind == "source" and record.key in renames:
            continue  # reported as a rename
        same_start = by_start.get((record.kind, record.key, record.start))
        if same_start:
            match = same_start.popleft()
            taken.add(id(match))
            matched.append((record, match))
        else:
            leftover[(record.kind, record.key)].append(record)
    unmatched: list[FactRecord] = []
    for key, records in leftover.items():
        candidates = sorted(
            (record for record in by_key.get(key, []) if id(record) not in taken), key=lambda record: record.start
        )
        for record in sorted(records, key=lambda record: record.start):
            if candidates:
                match = candidates.pop(0)
                taken.add(id(match))
                matched.append((record, match))
            else:
                unmatched.append(record)
    arrived = [record for records in by_key.values() for record in records if id(record) not in taken]
    return matched, unmatched, arrived


def _source_renames(old: list[FactRecord], new: list[FactRecord]) -> tuple[dict[str, str], list[Change]]:
    """Sources that disappeared under one id and appeared under another with the same title or address."""
    old_ids = {record.key for record in old if record.kind == "source"}
    new_ids = {record.key for record in new if record.kind == "source"}
    gone = [record for record in old if record.kind == "source" and record.key not in new_ids]
    arrived = [record for record in new if record.kind == "source" and record.key not in old_ids]
    renames: dict[str, str] = {}
    changes: list[Change] = []
    for before in gone:
        match = next((after for after in arrived if _same_publication(before, after)), None)
        if match is None:
            continue
        arrived.remove(match)
        renames[before.key] = match.key
        fields = [change for change in _field_changes(before.fields, match.fields) if change.name != "id"]
        changes.append(Change("renamed", match, tuple(fields), old_record=before))
    return renames, changes


def _same_publication(before: FactRecord, after: FactRecord) -> bool:
    for name in ("url", "title"):
        if before.fields.get(name) and before.fields.get(name) == after.fields.get(name):
            return True
    return False


def _cite_renamed(record: FactRecord, renames: dict[str, str]) -> FactRecord:
    """The record citing the new ids of renamed sources, so a rename is reported once, not per citation."""
    if not renames or not record.sources:
        return record
    sources = tuple(renames.get(source, source) for source in record.sources)
    fields = dict(record.fields)
    if "source" in fields:
        fields["source"] = sorted(renames.get(source, source) for source in fields["source"])
    return FactRecord(**{**record.__dict__, "sources": sources, "fields": fields})


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    return [FieldChange(name, old.get(name), new.get(name))
            for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]


def _reading_order(change: Change) -> tuple:
    record = change.record
    shared = record.scope in SHARED_SCOPES
    kind = KIND_ORDER.index(record.kind) if record.kind in KIND_ORDER else len(KIND_ORDER)
    return (shared, record.scope, kind, record.start, change.summary, ACTIONS.index(change.action))
