"""Serve -> /id/{kind}/{slug}: every resource by content negotiation or suffix (.ttl .jsonld .nt .rdf .html)."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request

from ..vocab import KG, KINDS
from .dataset import current_build
from .describe import describe, resource_exists
from .headers import entity_tag, mark, not_modified
from .negotiation import GRAPH_FORMATS, HTML, choose_format, format_by_extension
from .pictures import organisation_pictures
from .results import respond_with_triples
from .terms import cell, pick_label, requested_language

bp = Blueprint("linkeddata", __name__)

DOCUMENT_FORMATS = (*GRAPH_FORMATS, HTML)


def split_suffix(name: str) -> tuple[str, object]:
    """('cica', Turtle) for 'cica.ttl'; (name, None) when name has no suffix we serve."""
    stem, dot, extension = name.rpartition(".")
    chosen = format_by_extension(DOCUMENT_FORMATS, extension) if dot else None
    return (stem, chosen) if chosen else (name, None)


@bp.route("/id/<kind>/<name>")
def resource(kind: str, name: str) -> Response:
    """One resource: HTML for browsers, RDF for everyone else.

    :raise 404: an unknown kind or IRI, with a page saying what exists.
    :raise 406: Accept rules out every format (the body lists them).
    """
    slug, by_suffix = split_suffix(name)
    build = current_build()
    iri = f"{build.base_iri}id/{kind}/{slug}"
    if kind not in KINDS or not resource_exists(build, iri):
        abort(404, description=_unknown_message(kind, slug))
    vary = ("Accept-Language",) if by_suffix else ("Accept", "Accept-Language")
    chosen = by_suffix or choose_format(DOCUMENT_FORMATS, request.headers.get("Accept"), request.args.get("format"))
    language = requested_language()
    tag = entity_tag(f"{chosen.extension}.{language}")
    unchanged = not_modified(tag, vary)
    if unchanged is not None:
        return unchanged
    description = describe(build, iri)
    if chosen is HTML:
        response = Response(_page(description, kind, slug, language), content_type=HTML.content_type)
        mark(response, tag, vary)
    else:
        triples = description.triples(language)
        response = respond_with_triples(lambda: triples, chosen, tag, vary)
    response.headers["Content-Language"] = language
    response.headers["Link"] = f'<{iri}>; rel="canonical"'
    return response


def _unknown_message(kind: str, slug: str) -> str:
    if kind not in KINDS:
        return f"there is no kind of resource called {kind!r}; the kinds are: {', '.join(KINDS)}"
    return f"there is no {kind} called {slug!r} in this build; see the list of {kind}s below"


def _page(description, kind: str, slug: str, language: str) -> str:
    build = current_build()
    groups: dict[str, dict] = {}
    for statement in description.outgoing:
        name = pick_label(statement.predicate_labels, language)
        group = groups.setdefault(statement.predicate.value, {"property": cell(statement.predicate, name), "values": []})
        group["values"].append(cell(statement.other, pick_label(statement.other_labels, language)))
    referrers = [{"subject": cell(s.other, pick_label(s.other_labels, language)),
                  "property": cell(s.predicate, pick_label(s.predicate_labels, language))}
                 for s in description.incoming]
    types = [cell(s.other, pick_label(s.other_labels, language)) for s in description.types]
    sources = [{key: cell(value) for key, value in source.items()} for source in description.sources]
    is_organisation = any(s.other.value == str(KG.Organisation) for s in description.types)
    pictures = None
    if is_organisation:
        pictures = organisation_pictures(build, description.iri.value, language, _build_day(build.report))
    return render_template(
        "resource.html", iri=description.iri.value, kind=kind, slug=slug, language=language,
        title=pick_label(description.labels, language) or slug,
        labels=sorted(((label.language or "", label.value) for label in description.labels)),
        types=types, groups=list(groups.values()), referrers=referrers, sources=sources, pictures=pictures,
        formats=GRAPH_FORMATS,
    )


def _build_day(report: dict) -> dt.date:
    """The build's date: open periods (a chair still in office) run to it, so pictures are stable."""
    try:
        return dt.datetime.fromisoformat(str(report.get("built_at"))).date()
    except ValueError:
        return dt.date.today()


@bp.route("/id/<kind>/")
@bp.route("/id/<kind>")
def kind_index(kind: str) -> Response:
    """The resources of one kind, as links (what the 404 page points to)."""
    if kind not in KINDS:
        abort(404, description=_unknown_message(kind, ""))
    build = current_build()
    language = requested_language()
    tag = entity_tag(f"index.{kind}.{language}")
    unchanged = not_modified(tag, ("Accept-Language",))
    if unchanged is not None:
        return unchanged
    prefix = f"{build.base_iri}id/{kind}/"
    rows = build.query(
        "SELECT DISTINCT ?s ?label ?prefix WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        "FILTER STRSTARTS(STR(?s), ?prefix) }",
        substitutions={ox.Variable("prefix"): ox.Literal(prefix)},
    )
    labels: dict[object, list] = {}
    for row in rows:
        labels.setdefault(row["s"], []).append(row["label"])
    items = sorted((cell(s, pick_label(ls, language)) for s, ls in labels.items()), key=lambda c: c.text.lower())
    page = render_template("kind_index.html", kind=kind, items=items)
    return mark(Response(page, content_type=HTML.content_type), tag, ("Accept-Language",))
