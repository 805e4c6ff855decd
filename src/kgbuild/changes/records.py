"""Changes: a snapshot of comparable records, each named in a maintainer's words, and its JSON.

A snapshot is what a changelog compares: one entry per YAML record, with a stable identity, the
values a maintainer wrote, and a one-line description ("member state Kuwait since 2022-10-13").
It is plain JSON (records.json in every build), so the server can compare builds without YAML:
nothing here imports the facts (graph/snapshot.py makes a snapshot from them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

# Shared files: a record there belongs to no one organisation; its scope is the section's name.
SHARED_SCOPES = ("organisations", "people", "places", "countries", "sources")


@dataclass(frozen=True)
class FactRecord:
    """One record as the changelog sees it.

    `key` identifies the record across versions (a membership: organisation, member, status);
    `start` tells apart records sharing a key (two chairmanships of Kazakhstan), and may change.
    """

    kind: str
    scope: str
    key: str
    start: str
    summary: str
    fields: dict[str, Any]
    sources: tuple[str, ...] = ()
    resource: str = ""  # "membership/cica-kw": kind/slug under the base IRI, empty when none
    at: str = ""  # "facts/cica.yaml:31"


@dataclass
class Snapshot:
    """The records of one version of the facts, and what that version is (a folder, a revision, a build)."""

    label: str
    records: list[FactRecord] = field(default_factory=list)
    build_id: str = ""
    version: str = ""

    def to_json(self) -> str:
        """One record per line: diffable, and written by json's C encoder (indent= would force its
        pure-Python one, and dataclasses.asdict deep-copies every value: 12 s for a million triples)."""
        head = json.dumps({"label": self.label, "build_id": self.build_id, "version": self.version}, ensure_ascii=False)
        rows = ",\n".join(
            json.dumps(
                {
                    "kind": record.kind,
                    "scope": record.scope,
                    "key": record.key,
                    "start": record.start,
                    "summary": record.summary,
                    "fields": record.fields,
                    "sources": record.sources,
                    "resource": record.resource,
                    "at": record.at,
                },
                ensure_ascii=False,
            )
            for record in self.records
        )
        return f'{head[:-1]}, "records": [\n{rows}\n]}}\n'

    @classmethod
    def from_json(cls, text: str, label: str | None = None) -> Snapshot:
        document = json.loads(text)
        records = [FactRecord(**{**entry, "sources": tuple(entry.get("sources", ()))}) for entry in document["records"]]
        return cls(label=label or document.get("label", ""), records=records,
                   build_id=document.get("build_id", ""), version=document.get("version", ""))
