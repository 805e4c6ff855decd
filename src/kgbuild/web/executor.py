"""Serve -> running queries in a few warm processes per server worker, killed and replaced at the time limit.

An Oxigraph query cannot be interrupted from Python, so each query runs in a process of its own
(web/query_worker.py) that the server can kill. The processes are started once and kept warm, each
with dist/'s store open read-only; a query costs one frame out and its answer back (web/frames.py),
serialised by Oxigraph in the child: a small answer whole in one frame, a longer one in 64 KiB chunks
that go straight to the client.
"""

from __future__ import annotations

import abc
import logging
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .frames import FrameSocket

LOG = logging.getLogger("kgbuild.queries")
SOCKET_BUFFER = 1024 * 1024  # lets the child serialise ahead while the client reads
STARTUP_DEADLINE = 30.0  # seconds for a new query process to import and open the store
LONG_QUERY = 1.0  # seconds after which a query yields the CPU to shorter ones
LONG_QUERY_NICENESS = 19  # the lowest, yet never starved (SCHED_IDLE could starve a long, honest query)
# The child needs the store and the serialisers, not Flask and every blueprint: a bare package for
# kgbuild.web keeps web/__init__.py from running there (0.3 s and 40 MB a child instead of 0.8 s and 60 MB).
_BOOTSTRAP = ("import sys, types, kgbuild; web = types.ModuleType('kgbuild.web'); web.__path__ = [sys.argv[1]]; "
              "sys.modules['kgbuild.web'] = web; from kgbuild.web.query_worker import main; main(sys.argv[1:])")


