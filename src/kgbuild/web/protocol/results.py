"""Serve -> answering with query results or triples in the negotiated format, streamed by Oxigraph."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from flask import Response, current_app, g, render_template, request

from ...queryrun.answer import QueryFailed
from ...queryrun.formats import ANSWER_FORMATS, HTML, Format
from ...queryrun.inprocess import InProcessRunner
from ...queryrun.pool import QueryPool, pool_for
from ...queryrun.streaming import SerialisedStream
from ...store import Store, StoreError
from ..dataset import EXTENSION_KEY, current_build
from ..guards.limits import ClientLimits, client_table
from ..render.terms import all_prefixes, cell
from .headers import mark
from .negotiation import NotAcceptable, UnknownFormat, choose_format
from .operation import ProtocolError

HTML_ROW_LIMIT = 1000
NEGOTIATED = ("Accept",)


@dataclass(frozen=True)
class QueryJob:
    """A query to run in a query process: its text, bound values and dataset (None: the union)."""

    text: str
    substitutions: Mapping[ox.Variable, Any] | None = None
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None

    @property
    def digest(self) -> str:
        """A short hash of the text, for the logs (the text itself may be long or private)."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def respond_with_query(job: QueryJob, page: Callable[[dict], str], variant: str = "",
                       build: Store | None = None) -> Response:
    """Run job in a query process (killed at the time limit) and send its answer, negotiated and streamed.

    The client is counted in first (its concurrent queries and query-seconds); the answer's first
    chunk is ready before the status goes out, so failures found by then are statuses; a cap reached
    later breaks the stream off (the client sees an incomplete body, never a silently cut one). An
    answer that fits in one chunk comes whole, with its Content-Length.
    The ETag is the build id plus the format (and variant), so a repeated GET on the same build is a 304.
    build: the current build, when the caller has it already (finding it looks at dist/).

    :raises TooManyQueries: 429. :raises QueryTimeout: 503. :raises PoolBusy: 503.
    :raises SyntaxError: a malformed query. :raises RuntimeError: the query failed while running.
    :raises ProtocolError: the answer would pass a cap, or format= names no format (400).
    :raises NotAcceptable: no offered format fits Accept (406).
    """
    config = current_app.config
    record = g.get("kgbuild_request")
    if record is not None:
        record.query_hash = job.digest
    admission = client_table().admit(_client(), _client_limits())
    try:
        answer = _runner().run(_job_message(job, variant, build or current_build()), config["KGBUILD_QUERY_TIMEOUT"])
    except QueryFailed as failure:
        admission.finish()
        raise _as_error(failure) from None
    except BaseException:
        admission.finish()
        raise
    head = answer.head
    if record is not None:
        record.answer = answer.outcome
    if head["status"] == 304:
        response = Response(status=304)
    elif head["table"] is not None:
        response = Response(page(_cells(head["table"])), content_type=HTML.content_type)
    elif request.method == "HEAD":
        response = Response(content_type=head["content_type"])
    else:
        response = Response(answer.chunks if answer.body is None else answer.body, content_type=head["content_type"])
    if answer.chunks is None:
        admission.finish()  # the answer came whole: it has ended
    else:
        answer.chunks.when_done(admission.finish)  # charged when the answer ends, not when the client hangs up
        response.call_on_close(admission.finish)  # (or when it does: finish() counts once)
    return mark(response, head["tag"], NEGOTIATED)


def refuse_a_client_over_its_limits() -> None:
    """429 before the request is even read, for a client already over its limits: refusals stay cheap.

    :raises TooManyQueries: 429 (respond_with_query counts the query in, and checks again, later).
    """
    client_table().check(_client(), _client_limits())


def _client() -> str:
    return request.remote_addr or "unknown"


def _client_limits() -> ClientLimits:
    config = current_app.config
    return ClientLimits(config["KGBUILD_CLIENT_CONCURRENCY"], config["KGBUILD_CLIENT_QUERY_SECONDS"])


def _runner() -> QueryPool | InProcessRunner:
    """This worker's query processes; a thread here for a remote store (or query_processes = 0)."""
    config = current_app.config
    if config.get("KGBUILD_BACKEND") or not config["KGBUILD_QUERY_PROCESSES"]:
        return InProcessRunner(current_app.extensions[EXTENSION_KEY])
    return pool_for(config["KGBUILD_DIST"], config["KGBUILD_QUERY_PROCESSES"])


