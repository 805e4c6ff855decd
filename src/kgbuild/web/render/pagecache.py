"""Serve -> resource documents rendered once per build and kept, within a byte budget, per worker.

A build never changes, so the Turtle or HTML of one resource, in one language, for one Accept is the
same on every request until the next build: rendering it again (three store reads, labels, a
template of a few hundred links) is most of what a page costs. Entries are keyed by everything the
body depends on; the least recently used go first once the budget is spent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

BUDGET_BYTES = 32 * 1024 * 1024  # per worker and build: about a thousand of the largest pages


@dataclass(frozen=True)
class Rendered:
    """One rendered document and the headers that go with it."""

    body: bytes
    content_type: str
    tag: str  # the ETag (build id, format, language)
    language: str
    link: str  # the Link header: canonical IRI, and the query for everything pointing at it past the first 200


class RenderedPages:
    """A least-recently-used map of Rendered documents, bounded by the bytes of their bodies."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self._budget = budget
        self._size = 0
        self._entries: OrderedDict[tuple, Rendered] = OrderedDict()
        self._lock = threading.Lock()  # a worker's threads share it

    def get(self, key: tuple) -> Rendered | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, rendered: Rendered) -> None:
        """Keep rendered (not when it alone is over the budget)."""
        size = len(rendered.body)
        if size > self._budget:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= len(previous.body)
            self._entries[key] = rendered
            self._size += size
            while self._size > self._budget:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes of the bodies kept."""
        return self._size
