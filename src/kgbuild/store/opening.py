"""Read side: open_store, the one way into a build (embedded, or remote when dist/ is a pointer), and
BuildTracker, which reopens it when dist/ moves to a new build."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from .embedded import open_embedded
from .interface import POINTER, Store


def open_store(dist: Path) -> Store:
    """Open dist/ read-only: the build it holds, or the remote store its backend.json (POINTER) names.

    :raises StoreError: when dist/ holds no readable build (or names an unreachable store).
    """
    dist = Path(dist)
    if (dist / POINTER).is_file():  # `serve --backend`: dist/ names a remote store
        from .remote import open_remote  # here: only servers of a remote store load requests

        return open_remote(dist)
    return open_embedded(dist)


class BuildTracker:
    """The current build behind dist/, reopened when the dist symlink moves to a new build.

    `kgbuild build` switches builds by renaming the dist symlink to a new folder, so reading the
    link and the folder it leads to (a readlink and a stat) per request notices a new build.
    Each process opens its own read-only store: an Oxigraph handle must not cross a fork, so a handle
    opened in another process is dropped.
    """

    def __init__(self, dist: Path) -> None:
        self.dist = Path(dist)
        self._lock = threading.Lock()
        self._target: tuple[str, int, int] | None = None
        self._pid: int | None = None
        self._built: Store | None = None

    def current(self) -> Store:
        """Return the build dist/ points at now, opening it if it is new to this process.

        :raises StoreError: when dist/ holds no readable build.
        """
        target = _folder_identity(self.dist)
        with self._lock:
            if self._built is None or target != self._target or os.getpid() != self._pid:
                self._built = open_store(self.dist)
                self._target, self._pid = target, os.getpid()
            return self._built


def _folder_identity(dist: Path) -> tuple[str, int, int] | None:
    """Which build folder dist/ leads to now: the symlink's target as written, and the folder's device
    and inode (through any symlinks on the way; a pruned build's inode may be reused, its name is not).

    Two system calls, where os.path.realpath makes one per path component (docs/performance.md).
    None when there is nothing there (opening it then says why).
    """
    try:
        found = os.stat(dist)
    except OSError:
        return None
    try:
        name = os.readlink(dist)
    except OSError:  # a folder, not a symlink
        name = ""
    return name, found.st_dev, found.st_ino