def _job_message(job: QueryJob, variant: str, build: Store) -> dict[str, Any]:
    # the headers read from the environ, as werkzeug's request.headers reads them, without its objects
    environ, method = request.environ, request.method
    reading = method in ("GET", "HEAD")
    matches = request.if_none_match if reading and environ.get("HTTP_IF_NONE_MATCH") else None
    parameters = request.args if reading else request.values  # a GET's from its URL: values parses a body too
    config = current_app.config
    return {
        "text": job.text, "substitutions": dict(job.substitutions) if job.substitutions else None,
        "default_graph": job.default_graph, "named_graphs": job.named_graphs,
        "formats": _negotiated(environ.get("HTTP_ACCEPT"), parameters.get("format")),
        "variant": variant, "head_only": method == "HEAD", "prefixes": _prefixes(build),
        "if_none_match": (["*"] if matches.star_tag else sorted(matches.as_set())) if matches else [],
        "max_rows": config["KGBUILD_MAX_RESULT_ROWS"], "max_bytes": config["KGBUILD_MAX_RESULT_BYTES"],
        "html_rows": HTML_ROW_LIMIT,
    }


@lru_cache(maxsize=256)  # the same few Accept headers come again and again
def _negotiated(accept: str | None, override: str | None) -> dict[str, str | dict[str, str]]:
    """For each kind of answer, the format's name, or the error the query process reports if it is that kind.

    Negotiated here, so the query processes need no HTTP library; the query decides which kind it is.
    """
    chosen: dict[str, str | dict[str, str]] = {}
    for kind, offered in ANSWER_FORMATS.items():
        try:
            chosen[kind] = choose_format(offered, accept, override).name
        except (NotAcceptable, UnknownFormat) as error:
            chosen[kind] = {"error": type(error).__name__, "message": str(error)}
    return chosen


_prefixes_by_base: dict[str, dict[str, str]] = {}


def _prefixes(build: Store) -> dict[str, str]:
    """all_prefixes() for the build, made once per base IRI (each call looks at dist/ again)."""
    prefixes = _prefixes_by_base.get(build.base_iri)
    if prefixes is None:
        prefixes = _prefixes_by_base[build.base_iri] = all_prefixes()
    return prefixes


def _as_error(failure: QueryFailed) -> Exception:
    """The exception the endpoint's callers and error handlers expect for a failure in a query process."""
    if failure.kind == "syntax":
        return SyntaxError(failure.message)
    if failure.kind == "NotAcceptable":
        return NotAcceptable(failure.message)
    if failure.kind == "UnknownFormat":
        return ProtocolError(400, failure.message)
    if failure.kind == "too_large":
        return ProtocolError(400, failure.message)
    if failure.kind == "no_build":
        return StoreError(failure.message)
    if failure.kind == "crashed":
        return ProtocolError(503, failure.message)
    return RuntimeError(failure.message)


def _cells(table: dict) -> dict:
    """The query process's table of RDF terms, as cells for the results page."""
    rows = [[cell(term) for term in row] for row in table["rows"]]
    return {**table, "rows": rows}


def respond_with_triples(make_triples: Callable[[], Iterable[ox.Triple]], chosen: Format, tag: str,
                         vary: tuple[str, ...] = NEGOTIATED) -> Response:
    """Send triples in an RDF format (the caller negotiated it and handled If-None-Match).

    make_triples runs on the streaming thread: a query's triples must be made where they are read.
    """
    if request.method == "HEAD":
        response = Response(content_type=chosen.content_type)
    else:
        prefixes = all_prefixes()
        # pyoxigraph writes to any object with write(); its stubs ask for IO[bytes]
        body = SerialisedStream(lambda out: ox.serialize(make_triples(), out, chosen.rdf, prefixes=prefixes))  # type: ignore[arg-type]
        response = Response(body, content_type=chosen.content_type)
    return mark(response, tag, vary)


def render_results_page(template: str, **context) -> Callable[[dict], str]:
    """A page(table) function for respond_with_query that renders template with the table."""
    return lambda table: render_template(template, table=table, **context)
