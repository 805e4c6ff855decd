"""Serve -> answering with query results or triples in the negotiated format, streamed by Oxigraph."""

from __future__ import annotations

from itertools import islice
from typing import Callable, Iterable

import pyoxigraph as ox
from flask import Response, render_template, request

from .headers import entity_tag, mark, not_modified
from .negotiation import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format, choose_format
from .streaming import SerialisedStream
from .terms import all_prefixes, cell

HTML_ROW_LIMIT = 1000
NEGOTIATED = ("Accept",)


def offered_for(result: object) -> tuple[Format, ...]:
    """Graphs in RDF formats, solutions and booleans in results formats; HTML for browsers last."""
    if isinstance(result, ox.QueryTriples):
        return (*GRAPH_FORMATS, HTML)
    return (*RESULT_FORMATS, HTML)


def negotiate(offered: tuple[Format, ...]) -> Format:
    """Choose by format= first, then Accept (NotAcceptable / UnknownFormat go to the error handlers)."""
    return choose_format(offered, request.headers.get("Accept"), request.values.get("format"))


def respond_with_result(run: Callable[[], object], page: Callable[[dict], str], variant: str = "") -> Response:
    """Send the result of run() (a query on the store), negotiated; page(table) renders its HTML view.

    Oxigraph's results are lazy and stay on the thread that made them, so the query runs once
    here (to learn its kind and fail early) and again on the thread that streams the body.
    The ETag is the build id plus the format (and variant), so a repeated GET of the same
    query on the same build is a 304.
    """
    result = run()
    chosen = negotiate(offered_for(result))
    tag = entity_tag(chosen.extension + variant)
    unchanged = not_modified(tag, NEGOTIATED)
    if unchanged is not None:
        return unchanged
    if chosen is HTML:
        response = Response(page(result_table(result)), content_type=HTML.content_type)
    elif request.method == "HEAD":
        response = Response(content_type=chosen.content_type)
    elif isinstance(result, ox.QueryBoolean):
        response = Response(result.serialize(format=chosen.results), content_type=chosen.content_type)
    else:
        prefixes = all_prefixes()
        body = SerialisedStream(lambda out: _serialise(run(), chosen, prefixes, out))
        response = Response(body, content_type=chosen.content_type)
    return mark(response, tag, NEGOTIATED)


def respond_with_triples(make_triples: Callable[[], Iterable[ox.Triple]], chosen: Format, tag: str,
                         vary: tuple[str, ...] = NEGOTIATED) -> Response:
    """Send triples in an RDF format (the caller negotiated it and handled If-None-Match).

    make_triples runs on the streaming thread: a query's triples must be made where they are read.
    """
    if request.method == "HEAD":
        response = Response(content_type=chosen.content_type)
    else:
        prefixes = all_prefixes()
        body = SerialisedStream(lambda out: ox.serialize(make_triples(), out, chosen.rdf, prefixes=prefixes))
        response = Response(body, content_type=chosen.content_type)
    return mark(response, tag, vary)


def _serialise(result: object, chosen: Format, prefixes: dict[str, str], out) -> None:
    if isinstance(result, ox.QueryTriples):
        ox.serialize(result, out, chosen.rdf, prefixes=prefixes)
    else:
        result.serialize(out, chosen.results)


def result_table(result: object) -> dict:
    """Results as an HTML table: {'kind', 'columns', 'rows', 'truncated', 'boolean'}."""
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "boolean", "boolean": bool(result), "columns": [], "rows": [], "truncated": False}
    if isinstance(result, ox.QueryTriples):
        columns = ["subject", "predicate", "object"]
        rows = [[cell(t.subject), cell(t.predicate), cell(t.object)]
                for t in islice(result, HTML_ROW_LIMIT + 1)]
    else:
        columns = [variable.value for variable in result.variables]
        rows = [[cell(solution[name]) for name in columns] for solution in islice(result, HTML_ROW_LIMIT + 1)]
    return {"kind": "table", "columns": columns, "rows": rows[:HTML_ROW_LIMIT],
            "truncated": len(rows) > HTML_ROW_LIMIT, "boolean": None}


def render_results_page(template: str, **context) -> Callable[[dict], str]:
    """A page(table) function for respond_with_result that renders template with the table."""
    return lambda table: render_template(template, table=table, **context)
