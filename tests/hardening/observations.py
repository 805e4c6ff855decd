"""What the hardening tests tried and what happened, kept in results.json for the table of docs/hardening.md.

Each test records rows (area, what was tried, how many, outcome) with `observe`; the session merges
them into results.json by (area, tried), so a partial run updates its rows and keeps the others.
Outcomes are worded without timings, so the file only changes when the behaviour does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = Path(__file__).parent / "results.json"

_observed: dict[tuple[str, str], dict] = {}


def observe(area: str, tried: str, count: int, outcome: str) -> None:
    """Record that `count` inputs of kind `tried` were sent and what users saw (the outcome)."""
    key = (area, tried)
    if key in _observed:
        count += _observed[key]["count"]
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split("[")[0].split(" ")[0]
    _observed[key] = {"area": area, "tried": tried, "count": count, "outcome": outcome, "test": test}


def write_results(path: Path = RESULTS) -> None:
    """Merge this session's rows into results.json (sorted, stable); nothing observed, nothing written."""
    if not _observed:
        return
    ran = {row["test"] for row in _observed.values()}  # a test that ran replaces all its old rows
    rows = {(row["area"], row["tried"]): row for row in _load(path) if row.get("test") not in ran}
    rows.update(_observed)
    text = json.dumps(sorted(rows.values(), key=lambda row: (row["area"], row["tried"])), indent=1,
                      ensure_ascii=False) + "\n"
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def _load(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return []
