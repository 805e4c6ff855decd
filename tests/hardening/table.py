"""Render tests/hardening/results.json (what the hardening tests tried, and what happened) into docs/hardening.md.

    python -m tests.hardening.table          # rewrite the table between the markers in docs/hardening.md
    python -m tests.hardening.table --check  # exit 1 when docs/hardening.md's table is not what the tests observed
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.hardening.observations import RESULTS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "hardening.md"
START = "<!-- hardening-table:start (make hardening-table writes this from tests/hardening/results.json) -->"
END = "<!-- hardening-table:end -->"


def render(rows: list[dict]) -> str:
    lines = ["| area | what was tried | count | what users saw |", "|---|---|---:|---|"]
    for row in rows:
        cells = [row["area"], row["tried"], str(row["count"]), row["outcome"]]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def updated(document: str, table: str) -> str:
    if START not in document or END not in document:
        raise SystemExit(f"{DOC.relative_to(ROOT)} has no hardening table markers ({START} ... {END})")
    before, rest = document.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    arguments = parser.parse_args(argv)
    rows = json.loads(RESULTS.read_text("utf-8"))
    name = DOC.relative_to(ROOT)
    document = DOC.read_text("utf-8")
    new = updated(document, render(rows))
    if arguments.check:
        if new != document:
            print(f"{name}'s hardening table is out of date; run `make hardening-table`", file=sys.stderr)
            return 1
        return 0
    if new != document:
        DOC.write_text(new, "utf-8")
    print(f"{name}: {len(rows)} rows from {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
