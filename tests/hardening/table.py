"""Render tests/hardening/results.json (what the hardening tests tried, and what happened) into README.md.

    python -m tests.hardening.table          # rewrite the table between the markers in README.md
    python -m tests.hardening.table --check  # exit 1 when README.md's table is not what the tests observed
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tests.hardening.observations import RESULTS

README = Path(__file__).resolve().parents[2] / "README.md"
START = "<!-- hardening-table:start (make hardening-table writes this from tests/hardening/results.json) -->"
END = "<!-- hardening-table:end -->"


def render(rows: list[dict]) -> str:
    lines = ["| area | what was tried | count | what users saw |", "|---|---|---:|---|"]
    for row in rows:
        cells = [row["area"], row["tried"], str(row["count"]), row["outcome"]]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def updated(readme: str, table: str) -> str:
    if START not in readme or END not in readme:
        raise SystemExit(f"README.md has no hardening table markers ({START} ... {END})")
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    arguments = parser.parse_args(argv)
    rows = json.loads(RESULTS.read_text("utf-8"))
    readme = README.read_text("utf-8")
    new = updated(readme, render(rows))
    if arguments.check:
        if new != readme:
            print("README.md's hardening table is out of date; run `make hardening-table`", file=sys.stderr)
            return 1
        return 0
    if new != readme:
        README.write_text(new, "utf-8")
    print(f"README.md: {len(rows)} rows from {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
