"""Serve -> /id/{kind}/{slug}: every resource by content negotiation or suffix (.ttl .jsonld .nt .rdf .html)."""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request, url_for

from ..iris import RDFS_LABEL, WIKIDATA_PAGE, resource_space
from ..queryrun.formats import GRAPH_FORMATS, HTML
from ..vocab import KG, KINDS
from .dataset import build_cache, current_build
from .protocol.headers import entity_tag, mark, not_modified
from .protocol.negotiation import choose_format, format_by_extension
from .render.describe import Description, describe, statements_of
from .render.pagecache import Rendered, RenderedPages
from .render.pictures import organisation_pictures
from .render.terms import Cell, all_prefixes, cell, pick_label, requested_language
from .render.timenames import names_then

bp = Blueprint("linkeddata", __name__)

DOCUMENT_FORMATS = (*GRAPH_FORMATS, HTML)
ORGANISATION = ox.NamedNode(str(KG.Organisation))


def split_suffix(name: str) -> tuple[str, object]:
    """('cica', Turtle) for 'cica.ttl'; (name, None) when name has no suffix we serve."""
    stem, dot, extension = name.rpartition(".")
    chosen = format_by_extension(DOCUMENT_FORMATS, extension) if dot else None
    return (stem, chosen) if chosen else (name, None)


@bp.route("/id/<kind>/<name>")
def resource(kind: str, name: str) -> Response:
    """One resource: HTML for browsers, RDF for everyone else.

    Rendered once per build, language and format, then served from memory (render/pagecache.py) until the next build.

    :raise 404: an unknown kind or IRI, with a page saying what exists.
    :raise 406: Accept rules out every format (the body lists them).
    """
    if kind not in KINDS:
        abort(404, description=_unknown_message(kind, name))
    slug, by_suffix = split_suffix(name)
    build = current_build()
    language = requested_language()
    vary = ("Accept-Language",) if by_suffix else ("Accept", "Accept-Language")
    # everything the document depends on; Accept as sent, so an unknown resource is still a 404 before any 406
    key = (request.root_url, kind, name, None if by_suffix else request.headers.get("Accept"),
           request.args.get("format"), language)
    pages = _rendered_pages(build)
    rendered = pages.get(key)
    if rendered is None:
        rendered = _render(build, kind, slug, by_suffix, language)
        pages.put(key, rendered)
    unchanged = not_modified(rendered.tag, vary)
    if unchanged is not None:
        return unchanged
    response = mark(Response(rendered.body, content_type=rendered.content_type), rendered.tag, vary)
    response.headers["Content-Language"] = rendered.language
    response.headers["Link"] = rendered.link
    return response


def _rendered_pages(build) -> RenderedPages:
    cache = build_cache(build, "rendered_pages")
    pages = cache.get("pages")
    if pages is None:
        pages = cache.setdefault("pages", RenderedPages())
    return pages


def _render(build, kind: str, slug: str, by_suffix, language: str) -> Rendered:
    """The resource's document in the negotiated format (the request's URL and Accept), with its headers.

    :raise 404: no such resource. :raise 406: no acceptable format.
    """
    iri = f"{resource_space(build.base_iri)}{kind}/{slug}"
    outgoing = statements_of(build, iri)
    if not outgoing:
        abort(404, description=_unknown_message(kind, slug))
    chosen = by_suffix or choose_format(DOCUMENT_FORMATS, request.headers.get("Accept"), request.args.get("format"))
    tag = entity_tag(f"{chosen.extension}.{language}")
    description = describe(build, iri, outgoing)
    if chosen is HTML:
        body = _page(description, kind, slug, language).encode("utf-8")
    else:  # a page is small and bounded: serialised at once, without the streaming thread of /sparql
        body = cast(bytes, ox.serialize(description.triples(language), format=chosen.rdf, prefixes=all_prefixes()))
    links = [f'<{iri}>; rel="canonical"']
    if description.incoming_total > len(description.incoming):  # RDF has no place to say "and more": a header does
        links.append(f'<{url_for("sparql.endpoint", query=description.incoming_query)}>; rel="related"; '
                     f'title="all {description.incoming_total} statements pointing at this resource"')
    return Rendered(body, chosen.content_type, tag, language, ", ".join(links))


def _unknown_message(kind: str, slug: str) -> str:
    if kind not in KINDS:
        return f"there is no kind of resource called {kind!r}; the kinds are: {', '.join(KINDS)}"
    return f"there is no {kind} called {slug!r} in this build; see the list of {kind}s below"


def _page(description: Description, kind: str, slug: str, language: str) -> str:
    base = current_build().base_iri

    def shown(term: object, labels: tuple[ox.Literal, ...] = ()) -> Cell:
        return cell(term, pick_label(labels, language), base)

    groups: dict[ox.NamedNode, dict] = {}
    for statement in description.outgoing:
        group = groups.get(statement.predicate)
        if group is None:
            group = groups[statement.predicate] = {"property": shown(statement.predicate, statement.predicate_labels),
                                                   "values": []}
        group["values"].append(shown(statement.other, statement.other_labels))
    incoming_predicates = {s.predicate: s.predicate_labels for s in description.incoming}  # few, in many rows
    properties = {p: shown(p, labels) for p, labels in incoming_predicates.items()}
    referrers = [(shown(s.other, s.other_labels), properties[s.predicate]) for s in description.incoming]
    types = [shown(s.other, s.other_labels) for s in description.types]
    sources = [{key: shown(value) for key, value in source.items()} for source in description.sources]
    pictures = None
    if any(s.other == ORGANISATION for s in description.types):
        pictures = organisation_pictures(description.iri.value, language)
    labelled = {s.other: s.other_labels for s in description.outgoing}
    then = [{"other": shown(n.other, labelled.get(n.other, ())), "name": n.name.value, "day": n.day}
            for n in names_then(current_build(), description.iri, language)]
    more = None
    if description.incoming_total > len(description.incoming):
        more = url_for("sparql.endpoint", query=description.incoming_query)
    return render_template(
        "resource.html", iri=description.iri.value, kind=kind, slug=slug, language=language,
        title=pick_label(description.labels, language) or slug,
        labels=sorted((label.language or "", label.value) for label in description.labels),
        types=types, groups=list(groups.values()), referrers=referrers, referrers_total=description.incoming_total,
        all_referrers=more, sources=sources, pictures=pictures, formats=GRAPH_FORMATS, then=then,
        wikidata=[(qid, WIKIDATA_PAGE + qid) for qid in description.wikidata],  # a plain link: pages fetch nothing
    )


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
    prefix = f"{resource_space(build.base_iri)}{kind}/"
    rows = build.query(
        f"SELECT DISTINCT ?s ?label ?prefix WHERE {{ ?s <{RDFS_LABEL}> ?label "
        "FILTER STRSTARTS(STR(?s), ?prefix) }",
        substitutions={ox.Variable("prefix"): ox.Literal(prefix)},
    )
    labels: dict[object, list] = {}
    for row in rows:
        labels.setdefault(row["s"], []).append(row["label"])
    items = sorted((cell(s, pick_label(ls, language)) for s, ls in labels.items()), key=lambda c: c.text.lower())
    page = render_template("kind_index.html", kind=kind, items=items)
    return mark(Response(page, content_type=HTML.content_type), tag, ("Accept-Language",))
