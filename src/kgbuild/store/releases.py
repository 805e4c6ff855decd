"""Read side: the builds kept beside dist/ (.dist.builds/, one folder per build id) — their reports and
changelogs — and what changed between two of them, from the facts each recorded (changes/folder.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..changes import ChangeSet, diff_snapshots
from ..changes.folder import CHANGES_JSON, read_report, read_snapshot

BUILD_FOLDER = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class Release:
    """One kept build: where it is and what its report and changelog say."""

    path: Path
    report: dict[str, Any]
    changes: dict[str, Any] | None

    @property
    def build_id(self) -> str:
        return str(self.report["build_id"])

    @property
    def version(self) -> str:
        return str(self.report.get("version", self.build_id))

    @property
    def built_at(self) -> str:
        return str(self.report.get("built_at", ""))


def list_releases(builds_dir: Path) -> list[Release]:
    """The kept builds in a builds folder, newest first (unfinished and set-aside folders left out)."""
    releases: list[Release] = []
    if not Path(builds_dir).is_dir():
        return releases
    for folder in Path(builds_dir).iterdir():
        if not (BUILD_FOLDER.match(folder.name) and folder.is_dir()):
            continue
        report = read_report(folder)
        if report is None:
            continue
        changes = None
        try:
            changes = json.loads((folder / CHANGES_JSON).read_text("utf-8"))
        except (OSError, ValueError):
            pass
        releases.append(Release(path=folder, report=report, changes=changes))
    return sorted(releases, key=lambda release: (release.built_at, release.build_id), reverse=True)


def builds_dir_of(build: Path) -> Path | None:
    """The builds folder a build folder sits in (.dist.builds/), or None for a build outside one."""
    build = Path(build).resolve()
    return build.parent if BUILD_FOLDER.match(build.name) else None


def find_release(builds_dir: Path, wanted: str) -> Release | None:
    """The kept build a build id or a version (2025-01-31+5f0c2d9a1b3e4f60) names, or None."""
    wanted = wanted.strip().replace(" ", "+")  # an unescaped + in a query string arrives as a space
    build_id = wanted.rpartition("+")[2]
    if not BUILD_FOLDER.match(build_id):
        return None
    return next((release for release in list_releases(builds_dir) if release.build_id == build_id), None)


def changes_between(older: Release, newer: Release) -> ChangeSet | None:
    """What changed from one kept build to another, from the facts each recorded (None if one has none)."""
    before, after = read_snapshot(older.path), read_snapshot(newer.path)
    if before is None or after is None:
        return None
    return diff_snapshots(before, after)
