"""Serve -> /search: the names of every resource (search.sqlite of the served build), as a page or JSON."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, render_template, request

from ..iris import KG
from ..search import INDEX_FILE, Hit, LabelIndex, SearchIndexError, class_iri
from .dataset import build_cache, current_build, local_href
from .errors import error_response
from .protocol.parameters import whole_number
from .render.terms import LANGUAGES

LOG = logging.getLogger("kgbuild.search")

bp = Blueprint("search", __name__)

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
FORMATS = ("html", "json")
NAME_KIND_WORDS = {"official": "official name", "former": "former name", "acronym": "acronym", "short": "short name",
                   "variant": "also written", "code": "ISO code", "label": "name"}


class BadSearch(Exception):
    """A parameter of /search the server cannot use; the message names it and what it takes."""


def current_index() -> LabelIndex:
    """The search index of the build being served, opened once per build and worker.

    It lives in the build's folder, so it switches with the build (never a half-written one).
    :raises SearchIndexError: the build has none (an old build, or a remote store without a local copy).
    """
    build = current_build()
    cache = build_cache(build, "search")
    if "index" not in cache:
        cache["index"] = LabelIndex(build.path / INDEX_FILE)
    return cache["index"]


@bp.route("/search")
def search() -> Response:
    """Resources by any of their names: q, type (Country or a class IRI), lang (en, id), limit (1-100)."""
    try:
        wants_json = _wants_json()
        index = current_index()
        q = request.args.get("q", "").strip()
        types, lang, limit = _types(index), _language(), _limit()
    except BadSearch as error:
        return error_response(400, str(error), {"Vary": "Accept"})
    except SearchIndexError as error:
        LOG.error("search without a label index: %s", error)  # the message names local paths: the log only
        return error_response(503, "search is not available for this build: it has no search index; the "
                                   "operator should rebuild with `kgbuild build`", {"Vary": "Accept"})
    hits = index.search(q, types=types, lang=lang, limit=limit) if q else []
    if wants_json:
        response = jsonify([_as_json(hit) for hit in hits])
    else:
        response = Response(render_template(
            "search.html", q=q, hits=[_as_row(hit) for hit in hits], lang=lang or "",
            type=request.args.get("type", ""), classes=_class_names(index), language=lang or "en",
        ), content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


def _wants_json() -> bool:
    chosen = request.args.get("format")
    if chosen is not None:
        if chosen not in FORMATS:
            raise BadSearch(f"format={chosen!r} is not offered; use one of: {', '.join(FORMATS)}")
        return chosen == "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json"


def _types(index: LabelIndex) -> list[str] | None:
    asked = request.args.get("type", "").strip()
    if not asked:
        return None
    known = index.classes()
    wanted = class_iri(asked)
    if wanted not in known:
        names = ", ".join(_local(iri) for iri in known if iri.startswith(KG))
        raise BadSearch(f"type={asked!r} is not a class of any resource; use a class IRI or one of: {names}")
    return [wanted]


def _language() -> str | None:
    asked = request.args.get("lang", "").strip().lower()
    if asked and asked not in LANGUAGES:
        raise BadSearch(f"lang={asked!r} is not a language of the names; use one of: {', '.join(LANGUAGES)}")
    return asked or None


def _limit() -> int:
    asked = request.args.get("limit", "").strip()
    if not asked:
        return DEFAULT_LIMIT
    number = whole_number(asked)
    if number is None or not 1 <= number <= MAX_LIMIT:
        raise BadSearch(
            f"limit={asked[:20]!r} is not a whole number from 1 to {MAX_LIMIT}; leave it out for {DEFAULT_LIMIT}")
    return number


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _class_names(index: LabelIndex) -> list[str]:
    return [_local(iri) for iri in index.classes() if iri.startswith(KG)]


def _as_json(hit: Hit) -> dict:
    """The contract: id, label, type, score; besides them, the name matched, how, and the local page."""
    return {"id": hit.iri, "label": hit.label, "type": hit.type, "score": hit.score,
            "name": hit.name, "match": hit.match, "page": local_href(hit.iri)}


def _as_row(hit: Hit) -> dict:
    matched = None
    if hit.name != hit.label:
        matched = f"matched {NAME_KIND_WORDS.get(hit.name_kind, 'name')} {hit.name}"
    return {"href": local_href(hit.iri), "label": hit.label, "type": _local(hit.type), "matched": matched,
            "match": hit.match}
