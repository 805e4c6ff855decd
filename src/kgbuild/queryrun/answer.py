"""Query runtime -> an answer as it comes back from a query process: its head, then its body whole or in chunks."""

from __future__ import annotations

import abc
import pickle
import time
from dataclasses import dataclass
from typing import Any


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



@dataclass
class Answer:
    """An answer's head (status, ETag, media type or HTML table) and its body: whole, or chunks to stream."""

    head: dict[str, Any]
    body: bytes | None  # the whole body, when the answer was complete in one frame
    chunks: AnswerStream | None  # otherwise: the body, chunk by chunk
    outcome: dict[str, Any]  # filled as the answer ends: rows, bytes, error



class Runner(abc.ABC):
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
                self._demote(child)

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
        stream = AnswerStream(self, child, deadline, timeout)
        return Answer(pickle.loads(payload), None, stream, stream.outcome)

    def _demote(self, child) -> None:
        """A query ran past its demote_at: lower its priority (the pool also gives its place to a spare)."""
        child.demote()

    @abc.abstractmethod
    def _release(self, child) -> None:
        """Give a finished child back to the pool."""

    @abc.abstractmethod
    def _replace(self, child) -> None:
        """Kill a child that overran its time and start a fresh one."""



class AnswerStream:
    """The body of an answer, chunk by chunk; the process goes back to the pool when it ends.

    A class rather than a generator: the server calls close() when a client leaves, even before
    the first chunk, and the process must then be replaced (it may still be working).
    """

    def __init__(self, pool: Runner, child, deadline: float, timeout: float) -> None:
        self._pool = pool
        self._child = child
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

    def __iter__(self) -> AnswerStream:
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
        cap = pickle.loads(payload)  # X: a cap was reached mid-answer; the status is sent, so it breaks off
        self.outcome.update(error=cap["error"], message=cap["message"])
        self._end(finished=True)
        raise QueryFailed(cap["error"], cap["message"])

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
