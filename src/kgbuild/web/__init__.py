"""Serve: the Flask app over one built dist/ (SPARQL endpoint, linked data, dumps, queries, pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from ..config import settings
from ..store import StoreError
from . import changes, dataset, dumps, linkeddata, pages, queries, sparql, ui
from .protocol import headers
from .protocol.negotiation import NotAcceptable, UnknownFormat
from .protocol.operation import ProtocolError
from . import requestlog, safety  # noqa: E402 - hardening: limits, their statuses, request logs


def create_app(dist: Path | None = None, overrides: Mapping[str, object] | None = None) -> Flask:
    """Make the web app that serves one built dist/ directory (settings decide when dist is None)."""
    app = Flask(__name__)
    app.config.update(KGBUILD_DIST=Path(dist) if dist is not None else settings().dist, YASGUI_DIR=None)
    app.config.update(overrides or {})
    app.json.sort_keys = False
    dataset.init_app(app, app.config["KGBUILD_DIST"])
    headers.init_app(app)
    for blueprint in (sparql.bp, linkeddata.bp, dumps.bp, changes.bp, queries.bp, pages.bp, ui.bp):
        app.register_blueprint(blueprint)
    _register_error_handlers(app)
    safety.init_app(app)  # limits and their statuses (README "Hardening")
    requestlog.init_app(app)  # after the handlers above: its 500 and 503 bodies replace theirs
    return app


def _error(status: int, message: str, extra_headers: Mapping[str, str] | None = None) -> Response:
    """An error as a page for browsers and as plain text (the message alone) for everyone else."""
    best = request.accept_mimetypes.best_match(["text/plain", "text/html"], default="text/plain")
    if best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/plain"]:
        body = render_template("error.html", status=status, message=message, path=request.path)
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers.update(extra_headers or {})
    return response


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ProtocolError)
    def protocol_error(error: ProtocolError) -> Response:
        return _error(error.status, error.message)

    @app.errorhandler(NotAcceptable)
    def not_acceptable(error: NotAcceptable) -> Response:
        response = _error(406, str(error))
        response.vary.add("Accept")
        return response

    @app.errorhandler(UnknownFormat)
    def unknown_format(error: UnknownFormat) -> Response:
        return _error(400, str(error))

    @app.errorhandler(StoreError)
    def no_build(error: StoreError) -> Response:
        return _error(503, str(error), {"Retry-After": "30"})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = _error(error.code or 500, error.description or error.name)
        if error.code == 405 and error.get_headers():
            response.headers.update({k: v for k, v in error.get_headers() if k == "Allow"})
        return response
