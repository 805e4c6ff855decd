"""Serve -> /sparql: the SPARQL 1.1 Protocol for queries; no query gives the service description or UI."""

from __future__ import annotations

import re

from flask import Blueprint, Response, request, url_for

from .dataset import current_build
from .headers import entity_tag, mark, not_modified
from .negotiation import GRAPH_FORMATS, HTML, choose_format
from .protocol import ProtocolError, looks_federated, looks_like_update, read_operation, update_refused
from .results import render_results_page, respond_with_result, respond_with_triples
from .service_description import describe_service
from .ui import render_query_page

bp = Blueprint("sparql", __name__)

_SYNTAX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query, or describe the service when there is none.

    :raise 400: malformed request or query (the parser's message, with line and column).
    :raise 403: any update. :raise 406: no offered format fits Accept. :raise 415: bad body type.
    """
    operation = read_operation(request)
    if operation.query is None:
        if request.method == "POST":
            raise ProtocolError(400, "a POST to the endpoint needs a query (query= or the body)")
        return service_description()
    text = operation.query
    if looks_like_update(text):
        raise update_refused("an update inside query=")
    if looks_federated(text):
        raise ProtocolError(400, "SERVICE (federated query) is not available here: this endpoint "
                                 "answers from its own data and sends no requests elsewhere")
    build = current_build()

    def run() -> object:
        return build.query(text, default_graph=operation.default_graphs, named_graphs=operation.named_graphs)

    try:
        return respond_with_result(run, render_results_page("sparql_results.html", query=text))
    except SyntaxError as error:
        raise ProtocolError(400, syntax_message(str(error))) from None


def syntax_message(parser_message: str) -> str:
    """The parser's message, with its line and column spelled out: 'line 3, column 2: ...'."""
    found = _SYNTAX_ERROR.search(parser_message)
    if found is None:
        return f"malformed SPARQL query: {parser_message}"
    line, column, detail = found.groups()
    return f"malformed SPARQL query at line {line}, column {column}: {detail} ({parser_message})"


def service_description() -> Response:
    """The service description in an RDF format, or the query UI for a browser."""
    chosen = choose_format((*GRAPH_FORMATS, HTML), request.headers.get("Accept"), request.args.get("format"))
    tag = entity_tag(f"sd.{chosen.extension}")
    unchanged = not_modified(tag, ("Accept",))
    if unchanged is not None:
        return unchanged
    if chosen is HTML:
        return mark(Response(render_query_page(), content_type=HTML.content_type), tag, ("Accept",))
    triples = describe_service(url_for("sparql.endpoint", _external=True), current_build())
    return respond_with_triples(lambda: triples, chosen, tag)
