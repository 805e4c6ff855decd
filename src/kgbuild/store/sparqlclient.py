"""Read side: a SPARQL Protocol client whose answers are pyoxigraph objects, as the embedded store's are.

Queries go out as a form POST asking for SPARQL JSON results (or N-Triples for CONSTRUCT and
DESCRIBE) and come back as QuerySolutions, QueryBoolean or QueryTriples, so callers cannot tell
a remote store from dist/store. Parameters are bound with a VALUES block written by Oxigraph.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, cast

import pyoxigraph as ox
import requests

from .interface import StoreError

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
CONNECT_TIMEOUT = 5.0
# An empty store parses every query first: the same syntax errors (line, column) as the embedded
# store, and the remote store only ever sees queries Oxigraph accepts.
_PARSER = ox.Store()
# web/protocol/results.py may run a query twice (once to learn its kind, once on the streaming thread):
# keep the last answers for a moment, so the second run costs no second trip to the store.
RECENT_ANSWERS = 32
RECENT_SECONDS = 2.0


def bind_values(text: str, substitutions: Mapping[ox.Variable, Any]) -> str:
    """The query with its parameters bound by a VALUES block at the top of its WHERE clause.

    Remote stores know nothing of Oxigraph's substitutions; a VALUES block opening the WHERE
    group binds the variables before its filters run, as substitutions do. The values are RDF
    terms written by Oxigraph (N-Triples syntax, escaped), never the user's text.

    >>> bind_values('SELECT ?n WHERE { ?s ?p ?n }', {ox.Variable('s'): ox.NamedNode('http://a')})
    'SELECT ?n WHERE { VALUES (?s) { (<http://a>) } ?s ?p ?n }'
    """
    if not substitutions:
        return text
    names = " ".join(str(variable) for variable in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    block = f"VALUES ({names}) {{ ({values}) }}"
    brace = _where_brace(text)
    if brace is None:  # CONSTRUCT WHERE { } or DESCRIBE <iri>: the trailing VALUES clause does it
        return f"{text}\n{block}"
    return f"{text[:brace + 1]} {block}{text[brace + 1:]}"


_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_FORM = re.compile(r"\b(select|construct|describe|ask)\b", re.IGNORECASE)


def _masked(text: str) -> str:
    """text with comments, strings and IRIs blanked out (same length), so braces and words are code."""
    out = list(text)
    i = 0
    while i < len(text):
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
        elif text.startswith(('"""', "'''"), i):
            end = text.find(text[i:i + 3], i + 3)
            end = len(text) if end < 0 else end + 3
        elif char in "\"'":
            end = i + 1
            while end < len(text) and text[end] != char:
                end += 2 if text[end] == "\\" else 1
            end += 1
        elif char == "<" and (iri := _IRI.match(text, i)):
            end = iri.end()
        else:
            i += 1
            continue
        out[i:end] = " " * (min(end, len(text)) - i)
        i = end
    return "".join(out)


def _where_brace(text: str) -> int | None:
    """Where the WHERE group opens; None for the forms whose WHERE is also a template, or has none."""
    code = _masked(text)
    form = _FORM.search(code)
    if form is None:
        return None
    start = form.end()
    if form.group(1).lower() == "construct":
        if not code[start:].lstrip().startswith("{"):
            return None  # CONSTRUCT WHERE { ... }: the group is the template too
        depth, opening = 0, code.index("{", start)
        for position in range(opening, len(code)):
            depth += {"{": 1, "}": -1}.get(code[position], 0)
            if depth == 0:
                break
        start = position + 1
    brace = code.find("{", start)
    return None if brace < 0 else brace


