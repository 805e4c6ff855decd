"""Query runtime -> a few warm query processes per server worker, killed and replaced at the time limit.

An Oxigraph query cannot be interrupted from Python, so each query runs in a process of its own
(queryrun/worker.py) that the server can kill. The processes are started once and kept warm, each
with dist/'s store open read-only; a query costs one frame out and its answer back (queryrun/frames.py),
serialised by Oxigraph in the child: a small answer whole in one frame, a longer one in 64 KiB chunks
that go straight to the client.

A query running past LONG_QUERY seconds is demoted: it drops to the lowest CPU priority, and a spare
process starts in its place, so long queries never hold every process while short ones wait (at most
`size` spares at once; a demoted process is not replaced when it ends, its spare took its place).
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .answer import Answer, Runner
from .frames import FrameSocket

LOG = logging.getLogger("kgbuild.queries")
SOCKET_BUFFER = 1024 * 1024  # lets the child serialise ahead while the client reads
STARTUP_DEADLINE = 30.0  # seconds for a new query process to import and open the store
LONG_QUERY = 1.0  # seconds after which a query yields the CPU to shorter ones
LONG_QUERY_NICENESS = 19  # the lowest, yet never starved (SCHED_IDLE could starve a long, honest query)


class PoolBusy(Exception):
    """No query process came free in time."""


class _QueryProcess:
    """One warm child: its process and our end of the socket pair."""

    def __init__(self, dist: Path) -> None:
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kgbuild.queryrun.worker", str(theirs.fileno()), str(dist), str(os.getpid())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.connection = FrameSocket(ours)
        self.demote_at: float | None = None  # when a query that is still running loses CPU priority
        self.demoted = False

    def demote(self) -> None:
        """Let short queries go first: a query running past LONG_QUERY seconds gets a lower CPU priority.

        Undoing that needs privileges a server should not have, so a demoted process is replaced
        once its query ends (a fresh one starts in about 0.2 s, off the request's path).
        """
        self.demote_at = None
        if not self.demoted:
            self.demoted = True
            try:
                os.setpriority(os.PRIO_PROCESS, self.process.pid, LONG_QUERY_NICENESS)
            except OSError:
                pass

    def kill(self) -> None:
        try:
            self.process.kill()
        except OSError:
            pass
        self.connection.close()



class QueryPool(Runner):
    """The query processes of one server worker."""

    def __init__(self, dist: Path, size: int) -> None:
        self.dist = Path(dist)
        self.size = max(1, size)
        self._idle: list[_QueryProcess] = []
        self._ready = threading.Condition()
        self._chores: queue.Queue = queue.Queue()
        self._pid = os.getpid()
        self._closed = False
        self._demoted = 0  # demoted processes still running: each up to `size` has a spare beside it
        # one long-lived thread starts every child: the child's parent-death signal follows the thread
        # that forked it, and a request thread may end before the child should
        self._keeper = threading.Thread(target=self._keep, name="kgbuild-query-keeper", daemon=True)
        self._keeper.start()
        for _ in range(self.size):
            self._chores.put(None)

    def _keep(self) -> None:
        while True:
            chore = self._chores.get()
            if self._closed:
                return
            if isinstance(chore, _QueryProcess):
                chore.process.wait()  # reap the killed one, then replace it (unless a spare did)
                if chore.demoted:
                    with self._ready:
                        self._demoted -= 1
                        spared = self._demoted < self.size  # it had a spare, which now takes its place
                    if spared:
                        continue
            try:
                fresh = _QueryProcess(self.dist)
                if fresh.connection.receive(STARTUP_DEADLINE) != (b"R", b""):
                    fresh.kill()
                    fresh.process.wait()
                    raise OSError(f"it did not start within {STARTUP_DEADLINE} s")
            except (OSError, EOFError) as error:  # fork failed (memory, process limit?): try again shortly
                LOG.error("cannot start a query process: %s", error)
                time.sleep(1)
                self._chores.put(None)
                continue
            with self._ready:
                self._idle.append(fresh)
                self._ready.notify()

    def _acquire(self, timeout: float) -> _QueryProcess:
        deadline = time.monotonic() + timeout
        with self._ready:
            while not self._idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._ready.wait(remaining):
                    if not self._idle:
                        raise PoolBusy()
            return self._idle.pop()

    def _release(self, child: _QueryProcess) -> None:
        if child.demoted:
            return self._replace(child)
        child.demote_at = None
        with self._ready:
            self._idle.append(child)
            self._ready.notify()

    def _replace(self, child: _QueryProcess) -> None:
        child.kill()
        self._chores.put(child)

    def _demote(self, child: _QueryProcess) -> None:
        if child.demoted:
            return child.demote()
        child.demote()
        with self._ready:
            self._demoted += 1
            if self._demoted > self.size:
                return
        self._chores.put(None)  # a spare, so that short queries find a process while this one runs

    def run(self, job: dict[str, Any], timeout: float) -> Answer:
        """Send a job to a free process; return once the answer starts (or fails).

        :raises QueryTimeout: no answer within timeout seconds (the process is killed and replaced).
        :raises QueryFailed: the query failed before its answer started (syntax, evaluation, caps, format).
        :raises PoolBusy: every process stayed busy for timeout seconds.
        """
        deadline = time.monotonic() + timeout
        for attempt in (1, 2):
            child = self._acquire(timeout)
            try:
                child.demote_at = time.monotonic() + LONG_QUERY
                child.connection.send(b"J", pickle.dumps(job))
                frame = self._receive(child, deadline, timeout)
                break
            except OSError:
                died_idle = child.process.poll() is not None
                self._replace(child)
                if attempt == 2 or not died_idle:  # one that died while idle (OOM killer?): try another
                    raise
            except BaseException:
                self._replace(child)
                raise
        return self._begin(child, frame, deadline, timeout)

    def close(self) -> None:
        """Stop every process (the server worker is exiting)."""
        self._closed = True
        self._chores.put(None)
        with self._ready:
            for child in self._idle:
                child.kill()
            self._idle.clear()



_pools: dict[tuple[int, str], QueryPool] = {}
_pools_lock = threading.Lock()


def pool_for(dist: Path, size: int) -> QueryPool:
    """This process's pool for dist/ (made on first use; a forked process makes its own)."""
    key = (os.getpid(), str(dist))
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = QueryPool(dist, size)
        return pool
