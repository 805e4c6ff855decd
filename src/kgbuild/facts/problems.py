"""Facts stage: a problem found in the YAML, located as file:line, and their collection."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Origin:
    """Where a record or value was written: a file (relative to the working directory) and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the facts: where, what is wrong, and how to fix it."""

    origin: Origin
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


class FactsError(Exception):
    """The facts hold problems; str() lists every one, one per line, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like word, for 'did you mean' hints (short words need a looser match: kx ~ kz)."""
    cutoff = 0.5 if len(word) <= 3 else 0.75  # looser, and a dated id points at another source (rferl- for mid-ru-)
    matches = difflib.get_close_matches(word, [choice for choice in choices if not _renumbered(word, choice)],
                                        n=1, cutoff=cutoff)
    return matches[0] if matches else None


def _renumbered(word: str, choice: str) -> bool:
    """Whether two ids differ only in digits at the same places: another record (cica-5 for cica-9), not a slip."""
    return len(word) == len(choice) and word != choice and all(
        a == b or (a.isdigit() and b.isdigit()) for a, b in zip(word, choice, strict=False))


def did_you_mean(word: str, choices: Iterable[str], describe=None) -> str:
    """" (did you mean 'kz', Kazakhstan?)" or '' when nothing is close."""
    match = closest(word, choices)
    if match is None:
        return ""
    extra = f", {describe(match)}" if describe else ""
    return f" (did you mean '{match}'{extra}?)"
