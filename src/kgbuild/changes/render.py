"""Changes: a change set as text for people, JSON for scripts, and RDF (PROV-O) for the graph's consumers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import vocab
from ..iris import resource_space
from ..vocab import PROV
from .diff import Change, ChangeSet, FieldChange
from .records import Snapshot

MARKS = {"added": "+", "removed": "-", "changed": "~"}
SHORT_VALUE = 40  # longer values (themes, notes, titles) are only said to have changed


def describe_field(change: FieldChange) -> str:
    """`until 2022-10 → 2022-10-13`, `source + lokmat-2022-10-13`, `theme changed`."""
    old, new = change.old, change.new
    if isinstance(old, list) or isinstance(new, list):
        if all(isinstance(item, str) for item in (old or []) + (new or [])):
            added = [item for item in new or [] if item not in (old or [])]
            removed = [item for item in old or [] if item not in (new or [])]
            parts = [f"+ {item}" for item in added] + [f"- {item}" for item in removed]
            return f"{change.name} {', '.join(parts)}" if parts else f"{change.name} reordered"
        return f"{change.name} changed"
    if not (_short(old) and _short(new)):
        return f"{change.name} changed"
    if old is None:
        return f"{change.name} set to {new}"
    if new is None:
        return f"{change.name} removed (was {old})"
    return f"{change.name} {old} → {new}"


def _short(value: Any) -> bool:
    return value is None or (
        isinstance(value, (str, int, bool)) and len(str(value)) <= SHORT_VALUE and "\n" not in str(value)
    )


def change_line(change: Change) -> str:
    """One line of the changelog: `CICA: + member state Kuwait since 2022-10-13 [inform-kz-2022-10-13-kuwait]`."""
    record = change.record
    if change.action == "renamed" and change.old_record is not None:  # a renamed record always has its old one
        details = "".join(f"; {describe_field(field)}" for field in change.fields)
        return f"{record.scope}: source renamed {change.old_record.key} → {record.key}{details}"
    if change.action == "changed":
        return f"{record.scope}: ~ {change.summary}: {'; '.join(describe_field(field) for field in change.fields)}"
    cited = f" [{', '.join(record.sources)}]" if record.sources else ""
    return f"{record.scope}: {MARKS[change.action]} {change.summary}{cited}"


def render_text(change_set: ChangeSet) -> str:
    """The changelog, one line per change; empty when nothing changed (as diff(1) prints nothing)."""
    return "".join(change_line(change) + "\n" for change in change_set.changes)


def _side(snapshot: Snapshot) -> dict[str, str]:
    side = {"label": snapshot.label}
    if snapshot.build_id:
        side.update(build_id=snapshot.build_id, version=snapshot.version)
    return side


def change_document(change_set: ChangeSet, base: str = vocab.DEFAULT_BASE) -> dict[str, Any]:
    """The change set as JSON-ready data: both sides, counts, and each change with its text and resource."""
    entries = []
    for change in change_set.changes:
        record = change.record
        entry: dict[str, Any] = {
            "action": change.action, "kind": record.kind, "scope": record.scope, "summary": change.summary,
            "text": change_line(change),
            "resource": f"{resource_space(base)}{record.resource}" if record.resource else None,
            "sources": list(record.sources), "at": record.at,
        }
        if change.old_record is not None:
            entry["was_at"] = change.old_record.at
            entry["details"] = "; ".join(describe_field(field) for field in change.fields)
            entry["fields"] = [{"name": field.name, "old": field.old, "new": field.new} for field in change.fields]
        if change.action == "renamed" and change.old_record is not None:
            entry["old_id"] = change.old_record.key
        entry["record"] = record.fields
        entries.append(entry)
    return {
        "from": _side(change_set.old),
        "to": _side(change_set.new),
        "counts": change_set.counts(),
        "changes": entries,
    }


def render_json(change_set: ChangeSet, base: str = vocab.DEFAULT_BASE) -> str:
    return json.dumps(change_document(change_set, base), indent=2, ensure_ascii=False) + "\n"


def change_graph(change_set: ChangeSet, base: str = vocab.DEFAULT_BASE) -> Graph:
    """The change set in PROV-O: one prov:Activity that used the old version and generated the new one,
    with one prov:Activity per change, which generated (added, changed) or invalidated (removed) the
    resource, used the sources cited for it, and reads in rdfs:label as the changelog line."""
    graph = Graph()
    for prefix in ("prov", "dcterms", "rdfs", "xsd"):
        graph.bind(prefix, vocab.PREFIXES[prefix])
    new, old = change_set.new, change_set.old
    if new.build_id:
        activity = URIRef(f"{vocab.release_iri(new.build_id, base)}changes")
    else:  # two folders or revisions: name the set by its content, so the same diff gives the same IRIs
        digest = hashlib.sha256(render_json(change_set, base).encode("utf-8")).hexdigest()[:16]
        activity = URIRef(f"urn:kgbuild:changes:{digest}")
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add(
        (
            activity,
            RDFS.label,
            Literal(f"changes from {old.version or old.label} to {new.version or new.label}", lang="en"),
        )
    )
    graph.add((activity, PROV.used, _version_node(graph, old, base, "old")))
    graph.add((activity, PROV.generated, _version_node(graph, new, base, "new")))
    for action, count in change_set.counts().items():
        graph.add((activity, DCTERMS.description, Literal(f"{count} {action}", lang="en")))
    for number, change in enumerate(change_set.changes, start=1):
        node = URIRef(f"{activity}#change-{number}")
        record = change.record
        graph.add((node, RDF.type, PROV.Activity))
        graph.add((node, DCTERMS.isPartOf, activity))
        graph.add((node, DCTERMS.type, Literal(change.action)))
        graph.add((node, RDFS.label, Literal(change_line(change), lang="en")))
        if record.resource:
            resource = URIRef(f"{resource_space(base)}{record.resource}")
            graph.add((node, DCTERMS.subject, resource))
            graph.add((node, PROV.invalidated if change.action == "removed" else PROV.generated, resource))
        if (
            change.old_record is not None
            and change.old_record.resource
            and change.old_record.resource != record.resource
        ):
            graph.add((node, PROV.invalidated, URIRef(f"{resource_space(base)}{change.old_record.resource}")))
        for source in record.sources:
            graph.add((node, PROV.used, URIRef(f"{resource_space(base)}source/{source}")))
    return graph


def _version_node(graph: Graph, snapshot: Snapshot, base: str, side: str) -> URIRef | BNode:
    node: URIRef | BNode
    if snapshot.build_id:
        node = URIRef(vocab.release_iri(snapshot.build_id, base))
        graph.add((node, DCTERMS.identifier, Literal(snapshot.version or snapshot.build_id)))
    else:
        node = BNode(side)  # a fixed label: the same diff gives the same Turtle
        graph.add((node, RDFS.label, Literal(snapshot.label)))
    graph.add((node, RDF.type, PROV.Entity))
    return node


def render_turtle(change_set: ChangeSet, base: str = vocab.DEFAULT_BASE) -> str:
    return change_graph(change_set, base).serialize(format="turtle")


RENDERERS = {"text": lambda change_set, base: render_text(change_set), "json": render_json, "turtle": render_turtle}
