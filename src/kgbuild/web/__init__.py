"""Serve: the Flask app over one built dist/ (SPARQL endpoint, linked data, dumps, queries, pages)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from ..config import settings
from . import changes, dataset, dumps, linkeddata, livereload, pages, queries, reconcile, search, sparql, ui
from .errors import error_response
from .guards import requestlog, safety
from .protocol import headers
from .protocol.negotiation import NotAcceptable, UnknownFormat
from .protocol.operation import ProtocolError


def create_app(dist: Path | None = None, overrides: Mapping[str, object] | None = None) -> Flask:
    """Make the web app that serves one built dist/ directory (settings decide when dist is None)."""
    app = Flask(__name__)
    app.config.update(KGBUILD_DIST=Path(dist) if dist is not None else settings().dist, YASGUI_DIR=None)
    app.config.update(overrides or {})
    if isinstance(app.json, DefaultJSONProvider):  # Flask's own provider: always, unless an app swaps it
        app.json.sort_keys = False
    dataset.init_app(app, app.config["KGBUILD_DIST"])
    headers.init_app(app)
    blueprints = (sparql.bp, linkeddata.bp, dumps.bp, changes.bp, queries.bp, pages.bp, search.bp, reconcile.bp, ui.bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    livereload.init_app(app)  # only in watch mode (kgbuild serve --watch)
    _register_error_handlers(app)
    safety.init_app(app)  # limits and their statuses (docs/hardening.md)
    requestlog.init_app(app)  # after the handlers above: its 500 body replaces theirs; it answers StoreError
    return app


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ProtocolError)
    def protocol_error(error: ProtocolError) -> Response:
        return error_response(error.status, error.message)

    @app.errorhandler(NotAcceptable)
    def not_acceptable(error: NotAcceptable) -> Response:
        response = error_response(406, str(error))
        response.vary.add("Accept")
        return response

    @app.errorhandler(UnknownFormat)
    def unknown_format(error: UnknownFormat) -> Response:
        return error_response(400, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, error.description or error.name)
        if error.code == 405 and error.get_headers():
            response.headers.update({k: v for k, v in error.get_headers() if k == "Allow"})
        return response
