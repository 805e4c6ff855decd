"""Changes: the one call behind `kgbuild diff` -> the changelog between two versions, rendered."""

from __future__ import annotations

from pathlib import Path

from .. import vocab
from .diff import ChangeSet, diff_snapshots
from .render import RENDERERS
from .revisions import snapshot_of


def compare(old: str, new: str, facts_dir: Path, output_format: str = "text", base: str = vocab.DEFAULT_BASE,
            builds_dir: Path | None = None) -> tuple[str, ChangeSet]:
    """Render what changed from `old` to `new` (each a facts folder, build folder, kept build or git revision).

    :raises RevisionError: either side cannot be read.
    :raises FactsError: a facts folder holds problems.
    """
    change_set = diff_snapshots(snapshot_of(old, facts_dir, builds_dir), snapshot_of(new, facts_dir, builds_dir))
    return RENDERERS[output_format](change_set, base), change_set
