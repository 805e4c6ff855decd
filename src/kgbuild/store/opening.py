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

    `kgbuild build` switches builds by renaming the dist symlink, so resolving it (one readlink)
    per request is enough to notice a new build. Each process opens its own read-only store:
    an Oxigraph handle must not cross a fork, so a handle opened in another process is dropped.
    """

    def __init__(self, dist: Path) -> None:
        self.dist = Path(dist)
        self._lock = threading.Lock()
        self._target: str | None = None
        self._pid: int | None = None
        self._built: Store | None = None

    def current(self) -> Store:
        """Return the build dist/ points at now, opening it if it is new to this process.

        :raises StoreError: when dist/ holds no readable build.
        """
        target = os.path.realpath(self.dist)
        with self._lock:
            if self._built is None or target != self._target or os.getpid() != self._pid:
                self._built = open_store(self.dist)
                self._target, self._pid = target, os.getpid()
            return self._built
