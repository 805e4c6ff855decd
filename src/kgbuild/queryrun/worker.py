"""Query runtime -> one warm query process: runs a query on dist/'s store (read-only), sends the serialised answer.

Started by queryrun/pool.py as `python -m kgbuild.queryrun.worker` with one end of a socket pair (it
imports no Flask: see tests/web/test_layout.py); it answers one job at a time for as long as
its server worker lives, and is killed (SIGKILL) when a query outlives the time limit: Oxigraph
cannot be interrupted from Python, so a process is the unit that can be stopped.

Frames sent back (queryrun/frames.py), each a kind and a payload:
  E  pickle({error, message})         the query failed before any answer (status still free)
  A  pickle({head, body, outcome})    a whole answer that fits in one chunk: one round trip in all
  H  pickle(head)                     a longer answer starts: status, ETag, media type
  D  bytes                            a chunk of it
  Z  pickle({rows, bytes})            it is complete
  X  pickle({error, message})         it broke off (a cap was reached mid-stream)
The head holds the status, ETag, media type, or the HTML table the server renders.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import socket
import sys
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..store import BuildTracker, StoreError
from .formats import ANSWER_FORMATS, HTML, Format, format_named
from .frames import FrameSender, FrameSocket
from .rowcount import ResultTooLarge, row_counter

CHUNK_SIZE = 64 * 1024
PR_SET_PDEATHSIG = 1


class _AnswerWriter:
    """A binary file for Oxigraph's serialisers: counts rows and bytes, sends full chunks as D frames."""

    def __init__(self, connection: FrameSender, head: dict, counter, max_bytes: int) -> None:
        self._connection = connection
        self._head = head
        self._counter = counter
        self._max_bytes = max_bytes
        self._buffer = bytearray()
        self.started = False
        self.size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK_SIZE:
            self._send_chunk()
        return len(data)

    def flush(self) -> None:
        """Oxigraph flushes when it is done; the rest goes out with finish()."""

    def finish(self) -> None:
        """Send what is left: the whole answer in one frame when it never filled a chunk."""
        if not self.started:
            body = self._checked()
            outcome = {"rows": self._counter.rows, "bytes": self.size}
            return _send_whole(self._connection, self._head, body, outcome)
        if self._buffer:
            self._send_chunk()
        self._connection.send(b"Z", pickle.dumps({"rows": self._counter.rows, "bytes": self.size}))

    def _send_chunk(self) -> None:
        chunk = self._checked()
        if not self.started:  # the first chunk is ready: the answer will start, errors so far were statuses
            self._connection.send(b"H", pickle.dumps(self._head))
            self.started = True
        self._connection.send(b"D", chunk)

    def _checked(self) -> bytes:
        """The buffered bytes, counted against the caps."""
        chunk = bytes(self._buffer)
        self._buffer.clear()
        self.size += len(chunk)
        self._counter.feed(chunk)
        if self.size > self._max_bytes:
            raise ResultTooLarge(f"the answer is larger than {self._max_bytes:,} bytes, the most this endpoint "
                                 "sends; add LIMIT (and page with OFFSET) or download the dumps at /dumps/")
        self._counter.check()
        return chunk


