"""Changes: what changed between two versions of the facts, in a maintainer's words (text, JSON, PROV-O RDF)."""

from .compare import compare
from .diff import Change, ChangeSet, FieldChange, diff_snapshots
from .records import FactRecord, Snapshot, snapshot_facts
from .render import RENDERERS, change_document, change_graph, change_line, render_json, render_text, render_turtle
from .revisions import RECORDS_FILE, RevisionError, snapshot_of, snapshot_of_build

__all__ = [
    "Change", "ChangeSet", "FactRecord", "FieldChange", "RECORDS_FILE", "RENDERERS", "RevisionError", "Snapshot",
    "change_document", "change_graph", "compare", "change_line", "diff_snapshots", "render_json", "render_text",
    "render_turtle", "snapshot_facts", "snapshot_of", "snapshot_of_build",
]
