"""Changes: the release notes a build folder keeps beside its report.json — its facts (records.json) and
its changelog (changes.json, changes.ttl) — and reading one folder's back. The build writes them
(graph/releases.py) and reads the previous build's; the server reads them (store/releases.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .records import Snapshot

RECORDS_FILE = "records.json"  # every build's snapshot of its facts, beside report.json
CHANGES_JSON = "changes.json"
CHANGES_TTL = "changes.ttl"


def read_snapshot(build: Path) -> Snapshot | None:
    """The facts a build recorded, or None when it recorded none (or is no build)."""
    records = Path(build) / RECORDS_FILE
    if not records.is_file():
        return None
    snapshot = Snapshot.from_json(records.read_text("utf-8"))
    report = read_report(build) or {}
    snapshot.build_id = snapshot.build_id or str(report.get("build_id", ""))
    snapshot.version = snapshot.version or str(report.get("version", ""))
    snapshot.label = snapshot.version or snapshot.label
    return snapshot


def read_report(build: Path) -> dict[str, Any] | None:
    try:
        report = json.loads((Path(build) / "report.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) and report.get("build_id") else None