class SparqlClient:
    """One SPARQL query endpoint: kept-alive connections per thread, answers as pyoxigraph objects."""

    def __init__(self, endpoint: str, timeout: float = 60.0, auth: Any = None) -> None:
        self.endpoint, self.timeout, self.auth = endpoint, timeout, auth
        self._sessions = threading.local()
        self._recent: OrderedDict = OrderedDict()
        self._recent_lock = threading.Lock()

    def query(self, text: str, substitutions: Mapping[ox.Variable, Any] | None = None,
              default_graph: list[str] | None = None, named_graphs: list[str] | None = None) -> Any:
        """Run a query; default_graph / named_graphs become default-graph-uri / named-graph-uri.

        :raises SyntaxError: the query is malformed (Oxigraph's message, with line and column).
        :raises StoreError: the store is unreachable, too slow, or refuses the query.
        """
        text = bind_values(text, substitutions or {})
        kind = _PARSER.query(text)  # raises SyntaxError; its type says which answer format to ask for
        wants_triples = isinstance(kind, ox.QueryTriples)
        key = (text, tuple(default_graph or ()), tuple(named_graphs or ()))
        with self._recent_lock:
            asked_at, answer = self._recent.pop(key, (0.0, None))
        if answer is None or time.monotonic() - asked_at > RECENT_SECONDS:
            answer = self._ask(text, default_graph, named_graphs, N_TRIPLES if wants_triples else RESULTS_JSON)
            with self._recent_lock:
                self._recent[key] = (time.monotonic(), answer)
                while len(self._recent) > RECENT_ANSWERS:
                    self._recent.popitem(last=False)
        result = _parse_answer(answer, wants_triples)
        if isinstance(kind, ox.QueryBoolean) and isinstance(result, ox.QuerySolutions):
            return _boolean(any(True for _ in result))  # Virtuoso 7 answers ASK as one row, or none
        return result

    def _session(self) -> requests.Session:
        """One HTTP session (a pool of kept-alive connections) per thread, never shared across a fork."""
        local = self._sessions
        if getattr(local, "pid", None) != os.getpid():
            local.session, local.pid = requests.Session(), os.getpid()
            local.session.auth = self.auth
        return local.session

    def _ask(self, text: str, default_graph, named_graphs, accept: str) -> tuple[str, bytes]:
        form = [("query", text), *(("default-graph-uri", g) for g in default_graph or []),
                *(("named-graph-uri", g) for g in named_graphs or [])]
        try:
            response = self._session().post(self.endpoint, data=form, headers={"Accept": accept},
                                            timeout=(CONNECT_TIMEOUT, self.timeout))
        except requests.Timeout:
            raise StoreError(f"the SPARQL store at {self.endpoint} did not answer within {self.timeout:g} s") from None
        except requests.RequestException as error:
            raise StoreError(f"the SPARQL store at {self.endpoint} is unreachable ({_reason(error)})") from None
        if response.status_code == 400:
            raise SyntaxError(f"the store at {self.endpoint} refused the query: {_message(response)}")
        if not response.ok:
            raise StoreError(f"the SPARQL store at {self.endpoint} answered {response.status_code}: "
                             f"{_message(response)}")
        return response.headers.get("Content-Type", accept).split(";")[0].strip().lower(), response.content


def _reason(error: Exception) -> str:
    """The root of a connection failure ('[Errno 111] Connection refused'), not urllib3's whole story."""
    root = re.search(r"\[Errno -?\d+\] [^'\")]+", str(error))
    return root.group(0) if root else (str(error)[:300] or type(error).__name__)


def _message(response: requests.Response) -> str:
    """The store's own words, without its HTML, shortened."""
    text = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(text.split())[:500] or str(response.reason)


def _parse_answer(answer: tuple[str, bytes], wants_triples: bool) -> Any:
    media_type, body = answer
    if not wants_triples:
        results_format = ox.QueryResultsFormat.from_media_type(media_type) or ox.QueryResultsFormat.JSON
        if results_format == ox.QueryResultsFormat.JSON and b'"bnode"' in body:
            body = _valid_blank_nodes(body)
        return ox.parse_query_results(body, results_format)
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None or media_type == "text/plain":  # Virtuoso labels N-Triples text/plain
        rdf_format = ox.RdfFormat.N_TRIPLES
    # QueryTriples is what views test for; a CONSTRUCT on a small in-memory store makes one
    graph = ox.Store()
    graph.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf_format))
    return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _boolean(value: bool) -> ox.QueryBoolean:
    answer = ox.parse_query_results(f'{{"head":{{}},"boolean":{str(value).lower()}}}', ox.QueryResultsFormat.JSON)
    return cast(ox.QueryBoolean, answer)


def _valid_blank_nodes(body: bytes) -> bytes:
    """JSON results whose blank node ids Oxigraph accepts: Virtuoso writes 'nodeID://b10000'.

    Each id maps to its hex spelling, so distinct nodes stay distinct within the answer.
    """
    results = json.loads(body)
    for row in results.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode" and not re.fullmatch(r"[A-Za-z0-9_]+", term["value"]):
                term["value"] = "x" + term["value"].encode("utf-8").hex()
    return json.dumps(results).encode("utf-8")