class QueryTimeout(Exception):
    """The query ran past the time limit; its process was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query ran for more than {seconds:g} s, the limit of this endpoint, and was stopped; "
                         "make it more selective (a LIMIT, fewer unbound patterns) or download the dumps at /dumps/")
        self.seconds = seconds


class QueryFailed(Exception):
    """The query process reported an error (kind: syntax, evaluation, too_large, no_build, NotAcceptable ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


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
            [sys.executable, "-c", _BOOTSTRAP, str(Path(__file__).parent), str(theirs.fileno()), str(dist),
             str(os.getpid())],
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


@dataclass
class Answer:
    """An answer's head (status, ETag, media type or HTML table) and its body: whole, or chunks to stream."""

    head: dict[str, Any]
    body: bytes | None  # the whole body, when the answer was complete in one frame
    chunks: "_AnswerStream | None"  # otherwise: the body, chunk by chunk
    outcome: dict[str, Any]  # filled as the answer ends: rows, bytes, error


class _Runner(abc.ABC):
    """What the pool and the in-process runner share: reading frames, starting an answer."""

    def _receive(self, child, deadline: float, timeout: float) -> tuple[bytes, bytes]:
        """The child's next frame; a query still running at its demote_at is demoted on the way."""
        while True:
            demote_at = getattr(child, "demote_at", None)
            until = deadline if demote_at is None else min(demote_at, deadline)
            try:
                frame = child.connection.receive(max(until - time.monotonic(), 0))
            except (EOFError, OSError):
                raise QueryFailed("crashed", "the query process stopped unexpectedly; try again") from None
            if frame is not None:
                return frame
            now = time.monotonic()
            if now >= deadline:
                raise QueryTimeout(timeout)
            if demote_at is not None and now >= demote_at:
                child.demote()

    def _begin(self, child, frame: tuple[bytes, bytes], deadline: float, timeout: float) -> Answer:
        kind, payload = frame
        if kind == b"E":
            self._release(child)
            failure = pickle.loads(payload)
            raise QueryFailed(failure["error"], failure["message"])
        if kind == b"A":
            self._release(child)
            whole = pickle.loads(payload)
            return Answer(whole["head"], whole["body"], None, whole["outcome"])
        stream = _AnswerStream(self, child, deadline, timeout)
        return Answer(pickle.loads(payload), None, stream, stream.outcome)

    @abc.abstractmethod
    def _release(self, child) -> None:
        """Give a finished child back to the pool."""

    @abc.abstractmethod
    def _replace(self, child) -> None:
        """Kill a child that overran its time and start a fresh one."""


class QueryPool(_Runner):
    """The query processes of one server worker."""

    def __init__(self, dist: Path, size: int) -> None:
        self.dist = Path(dist)
        self.size = max(1, size)
        self._idle: list[_QueryProcess] = []
        self._ready = threading.Condition()
        self._chores: queue.Queue = queue.Queue()
        self._pid = os.getpid()
        self._closed = False
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
                chore.process.wait()  # reap the killed one, then replace it
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


class _QueueConnection:
    """An in-process stand-in for the socket pair: frames through a bounded queue (back-pressure)."""

    def __init__(self) -> None:
        self._frames: queue.Queue = queue.Queue(maxsize=16)
        self._cancelled = threading.Event()

    def send(self, kind: bytes, payload: bytes = b"") -> None:
        while not self._cancelled.is_set():
            try:
                self._frames.put((kind, payload), timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("the answer was abandoned")

    def receive(self, timeout: float | None = None) -> tuple[bytes, bytes] | None:
        try:
            return self._frames.get(timeout=timeout)
        except queue.Empty:
            return None

    def cancel(self) -> None:
        self._cancelled.set()


class _ThreadQuery:
    """A query answered on a thread of this process; 'killing' it makes it stop at its next chunk."""

    def __init__(self) -> None:
        self.connection = _QueueConnection()

    def kill(self) -> None:
        self.connection.cancel()


class InProcessRunner(_Runner):
    """Runs each query on a thread of this process, through the same frames as the pool.

    For a remote backend (the store there enforces its own limits; the wait here is bounded) and
    for query_processes = 0. A query past the limit is answered 503 but cannot be stopped: it ends
    at its next chunk, or when the store answers.
    """

    def __init__(self, tracker) -> None:
        self.tracker = tracker

    def run(self, job: dict[str, Any], timeout: float) -> Answer:
        """As QueryPool.run."""
        from .query_worker import answer  # noqa: PLC0415 - the worker's own code, run here

        deadline = time.monotonic() + timeout
        child = _ThreadQuery()
        threading.Thread(target=self._answer, args=(answer, job, child), daemon=True).start()
        try:
            frame = self._receive(child, deadline, timeout)
        except BaseException:
            child.kill()
            raise
        return self._begin(child, frame, deadline, timeout)

    def _answer(self, answer, job: dict[str, Any], child: _ThreadQuery) -> None:
        try:
            answer(job, self.tracker, child.connection)
        except BrokenPipeError:
            pass  # the answer was abandoned (timeout, client gone)
        except Exception:  # noqa: BLE001 - a thread must not die silently
            LOG.exception("query thread failed")

    def _release(self, child) -> None:
        pass

    def _replace(self, child) -> None:
        child.kill()


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


class _AnswerStream:
    """The body of an answer, chunk by chunk; the process goes back to the pool when it ends.

    A class rather than a generator: the server calls close() when a client leaves, even before
    the first chunk, and the process must then be replaced (it may still be working).
    """

    def __init__(self, pool: _Runner, child, deadline: float, timeout: float) -> None:
        self._pool = pool
        self._child: _QueryProcess | None = child
        self._deadline = deadline
        self._timeout = timeout
        self._when_done: list = []
        self.outcome: dict[str, Any] = {}

    def when_done(self, callback) -> None:
        """Call callback once the answer has ended (now, if it has)."""
        if self._child is None:
            callback()
        else:
            self._when_done.append(callback)

    def __iter__(self) -> "_AnswerStream":
        return self

    def __next__(self) -> bytes:
        if self._child is None:
            raise StopIteration
        try:
            frame = self._pool._receive(self._child, self._deadline, self._timeout)
        except QueryTimeout:
            self.outcome.update(error="timeout")
            self._end(finished=False)
            raise
        except QueryFailed as failure:
            self.outcome.update(error=failure.kind, message=failure.message)
            self._end(finished=False)
            raise
        kind, payload = frame
        if kind == b"D":
            return payload
        if kind == b"Z":
            self.outcome.update(pickle.loads(payload))
            self._end(finished=True)
            raise StopIteration
        failure = pickle.loads(payload)  # X: a cap was reached mid-answer; the status is sent, so it breaks off
        self.outcome.update(error=failure["error"], message=failure["message"])
        self._end(finished=True)
        raise QueryFailed(failure["error"], failure["message"])

    def _end(self, finished: bool) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if finished:
            self._pool._release(child)
        else:  # timed out, or the client left mid-answer: the child may still be working
            self._pool._replace(child)
        for callback in self._when_done:
            callback()

    def close(self) -> None:
        if self._child is not None:
            self.outcome.setdefault("error", "client_gone")
        self._end(finished=False)
