"""Graph stage: answers worth keeping between builds (the reasoner's), filed under a hash of their question.

The cache sits beside the builds, in .dist.cache/ (never inside dist/): an answer read back is the
answer that would have been worked out, so a build's bytes are the same with or without it. One file
per answer, written aside and renamed into place, so a reader finds a whole entry or none; each entry
carries the hash of its own bytes, so one cut short or edited by hand is ignored and worked out again.
The cache never fails a build: a folder it cannot write is a cache that keeps nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import uuid
from pathlib import Path

HEADER = b"kgbuild-answer 1 "  # then the sha256 of the answer, a newline, and the answer
KEEP = 32  # entries of one kind: an answer per recent edit is plenty, and each is a few kilobytes


def cache_folder(out: Path) -> Path:
    """Where the answers for builds into out/ are kept: .dist.cache/ beside dist/ (as .dist.builds/ is)."""
    out = Path(out)
    return out.parent / f".{out.name}.cache"


def question_key(*parts: bytes) -> str:
    """The name of an answer: sha256 of the parts of its question, each length-prefixed so none runs into
    the next."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class AnswerCache:
    """Answers of one kind (a subfolder of the cache folder), by key."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = Path(folder) / kind

    def read(self, key: str) -> bytes | None:
        """The answer filed under key, or None when there is none or it is damaged."""
        path = self.folder / key
        try:
            entry = path.read_bytes()
        except OSError:
            return None
        head, _, answer = entry.partition(b"\n")
        if head != HEADER + hashlib.sha256(answer).hexdigest().encode():
            return None
        with contextlib.suppress(OSError):
            _touch(path)  # recently used: pruned last
        return answer

    def write(self, key: str, answer: bytes) -> None:
        """File answer under key (aside, then one rename); forget the oldest entries past KEEP."""
        entry = HEADER + hashlib.sha256(answer).hexdigest().encode() + b"\n" + answer
        aside = self.folder / f"tmp-{uuid.uuid4().hex}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            aside.write_bytes(entry)
            os.replace(aside, self.folder / key)
            _touch(self.folder / key)
            self._prune()
        except OSError:  # read-only or full disk: the build goes on, uncached
            with contextlib.suppress(OSError):
                aside.unlink(missing_ok=True)

    def _prune(self) -> None:
        """Forget all but the KEEP most recently used entries."""
        entries = sorted(self.folder.iterdir(), key=lambda path: path.stat().st_mtime_ns, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)


def _touch(path: Path) -> None:
    """Stamp path with the clock to the nanosecond: a file system's own stamps can be a few milliseconds
    coarse, too coarse to order answers written one after another."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))
