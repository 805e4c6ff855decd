"""Query runtime -> queries answered on a thread of the server worker, through the same frames as the pool."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from .answer import Answer, Runner
from .worker import answer

LOG = logging.getLogger("kgbuild.queries")


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



class InProcessRunner(Runner):
    """Runs each query on a thread of this process, through the same frames as the pool.

    For a remote backend (the store there enforces its own limits; the wait here is bounded) and
    for query_processes = 0. A query past the limit is answered 503 but cannot be stopped: it ends
    at its next chunk, or when the store answers.
    """

    def __init__(self, tracker) -> None:
        self.tracker = tracker

    def run(self, job: dict[str, Any], timeout: float) -> Answer:
        """As QueryPool.run."""
        deadline = time.monotonic() + timeout
        child = _ThreadQuery()
        threading.Thread(target=self._answer, args=(job, child), daemon=True).start()
        try:
            frame = self._receive(child, deadline, timeout)
        except BaseException:
            child.kill()
            raise
        return self._begin(child, frame, deadline, timeout)

    def _answer(self, job: dict[str, Any], child: _ThreadQuery) -> None:
        try:
            answer(job, self.tracker, child.connection)
        except BrokenPipeError:
            pass  # the answer was abandoned (timeout, client gone)
        except Exception:  # a thread must not die silently
            LOG.exception("query thread failed")

    def _release(self, child) -> None:
        pass

    def _replace(self, child) -> None:
        child.kill()
