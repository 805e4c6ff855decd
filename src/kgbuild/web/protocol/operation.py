"""Serve -> reading a SPARQL 1.1 Protocol request (GET, form POST, direct POST); updates are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import MultiDict

QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
GRAPH_PARAMETERS = ("default-graph-uri", "named-graph-uri")
# an absolute IRI (RFC 3987): a scheme, then characters an IRI may hold; a graph named otherwise is a 400
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\s]*")


class ProtocolError(Exception):
    """A request the protocol does not allow; status is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def update_refused(how: str) -> ProtocolError:
    return ProtocolError(
        403, f"this endpoint is read-only: SPARQL updates are refused ({how}); "
        "send a query (SELECT, ASK, CONSTRUCT or DESCRIBE) instead",
    )


@dataclass(frozen=True)
class Operation:
    """What a protocol request asks: a query (or none: the service description) and its dataset."""

    query: str | None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None


def read_operation(request: Request) -> Operation:
    """Read the operation from a GET or POST request to the endpoint.

    :raises ProtocolError: 400 for a malformed request, 403 for any update, 415 for a body type
        the protocol does not define.
    """
    if request.method in ("GET", "HEAD"):
        return _operation(request.args.getlist("query"), request.args.getlist("update"), _graphs(request.args))
    media_type = request.mimetype
    if media_type == FORM_MEDIA_TYPE:
        fields = _form_fields(request)
        queries, updates = fields.getlist("query"), fields.getlist("update")
        graphs = {name: request.args.getlist(name) + fields.getlist(name) for name in GRAPH_PARAMETERS}
        return _operation(
            queries + request.args.getlist("query"), updates + request.args.getlist("update"), graphs
        )
    if media_type == UPDATE_MEDIA_TYPE:
        raise update_refused(f"a {UPDATE_MEDIA_TYPE} body")
    if media_type == QUERY_MEDIA_TYPE:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"a {QUERY_MEDIA_TYPE} body must be UTF-8, not {charset}")
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError(400, f"the query body is not valid UTF-8 ({error})") from None
        if request.args.getlist("query") or request.args.getlist("update"):
            raise ProtocolError(400, "send the query either in the body or as query=, not both")
        return _operation([text], [], _graphs(request.args))
    raise ProtocolError(
        415, f"a POST to the endpoint needs Content-Type {FORM_MEDIA_TYPE} or {QUERY_MEDIA_TYPE}, "
        f"not {media_type or 'none'}",
    )


def _form_fields(request: Request) -> MultiDict:
    """The fields of a form-encoded body, parsed as Werkzeug parses them, without its form machinery.

    That machinery is a third of what Flask spends on a small query. The body is read within
    MAX_CONTENT_LENGTH (413 past it), as Werkzeug reads it; the fields become request.form.
    """
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the form body is not valid UTF-8 ({error})") from None
    fields = MultiDict(parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"))
    # werkzeug types these cached properties as immutable; the parsed fields go in their place
    request.form, request.files = fields, MultiDict()  # type: ignore[assignment]
    return fields


def _graphs(parameters) -> dict[str, list[str]]:
    return {name: parameters.getlist(name) for name in GRAPH_PARAMETERS}


def _operation(queries: list[str], updates: list[str], graphs: dict[str, list[str]]) -> Operation:
    if updates:
        raise update_refused("update=")
    if len(queries) > 1:
        raise ProtocolError(400, f"give exactly one query= parameter, not {len(queries)}")
    default_graphs, named_graphs = graphs["default-graph-uri"], graphs["named-graph-uri"]
    for iri in default_graphs + named_graphs:
        if not ABSOLUTE_IRI.fullmatch(iri):
            raise ProtocolError(400, f"default-graph-uri / named-graph-uri {iri!r} is not an absolute IRI")
    dataset_named = bool(default_graphs or named_graphs)
    return Operation(
        query=queries[0] if queries else None,
        default_graphs=default_graphs if dataset_named else None,
        named_graphs=named_graphs if dataset_named else None,
    )
