"""Maintainers' diff (`kgbuild diff`): a snapshot of what each side names (a facts folder, a build, a kept
build or a git revision), and the changelog between the two, rendered."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from . import vocab
from .changes import RENDERERS, ChangeSet, Snapshot, diff_snapshots
from .changes.folder import RECORDS_FILE
from .facts import FactsError, load_facts
from .facts.problems import display_path
from .graph.snapshot import snapshot_facts

BUILD_ID = re.compile(r"^(\d{4}-\d{2}-\d{2}\+)?([0-9a-f]{16})$")


class RevisionError(Exception):
    """What a diff was asked to compare cannot be read; the message says what was tried and how to fix it."""


def compare(old: str, new: str, facts_dir: Path, output_format: str = "text", base: str = vocab.DEFAULT_BASE,
            builds_dir: Path | None = None) -> tuple[str, ChangeSet]:
    """Render what changed from `old` to `new` (each a facts folder, build folder, kept build or git revision).

    :raises RevisionError: either side cannot be read.
    :raises FactsError: a facts folder holds problems.
    """
    change_set = diff_snapshots(snapshot_of(old, facts_dir, builds_dir), snapshot_of(new, facts_dir, builds_dir))
    return RENDERERS[output_format](change_set, base), change_set


def snapshot_of(spec: str, facts_dir: Path, builds_dir: Path | None = None) -> Snapshot:
    """The facts `spec` names: a build folder (dist/), a facts folder, a kept build's id or version, or a git
    revision (HEAD~1, v1, a commit), whose copy of facts_dir is read with `git archive`.

    :raises RevisionError: spec names none of these, or what it names cannot be read.
    :raises FactsError: the facts it names hold problems.
    """
    path = Path(spec)
    if path.is_dir():
        if (path / "report.json").is_file():
            return snapshot_of_build(path, label=spec)
        return snapshot_facts(load_facts(path), label=spec, folder_name=display_path(path))
    kept = BUILD_ID.match(spec)
    if kept and builds_dir is not None and (builds_dir / kept.group(2)).is_dir():
        return snapshot_of_build(builds_dir / kept.group(2), label=spec)
    return snapshot_of_revision(spec, facts_dir)


def snapshot_of_build(build: Path, label: str) -> Snapshot:
    """The facts a build was made from, as it recorded them in records.json."""
    records = build / RECORDS_FILE
    if not records.is_file():
        raise RevisionError(f"{label}: this build has no {RECORDS_FILE} (it was made before builds recorded "
                            "their facts); rebuild it, or compare git revisions of the facts instead")
    return Snapshot.from_json(records.read_text("utf-8"), label=label)


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError(
            "git is not installed; compare two folders instead (kgbuild diff OLD_DIR NEW_DIR)"
        ) from None


def snapshot_of_revision(revision: str, facts_dir: Path) -> Snapshot:
    """The facts folder as it was at a git revision, read with `git archive` into a temporary folder."""
    folder = Path(facts_dir).resolve()
    anchor = folder if folder.is_dir() else folder.parent
    while not anchor.is_dir():
        anchor = anchor.parent
    top = _git(["rev-parse", "--show-toplevel"], anchor)
    if top.returncode != 0:
        raise RevisionError(f"{revision!r} is not a folder, and {facts_dir} is not in a git repository, "
                            "so it cannot be a revision either; name a facts folder or a build folder")
    root = Path(top.stdout.decode().strip())
    relative = folder.relative_to(root).as_posix()
    if (
        revision.startswith("-")
        or _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root).returncode != 0
    ):
        raise RevisionError(f"{revision!r} is neither a folder nor a git revision; name a facts folder, a build "
                            "folder (dist/), or a revision such as HEAD~1, a tag or a commit")
    archive = _git(["archive", "--format=tar", revision, "--", relative], root)
    if archive.returncode != 0:  # the folder did not exist yet at that revision: no facts were there
        return Snapshot(label=revision)
    with tempfile.TemporaryDirectory(prefix="kgbuild-diff-") as scratch:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(scratch, filter="data")
        extracted = Path(scratch) / relative
        try:
            facts = load_facts(extracted)
        except FactsError as error:
            shown = str(error).replace(str(extracted), f"{revision}:{relative}")
            raise RevisionError(f"the facts at {revision} do not load:\n{shown}") from None
    return snapshot_facts(facts, label=revision, folder_name=f"{revision}:{relative}")
