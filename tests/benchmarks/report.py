"""Benchmarks: the one table (figure, kgbuild, baseline, ratio, target, met?), as text, JSON and an SVG chart,
and, after a full run, in docs/performance.md between its markers."""

from __future__ import annotations

import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "performance.md"
START = "<!-- bench-table:start (make bench writes this after a full run; tests/benchmarks/report.py) -->"
END = "<!-- bench-table:end -->"
FULL_SIZES = "10k,100k,1m"


@dataclass
class Row:
    figure: str
    kgbuild: float
    baseline: float
    ratio: float | None
    target: str
    met: bool | None
    spread: str = ""  # min-max of kgbuild's runs / of the baseline's


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def table(rows: list[Row]) -> str:
    header = ("figure", "kgbuild", "baseline", "ratio", "target", "met?", "spread (kgbuild / baseline)")
    lines = [[row.figure, _number(row.kgbuild), _number(row.baseline), _number(row.ratio), row.target,
              {True: "yes", False: "NO", None: ""}[row.met], row.spread] for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=False)]
    out = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=False)) + " |",
           "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
    out += [
        "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=False)) + " |"
        for line in lines
    ]
    return "\n".join(out)


def chart(rows: list[Row]) -> str:
    """Horizontal bars: each figure's ratio on a log scale, green when its target is met, red when not."""
    rated = [row for row in rows if row.ratio is not None and not math.isnan(row.ratio) and row.ratio > 0]
    height, left, width = 22 * len(rated) + 60, 430, 420
    low, high = math.log10(0.05), math.log10(max(200.0, *(row.ratio for row in rated))) if rated else 1.0

    def x(value: float) -> float:
        return left + (math.log10(min(max(value, 0.05), 10 ** high)) - low) / (high - low) * width

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" height="{height}" '
             'font-family="sans-serif" font-size="11">',
             '<text x="10" y="18" font-size="13">kgbuild benchmark: ratio to baseline (log scale)</text>']
    for tick in (0.1, 1, 10, 100):
        parts.append(f'<line x1="{x(tick):.1f}" y1="30" x2="{x(tick):.1f}" y2="{height - 20}" stroke="#ccc"/>'
                     f'<text x="{x(tick):.1f}" y="{height - 6}" text-anchor="middle">{tick:g}x</text>')
    for index, row in enumerate(rated):
        y = 36 + 22 * index
        colour = {True: "#3a8a3a", False: "#c03030", None: "#7a7a9a"}[row.met]
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{escape(row.figure[:70])}</text>'
            f'<rect x="{x(0.05):.1f}" y="{y}" width="{x(row.ratio) - x(0.05):.1f}" height="15" fill="{colour}"/>'
            f'<text x="{x(row.ratio) + 4:.1f}" y="{y + 12}">{row.ratio:.2f}x</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def with_table(document: str, text: str, measured: str) -> str:
    """document with what lies between the bench-table markers replaced by the table and when it was measured."""
    if START not in document or END not in document:
        raise SystemExit(f"{DOC.name} has no bench table markers ({START} ... {END})")
    before, rest = document.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{measured}\n\n{text}\n{END}{after}"


def docs_target(environ: dict[str, str] | None = None) -> Path | None:
    """Where the table goes besides bench-results/: BENCH_DOCS (a file, or "none"), else docs/performance.md
    after a full run only (every size, queries and rdflib-endpoint on, builds made here), so that a partial
    run never stands in for the published one."""
    environ = dict(os.environ if environ is None else environ)
    chosen = environ.get("BENCH_DOCS", "").strip()
    if chosen:
        return None if chosen.lower() == "none" else Path(chosen)
    sizes = ",".join(size.strip().lower() for size in environ.get("BENCH_SIZES", FULL_SIZES).split(",") if size.strip())
    full = (
        sizes == FULL_SIZES
        and not environ.get("BENCH_DIST")
        and environ.get("BENCH_QUERIES", "1") != "0"
        and environ.get("BENCH_RDFLIB_SIZE", "1m").lower() == "1m"
        and environ.get("BENCH_QUERY_SIZE", "1m") == "1m"
    )
    return DOC if full else None


def write_report(rows: list[Row], raw: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = table(rows)
    print(text, flush=True)
    (folder / "report.md").write_text(text + "\n", "utf-8")
    document = {"generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": platform.platform(),
                "rows": [asdict(row) for row in rows], "raw": raw}
    (folder / "report.json").write_text(json.dumps(document, indent=2, default=str) + "\n", "utf-8")
    (folder / "report.svg").write_text(chart(rows), "utf-8")
    target = docs_target()
    if target is None:
        print(f"{DOC.relative_to(ROOT)} unchanged: not a full run (BENCH_DOCS=docs/performance.md writes it anyway)",
              flush=True)
        return
    measured = (f"Measured {time.strftime('%Y-%m-%d')} on {platform.platform()} "
                f"({os.cpu_count()} CPUs) by `make bench` (sizes {os.environ.get('BENCH_SIZES', FULL_SIZES)}):")
    target.write_text(with_table(target.read_text("utf-8"), text, measured), "utf-8")
    print(f"{target}: the table rewritten", flush=True)
