"""Serve -> /dumps/ (the build's files, by name from a fixed list) and /.well-known/void (VoID, negotiated)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from ..vocab import VOID
from .dataset import current_build
from .headers import entity_tag, mark, not_modified
from .negotiation import GRAPH_FORMATS, HTML, choose_format
from .results import respond_with_triples
from .service_description import OWL_VERSION_INFO, RDF_TYPE
from .terms import cell

bp = Blueprint("dumps", __name__)

DUMP_TYPES = {
    "kg.ttl": "text/turtle", "kg.nt": "application/n-triples",
    "kg.jsonld": "application/ld+json", "kg.nq": "application/n-quads", "kg.trig": "application/trig",
    "context.jsonld": "application/ld+json", "ontology.ttl": "text/turtle",
    "void.ttl": "text/turtle", "report.json": "application/json",
}
GZIP_SUFFIX = ".gz"


def dump_type(name: str) -> str | None:
    """The media type of a dump we serve, or None: only names from the fixed list (and their .gz)."""
    if name.endswith(GZIP_SUFFIX) and name[: -len(GZIP_SUFFIX)] in DUMP_TYPES:
        return "application/gzip"
    return DUMP_TYPES.get(name)


@bp.route("/dumps/")
def dump_index() -> Response:
    """The dumps this build has, with sizes."""
    build = current_build()
    tag = entity_tag("dumps")
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    files = []
    for name in sorted(DUMP_TYPES):
        for candidate in (name, name + GZIP_SUFFIX):
            path = build.path / candidate
            if path.is_file():
                files.append({"name": candidate, "size": path.stat().st_size, "type": dump_type(candidate)})
    page = render_template("dumps.html", files=files, report=build.report)
    return mark(Response(page, content_type=HTML.content_type), tag)


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump file; a name not on the list is a 404 (so no path reaches outside the build)."""
    media_type = dump_type(name)
    build = current_build()
    if media_type is None or not (build.path / name).is_file():
        abort(404, description=f"no dump called {name!r}; the dumps are listed at /dumps/")
    tag = entity_tag(f"dump.{name}")
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    response = send_file(build.path / name, mimetype=media_type, conditional=False, etag=False)
    return mark(response, tag)


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description: the builder's counts, plus this server's endpoint, dumps and build id."""
    chosen = choose_format((*GRAPH_FORMATS, HTML), request.headers.get("Accept"), request.args.get("format"))
    tag = entity_tag(f"void.{chosen.extension}")
    unchanged = not_modified(tag, ("Accept",))
    if unchanged is not None:
        return unchanged
    triples = void_triples()
    if chosen is HTML:
        rows = [[cell(t.subject), cell(t.predicate), cell(t.object)] for t in triples]
        page = render_template("triples.html", title="VoID description", rows=rows, formats=GRAPH_FORMATS)
        return mark(Response(page, content_type=HTML.content_type), tag, ("Accept",))
    return respond_with_triples(lambda: triples, chosen, tag)


def void_triples() -> list[ox.Triple]:
    """void.ttl with the base IRI mapped onto this server, an endpoint and dumps where missing."""
    build = current_build()
    root = url_for("pages.landing", _external=True)
    path = build.path / "void.ttl"
    parsed = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) if path.is_file() else []
    triples = [ox.Triple(_local(q.subject, build.base_iri, root), q.predicate, _local(q.object, build.base_iri, root))
               for q in parsed]
    datasets = [t.subject for t in triples if t.predicate == RDF_TYPE and t.object == ox.NamedNode(f"{VOID}Dataset")]
    if not datasets:
        dataset = ox.NamedNode(url_for("dumps.void", _external=True))
        triples.append(ox.Triple(dataset, RDF_TYPE, ox.NamedNode(f"{VOID}Dataset")))
        datasets = [dataset]
    endpoint = ox.NamedNode(url_for("sparql.endpoint", _external=True))
    for dataset in datasets:
        present = {t.predicate for t in triples if t.subject == dataset}
        if ox.NamedNode(f"{VOID}sparqlEndpoint") not in present:
            triples.append(ox.Triple(dataset, ox.NamedNode(f"{VOID}sparqlEndpoint"), endpoint))
        if ox.NamedNode(f"{VOID}dataDump") not in present:
            for name in ("kg.ttl", "kg.nt", "kg.jsonld"):
                if (build.path / name).is_file():
                    dump_iri = ox.NamedNode(url_for("dumps.dump", name=name, _external=True))
                    triples.append(ox.Triple(dataset, ox.NamedNode(f"{VOID}dataDump"), dump_iri))
        triples.append(ox.Triple(dataset, OWL_VERSION_INFO, ox.Literal(build.build_id)))
    return list(dict.fromkeys(triples))


def _local(term, base: str, root: str):
    """The builder writes {base}sparql and {base}dumps/...: those live on this server."""
    if isinstance(term, ox.NamedNode):
        for served in ("sparql", "dumps/", ".well-known/void"):
            if term.value.startswith(base + served):
                return ox.NamedNode(root + term.value[len(base):])
    return term
