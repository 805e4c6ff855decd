"""Serve -> per-client query limits, as the Wikidata Query Service has them: queries at once, query-seconds a minute.

A client (its address) may run `concurrency` queries at once and spend `seconds_per_minute` seconds of
query time per minute (a bucket that refills at that rate; a query's time is charged when it ends).
Past either, the answer is 429 with Retry-After. The counts live in shared memory made before gunicorn
forks its workers, so every worker sees the same numbers; without that (a test server) they are per process.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import multiprocessing
import struct
import time
from dataclasses import dataclass
from functools import lru_cache

_SLOT = struct.Struct("=Qiidd")  # client key, queries running, (pad), seconds left, when last refilled
_SLOTS = 4096
_PROBES = 16


class TooManyQueries(Exception):
    """The client is over a limit; retry_after says when to try again (seconds)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class ClientLimits:
    concurrency: int = 5
    seconds_per_minute: float = 60.0


class ClientTable:
    """Per-client counters in a fixed table of shared memory (open addressing over a hash of the address)."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, _SLOT.size * _SLOTS)  # anonymous and shared: forked workers see it
        self._lock = multiprocessing.Lock()

    def _find(self, key: int, now: float, budget: float) -> int:
        """The slot of key, claiming a free or stale one (idle, refilled to full) when it has none."""
        first = key % _SLOTS
        spare = None
        for probe in range(_PROBES):
            offset = ((first + probe) % _SLOTS) * _SLOT.size
            owner, running, _, left, refilled = _SLOT.unpack_from(self._memory, offset)
            if owner == key:
                return offset
            stale = owner == 0 or (running == 0 and left + (now - refilled) * budget / 60 >= budget)
            if spare is None and stale:
                spare = offset
        if spare is None:  # every nearby slot busy: share the first (a collision only makes limits stricter)
            spare = first * _SLOT.size
        _SLOT.pack_into(self._memory, spare, key, 0, 0, budget, now)
        return spare

    def admit(self, client: str, limits: ClientLimits) -> Admission:
        """Count a query in for client.

        :raises TooManyQueries: over the concurrency limit, or the minute's query-seconds are spent.
        """
        key, budget, now = _key(client), limits.seconds_per_minute, time.monotonic()
        with self._lock:
            offset, running, left = self._state(key, now, budget)
            _refuse_if_over(running, left, limits)
            _SLOT.pack_into(self._memory, offset, key, running + 1, 0, left, now)
        return Admission(self, key, budget, time.monotonic())

    def check(self, client: str, limits: ClientLimits) -> None:
        """Refuse a client over its limits without counting a query in (admit() does, once it is read).

        :raises TooManyQueries: as admit().
        """
        key, budget, now = _key(client), limits.seconds_per_minute, time.monotonic()
        with self._lock:
            _, running, left = self._state(key, now, budget)
        _refuse_if_over(running, left, limits)

    def _state(self, key: int, now: float, budget: float) -> tuple[int, int, float]:
        """The client's slot, its queries running and its query-seconds left (refilled up to now)."""
        offset = self._find(key, now, budget)
        _, running, _, left, refilled = _SLOT.unpack_from(self._memory, offset)
        return offset, running, min(budget, left + (now - refilled) * budget / 60)

    def _finish(self, key: int, budget: float, seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            offset, running, left = self._state(key, now, budget)
            _SLOT.pack_into(self._memory, offset, key, max(running - 1, 0), 0, left - seconds, now)


@lru_cache(maxsize=4096)  # the same addresses come again and again; check() and admit() both ask
def _key(client: str) -> int:
    return int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "big") or 1


def _refuse_if_over(running: int, left: float, limits: ClientLimits) -> None:
    if running >= limits.concurrency:
        raise TooManyQueries(f"this client already runs {running} queries, the most one client may run at "
                             "once here; wait for one to finish", retry_after=1)
    if left <= 0:
        budget = limits.seconds_per_minute
        wait = math.ceil(-left * 60 / budget) if budget > 0 else 60
        raise TooManyQueries(f"this client has used its {budget:g} query-seconds for this minute; "
                             f"try again in {max(wait, 1)} s", retry_after=max(wait, 1))


class Admission:
    """One admitted query; finish() charges its time and frees its place (once, however often called)."""

    def __init__(self, table: ClientTable, key: int, budget: float, started: float) -> None:
        self._table = table
        self._key = key
        self._budget = budget
        self._started = started
        self._done = False

    def finish(self) -> float:
        seconds = time.monotonic() - self._started
        if not self._done:
            self._done = True
            self._table._finish(self._key, self._budget, seconds)
        return seconds


_shared: ClientTable | None = None


def share_before_fork() -> None:
    """Make the table gunicorn's workers will share; call in the server's master before it forks."""
    global _shared
    _shared = ClientTable()


def client_table() -> ClientTable:
    """The shared table when the server made one, else a table for this process."""
    global _shared
    if _shared is None:
        _shared = ClientTable()
    return _shared
