"""Serve -> /queries/: the stored analyst queries, listed, shown, and run with parameters bound safely."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from ..queryrun.formats import HTML, JSON
from ..storedqueries import ParameterError, find_stored_query, stored_queries
from .dataset import current_build
from .protocol.headers import entity_tag, mark, not_modified
from .protocol.negotiation import choose_format
from .protocol.operation import ProtocolError
from .protocol.results import QueryJob, render_results_page, respond_with_query

bp = Blueprint("queries", __name__, url_prefix="/queries")


@bp.route("/")
def index() -> Response:
    """The stored queries: HTML for browsers, JSON (name, title, description, parameters) otherwise."""
    chosen = choose_format((HTML, JSON), request.headers.get("Accept"), request.args.get("format"))
    tag = entity_tag(f"queries.{chosen.extension}")
    unchanged = not_modified(tag, ("Accept",))
    if unchanged is not None:
        return unchanged
    listed = stored_queries(current_build().path)
    if chosen is JSON:
        response = jsonify([{
            "name": q.name, "title": q.title, "description": q.description,
            "url": url_for("queries.run", name=q.name, _external=True),
            "parameters": [{"name": p.name, "type": p.type, "default": p.default, "meaning": p.meaning}
                           for p in q.parameters],
        } for q in listed])
    else:
        response = Response(render_template("queries.html", queries=listed), content_type=HTML.content_type)
    return mark(response, tag, ("Accept",))


@bp.route("/<name>")
def run(name: str) -> Response:
    """Run one stored query with its parameters from the query string (defaults from its header).

    Values are bound as RDF terms (checked against their declared types) written into the query's VALUES
    row in place of the defaults, never pasted as given.
    :raise 400: a parameter value does not fit its type. :raise 404: no such query.
    """
    build = current_build()
    stored = find_stored_query(build.path, name)
    if stored is None:
        abort(404, description=f"no stored query called {name!r}; the stored queries are listed at /queries/")
    # a blank value (asOf= or asOf=%20) is no value: the default holds
    given = {p.name: text for p in stored.parameters if (text := request.args.get(p.name, "").strip())}
    try:
        text = stored.bound_text(given, build.base_iri)
    except ParameterError as error:
        raise ProtocolError(400, str(error)) from None
    values = {p.name: given.get(p.name) or p.default for p in stored.parameters}
    variant = "." + hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:12]
    page = render_results_page("query.html", stored=stored, values=values, text=text)
    try:
        return respond_with_query(QueryJob(text), page, variant)
    except SyntaxError as error:
        raise ProtocolError(500, f"stored query {name}.rq does not parse: {error}") from None
