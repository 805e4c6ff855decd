"""Changes: what changed between two versions of the facts, in a maintainer's words (text, JSON, PROV-O RDF).

The format both sides share: the build writes records.json and the changelog with it, the server
reads and compares kept builds with it. It imports neither the facts nor the build.
"""

from .diff import Change, ChangeSet, FieldChange, diff_snapshots
from .records import FactRecord, Snapshot
from .render import RENDERERS, change_document, change_graph, change_line, render_json, render_text, render_turtle

__all__ = [
    "Change", "ChangeSet", "FactRecord", "FieldChange", "RENDERERS", "Snapshot", "change_document", "change_graph",
    "change_line", "diff_snapshots", "render_json", "render_text", "render_turtle",
]
