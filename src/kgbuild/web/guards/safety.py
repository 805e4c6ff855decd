"""Serve -> the limits that make the endpoint safe to expose: their settings and the statuses they answer with.

Query time (503), per-client limits (429 with Retry-After), busy query processes (503), request
bodies (413), request lines and headers (414, 431: guards/requesthead.py). Every value comes from
the settings (KGBUILD_QUERY_TIMEOUT ...) unless the app's overrides name it.
"""

from __future__ import annotations

import io

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from ...config import settings
from ...queryrun.answer import QueryTimeout
from ...queryrun.pool import PoolBusy
from ...queryrun.querytext import allowed_services
from ..errors import error_response
from .limits import TooManyQueries
from .requesthead import check_request_head
from .requestlog import set_outcome


def init_app(app: Flask) -> None:
    """Fill in the limits the overrides left out, and answer their errors."""
    config = settings()
    defaults = {
        "KGBUILD_QUERY_TIMEOUT": config.query_timeout,
        "KGBUILD_QUERY_PROCESSES": config.query_processes,
        "KGBUILD_MAX_RESULT_ROWS": config.max_result_rows,
        "KGBUILD_MAX_RESULT_BYTES": config.max_result_bytes,
        "KGBUILD_CLIENT_CONCURRENCY": config.client_concurrency,
        "KGBUILD_CLIENT_QUERY_SECONDS": config.client_query_seconds,
        "KGBUILD_SERVICE_ALLOW": allowed_services(config.service_allow),
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)
    # a query is text: a megabyte is a very long one; Flask answers 413 before reading more.
    # Flask's own defaults (no limit; 500 kB of form fields) are replaced unless an override set them.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = config.max_query_bytes
    if app.config.get("MAX_FORM_MEMORY_SIZE") in (None, 500_000):
        app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    if isinstance(app.config["KGBUILD_SERVICE_ALLOW"], str):
        app.config["KGBUILD_SERVICE_ALLOW"] = allowed_services(app.config["KGBUILD_SERVICE_ALLOW"])

    app.before_request(_bound_request)  # one hook: Flask's cost is per hook, and a GET needs neither step's work

    @app.errorhandler(QueryTimeout)
    def timed_out(error: QueryTimeout) -> Response:
        return _error(503, str(error), {"Retry-After": "10"}, outcome="timeout")

    @app.errorhandler(TooManyQueries)
    def too_many(error: TooManyQueries) -> Response:
        return _error(429, error.message, {"Retry-After": str(error.retry_after)}, outcome="limited")

    @app.errorhandler(PoolBusy)
    def busy(error: PoolBusy) -> Response:
        return _error(503, "every query process stayed busy; try again in a few seconds", {"Retry-After": "5"},
                      outcome="busy")


def _error(status: int, message: str, headers: dict[str, str], outcome: str) -> Response:
    set_outcome(outcome)
    return error_response(status, message, headers)


def _bound_request() -> None:
    """The request's head within its limits (414, 431), then a chunked body read whole or refused (413)."""
    environ = request.environ
    check_request_head(environ)
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        _bound_streamed_body(environ)


def _bound_streamed_body(environ: dict) -> None:
    """Read a chunked body (no Content-Length) here, whole or refused with 413.

    Werkzeug stops reading such a body at MAX_CONTENT_LENGTH and hands on what it read: a query cut
    at the limit would run as a different, shorter query. A body with a length is refused up front.
    """
    if request.content_length is not None:
        return
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge(f"the request body is larger than {limit:,} bytes, the most a query may be")
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
