"""Serve -> /sparql: the SPARQL 1.1 Protocol for queries; no query gives the service description or UI."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, request, url_for

from ..queryrun.formats import GRAPH_FORMATS, HTML
from .dataset import current_build
from .protocol.headers import entity_tag, mark, not_modified
from .protocol.negotiation import choose_format
from .protocol.operation import ABSOLUTE_IRI, ProtocolError, read_operation
from .protocol.refusals import check_query_text
from .protocol.results import (
    QueryJob,
    refuse_a_client_over_its_limits,
    render_results_page,
    respond_with_query,
    respond_with_triples,
)
from .protocol.service_description import describe_service
from .ui import render_query_page

bp = Blueprint("sparql", __name__)

_SYNTAX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """Answer a query, or describe the service when there is none.

    :raise 400: malformed request or query (the parser's message, with line and column); SERVICE to an
        endpoint not allowed; an answer past a cap. A graph this dataset does not have is an empty graph.
    :raise 403: any update. :raise 406: no offered format fits Accept. :raise 415: bad body type.
    :raise 429: the client is over its limits. :raise 503: the query ran past the time limit.
    """
    if request.method == "POST" or "query" in request.args:
        refuse_a_client_over_its_limits()
    operation = read_operation(request)
    if operation.query is None:
        if request.method == "POST":
            raise ProtocolError(400, "a POST to the endpoint needs a query (query= or the body)")
        return service_description()
    text = operation.query
    build = current_build()
    shape = check_query_text(text, current_app.config["KGBUILD_SERVICE_ALLOW"])
    default_graphs, named_graphs = operation.default_graphs, operation.named_graphs
    if default_graphs is None and (shape.from_graphs or shape.from_named_graphs):
        # the store's union default would hide FROM; the protocol's graphs, when given, override it.
        # A graph the store lacks is read as empty, never fetched; one the lexer could not resolve
        # is in a query the parser refuses.
        default_graphs = [graph for graph in shape.from_graphs if graph is not None]
        named_graphs = [graph for graph in shape.from_named_graphs if graph is not None]
        for graph in default_graphs + named_graphs:
            if not ABSOLUTE_IRI.fullmatch(graph):  # FROM <relative> with no BASE to resolve it against
                raise ProtocolError(400, f"FROM <{graph}> does not name a graph: a graph's name is an absolute "
                                         "IRI; write it in full (FROM <https://...>) or declare a BASE")
    job = QueryJob(text, default_graph=default_graphs, named_graphs=named_graphs)
    try:
        return respond_with_query(job, render_results_page("sparql_results.html", query=text), build=build)
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
