"""Serve -> one log line per request (client, query hash, duration, outcome) and bodies that never leak internals.

The line is written when the response closes, so a streamed answer's duration and outcome (rows,
bytes, a timeout or a cap mid-stream, a client that left) are the real ones. An unexpected error is
logged with its traceback under a request id; the client gets the id and nothing of the internals.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import InternalServerError

from ...store import StoreError
from ..errors import error_response

LOG = logging.getLogger("kgbuild.requests")


@dataclass
class RequestRecord:
    """What the log line says about one request; the endpoint fills in the query's part."""

    started: float = field(default_factory=time.monotonic)
    id: str = field(default_factory=lambda: os.urandom(5).hex())  # 10 random hex digits, as uuid4's first 10
    query_hash: str = ""
    outcome: str = ""
    answer: dict[str, Any] | None = None  # the query process's account of a streamed answer


def set_outcome(outcome: str) -> None:
    """Name how this request ended (timeout, limited ...) when the status alone would not say."""
    record = g.get("kgbuild_request")
    if record is not None:
        record.outcome = outcome


def _line(record: RequestRecord, what: str, status: int) -> str:
    answer = record.answer or {}
    outcome = record.outcome or answer.get("error") or (
        "ok" if status < 400 else "refused" if status < 500 else "error")
    parts = [what, f"status={status}", f"ms={(time.monotonic() - record.started) * 1000:.1f}",
             f"query={record.query_hash or '-'}", f"outcome={outcome}"]
    if "rows" in answer:
        parts += [f"rows={answer['rows']}", f"bytes={answer.get('bytes', 0)}"]
    return " ".join(parts)


def _printable(text: str, limit: int = 200) -> str:
    """A path as one safe log token: a decoded %0A must not start a forged line."""
    shown = "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def init_app(app: Flask) -> None:
    @app.before_request
    def start() -> None:
        g.kgbuild_request = RequestRecord()

    @app.after_request
    def log_when_closed(response: Response) -> Response:
        record = g.get("kgbuild_request")
        if record is not None:  # the request is gone when the response closes: take what the line needs now
            what = f'client={request.remote_addr or "-"} id={record.id} "{request.method} {_printable(request.path)}"'
            status = response.status_code
            response.call_on_close(lambda: LOG.info("%s", _line(record, what, status)))
            response.headers.setdefault("X-Request-Id", record.id)
        return response

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError) -> Response:
        record = g.get("kgbuild_request") or RequestRecord()
        original = getattr(error, "original_exception", None)
        if original is not None:  # Flask logged the traceback already; tie it to the id the client sees
            LOG.error("request %s failed: %s: %s", record.id, type(original).__name__, original)
        record.outcome = "error"
        return error_response(
            500, f"internal error (request {record.id}); it is logged, and the operator can look it up"
        )

    @app.errorhandler(StoreError)
    def no_build(error: StoreError) -> Response:
        LOG.error("no build to serve: %s", error)  # the message names local paths: the log, not the client
        set_outcome("no_build")
        return error_response(503, "no build is being served right now; the operator should run `kgbuild build` "
                           "(the server log says more)", {"Retry-After": "30"})
