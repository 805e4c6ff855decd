"""Serve -> /reconcile: the W3C Entity Reconciliation API 0.2 (what OpenRefine speaks): the manifest,
query batches, suggest (entity, type, property), preview and data extension. docs/reconciliation.md."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, abort, current_app, jsonify, request

from ..search import SearchIndexError
from ..store import Store
from .dataset import current_build
from .errors import error_response
from .guards.limits import ClientLimits, client_table
from .protocol.operation import ProtocolError
from .protocol.parameters import whole_number
from .protocol.results import refuse_a_client_over_its_limits
from .reconciliation.batch import MAX_NAME, read_batch
from .reconciliation.extension import extend, propose
from .reconciliation.ids import entity_iri
from .reconciliation.manifest import manifest
from .reconciliation.matching import reconcile
from .reconciliation.preview import preview_card
from .reconciliation.suggest import PAGE, suggest_entities, suggest_properties, suggest_types
from .reconciliation.types import known_type_id
from .render.terms import requested_language

LOG = logging.getLogger("kgbuild.reconcile")

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

MOST_SUGGESTIONS = 100  # a suggest page at most, whatever limit= asks
# the card is made to be shown in another application's iframe (OpenRefine's), and needs no more than its own styles
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors *")


@bp.route("", methods=["GET", "POST"])
def service() -> Response:
    """The manifest (no parameters), the results of a query batch (queries=) or a data extension (extend=).

    :raise 400: a malformed batch or extension query, an unknown type or property (the message says which).
    :raise 413: a batch over the manifest's batchSize. :raise 429: the client is over its limits.
    """
    build = current_build()
    if "queries" in request.values:
        text = request.values["queries"]
        with _admitted():
            queries = read_batch(text)
            return jsonify({query.key: {"result": reconcile(build, query)} for query in queries})
    if "extend" in request.values:
        with _admitted():
            return jsonify(extend(build, request.values["extend"]))
    if request.method == "POST":
        raise ProtocolError(400, "a POST to /reconcile needs queries= (a batch of queries) or extend= "
                                 "(a data extension query); GET /reconcile gives the manifest")
    return jsonify(manifest(build))


@bp.route("/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose names begin with ?prefix=; ?type= (a type id) keeps those of that type."""
    wanted = request.args.get("type", "").strip()
    types = (known_type_id(current_build(), wanted),) if wanted else ()
    return _suggest(lambda build, prefix, cursor, limit: suggest_entities(build, prefix, cursor, limit, types))


@bp.route("/suggest/type")
def suggest_type() -> Response:
    return _suggest(suggest_types)


@bp.route("/suggest/property")
def suggest_property() -> Response:
    return _suggest(suggest_properties)


@bp.route("/extend/propose")
def propose_properties() -> Response:
    """The properties data extension offers for ?type= (every property without one); ?limit= caps them."""
    return jsonify(propose(current_build(), request.args.get("type"), _count("limit")))


@bp.route("/preview")
def preview() -> Response:
    """A small HTML card about the entity ?id= names, for a client's iframe.

    :raise 400: no id. :raise 404: an id that names nothing here.
    """
    identifier = request.args.get("id", "").strip()
    if not identifier:
        raise ProtocolError(400, "preview needs ?id= naming an entity, such as ?id=country/kz")
    build = current_build()
    iri = entity_iri(identifier, build.base_iri)
    card = preview_card(build, iri, requested_language()) if iri else None
    if card is None:
        abort(404, description=f"no entity {identifier!r} here; ids look like country/kz "
                               "(see /reconcile/suggest/entity)")
    response = Response(card, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.vary.add("Accept-Language")
    return response


@bp.errorhandler(SearchIndexError)
def no_index(error: SearchIndexError) -> Response:
    LOG.error("reconciliation without a label index: %s", error)  # the message names local paths: the log only
    return error_response(503, "this build has no label index, which reconciliation needs; the operator "
                               "should rebuild with `kgbuild build`", {"Retry-After": "30"})


def _suggest(answer: Callable[[Store, str, int, int], dict]) -> Response:
    refuse_a_client_over_its_limits()
    prefix = request.args.get("prefix", "")
    if len(prefix) > MAX_NAME:
        raise ProtocolError(400, f"prefix= has {len(prefix):,} characters; a name has at most {MAX_NAME}")
    cursor = _count("cursor") or 0
    return jsonify(answer(current_build(), prefix, cursor, min(_count("limit") or PAGE, MOST_SUGGESTIONS)))


def _count(name: str) -> int | None:
    """A whole-number parameter, None when it is absent. :raise ProtocolError: 400 for anything else."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    number = whole_number(text)
    if number is None:
        raise ProtocolError(400, f"{name}= must be a whole number below a billion, not {text[:20]!r}")
    return number


@contextmanager
def _admitted() -> Iterator[None]:
    """Count the request in as a query of its client (the limits /sparql keeps), charged when it ends."""
    config = current_app.config
    limits = ClientLimits(config["KGBUILD_CLIENT_CONCURRENCY"], config["KGBUILD_CLIENT_QUERY_SECONDS"])
    admission = client_table().admit(request.remote_addr or "unknown", limits)
    try:
        yield
    finally:
        admission.finish()