def answer(job: dict[str, Any], tracker: BuildTracker, connection: FrameSender) -> None:
    """Run one job and send its frames."""
    try:
        build = tracker.current()
        result = build.query(job["text"], substitutions=job.get("substitutions"),
                             default_graph=job.get("default_graph"), named_graphs=job.get("named_graphs"))
    except SyntaxError as error:
        return _fail(connection, "syntax", str(error))
    except StoreError as error:
        return _fail(connection, "no_build", str(error))
    except (OSError, RuntimeError, ValueError) as error:
        return _fail(connection, "evaluation", str(error))
    kind = "triples" if isinstance(result, ox.QueryTriples) else "solutions"
    negotiated = job["formats"][kind]  # a format's name, or why none fits (the web worker negotiated)
    if isinstance(negotiated, dict):
        return _fail(connection, negotiated["error"], negotiated["message"])
    chosen = format_named(ANSWER_FORMATS[kind], negotiated)
    tag = f"{build.build_id}.{chosen.extension}{job.get('variant', '')}"
    head: dict[str, Any] = {"status": 200, "tag": tag, "format": chosen.name, "content_type": chosen.content_type,
                            "table": None}
    matches = job.get("if_none_match") or ()
    nothing = {"rows": 0, "bytes": 0}
    if tag in matches or "*" in matches:
        return _send_whole(connection, {**head, "status": 304}, b"", nothing)
    try:
        if chosen is HTML:
            head["table"] = _table(result, job.get("html_rows", 1000))
            return _send_whole(connection, head, b"", {"rows": len(head["table"]["rows"]), "bytes": 0})
        if job.get("head_only"):
            return _send_whole(connection, head, b"", nothing)
        _stream(result, chosen, job, head, connection)
    except (SyntaxError, OSError, RuntimeError, ValueError) as error:  # evaluation is lazy: errors come here
        _fail(connection, "evaluation", str(error))


def _stream(result: Any, chosen: Format, job: dict, head: dict, connection: FrameSender) -> None:
    max_rows = job.get("max_rows") or sys.maxsize
    counter = row_counter(result, chosen, max_rows)
    writer = _AnswerWriter(connection, head, counter, job.get("max_bytes") or sys.maxsize)
    try:
        if isinstance(result, ox.QueryTriples):
            # pyoxigraph writes to any object with write(); its stubs ask for IO[bytes]
            ox.serialize(counter.wrap(result), writer, chosen.rdf, prefixes=job.get("prefixes"))  # type: ignore[arg-type]
        else:
            result.serialize(writer, chosen.results)
        writer.finish()
    except ResultTooLarge as error:
        return _fail(connection, "too_large", str(error), started=writer.started)
    except (SyntaxError, OSError, RuntimeError, ValueError) as error:
        return _fail(connection, "evaluation", str(error), started=writer.started)


def _send_whole(connection: FrameSender, head: dict, body: bytes, outcome: dict) -> None:
    connection.send(b"A", pickle.dumps({"head": head, "body": body, "outcome": outcome}, pickle.HIGHEST_PROTOCOL))


def _fail(connection: FrameSender, kind: str, message: str, started: bool = False) -> None:
    connection.send(b"X" if started else b"E", pickle.dumps({"error": kind, "message": message}))


def _table(result: Any, limit: int) -> dict:
    """The first rows of a result as RDF terms, for the HTML view the server renders."""
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "boolean", "boolean": bool(result), "columns": [], "rows": [], "truncated": False}
    if isinstance(result, ox.QueryTriples):
        columns = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in islice(result, limit + 1)]
    else:
        columns = [variable.value for variable in result.variables]
        rows = [[solution[name] for name in columns] for solution in islice(result, limit + 1)]
    return {"kind": "table", "columns": columns, "rows": rows[:limit], "truncated": len(rows) > limit,
            "boolean": None}


def _die_with_parent(parent: int) -> None:
    """Be killed when the server worker that started this process dies, however it dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: end-of-file on the socket still ends the loop
        pass
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(0)


def main(argv: list[str]) -> None:
    """argv: the socket's descriptor, dist/, the server worker's pid."""
    descriptor, dist, parent = int(argv[0]), Path(argv[1]), int(argv[2])
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server decides
    connection = FrameSocket(socket.socket(fileno=descriptor))
    tracker = BuildTracker(dist)
    try:
        tracker.current()  # warm: the first query should not pay for opening the store
    except StoreError:
        pass  # reported per job, as the server reports it
    connection.send(b"R")  # ready: only now does the pool hand this process a query
    while True:
        try:
            _, payload = connection.receive()
            job = pickle.loads(payload)
        except (EOFError, OSError):
            return  # the server worker is gone
        try:
            answer(job, tracker, connection)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return


if __name__ == "__main__":
    main(sys.argv[1:])
