"""Serve -> /dumps/ (the build's files, by name from a fixed list; the kept past builds with their changelogs)
and /.well-known/void (VoID, negotiated)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request, send_file, url_for

from ..queryrun.formats import GRAPH_FORMATS, HTML
from ..store.releases import BUILD_FOLDER, Release, builds_dir_of, list_releases
from ..vocab import VOID
from .changes import source_href
from .dataset import current_build, local_href
from .protocol.headers import entity_tag, mark, not_modified
from .protocol.negotiation import choose_format
from .protocol.results import respond_with_triples
from .protocol.service_description import OWL_VERSION_INFO, RDF_TYPE
from .render.terms import cell

bp = Blueprint("dumps", __name__)

DUMP_TYPES = {
    "kg.ttl": "text/turtle", "kg.nt": "application/n-triples",
    "kg.jsonld": "application/ld+json", "kg.nq": "application/n-quads", "kg.trig": "application/trig",
    "context.jsonld": "application/ld+json", "ontology.ttl": "text/turtle",
    "void.ttl": "text/turtle", "report.json": "application/json",
    "changes.json": "application/json", "changes.ttl": "text/turtle", "records.json": "application/json",
}
GZIP_SUFFIX = ".gz"


def dump_type(name: str) -> str | None:
    """The media type of a dump we serve, or None: only names from the fixed list (and their .gz)."""
    if name.endswith(GZIP_SUFFIX) and name[: -len(GZIP_SUFFIX)] in DUMP_TYPES:
        return "application/gzip"
    return DUMP_TYPES.get(name)


def _files_of(folder: Path) -> list[dict]:
    files = []
    for name in sorted(DUMP_TYPES):
        for candidate in (name, name + GZIP_SUFFIX):
            path = folder / candidate
            if path.is_file():
                files.append({"name": candidate, "size": path.stat().st_size, "type": dump_type(candidate)})
    return files


def kept_releases() -> list[Release]:
    """The builds kept beside the current one, newest first (just the current one outside a builds folder)."""
    builds = builds_dir_of(current_build().path)
    return list_releases(builds) if builds is not None else []


@bp.route("/dumps/")
def dump_index() -> Response:
    """The dumps this build has, with sizes, and the kept builds with their changelogs."""
    build = current_build()
    releases = kept_releases()
    kept = hashlib.sha256(" ".join(release.build_id for release in releases).encode()).hexdigest()[:8]
    tag = entity_tag(f"dumps.{kept}")  # a new or pruned build changes the page
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    page = render_template("dumps.html", files=_files_of(build.path), report=build.report, releases=releases)
    return mark(Response(page, content_type=HTML.content_type), tag)


def _release(build_id: str) -> Release:
    release = next((kept for kept in kept_releases() if kept.build_id == build_id), None) \
        if BUILD_FOLDER.match(build_id) else None
    if release is None:
        abort(404, description=f"no kept build {build_id!r}; the kept builds are listed at /dumps/")
    return release


@bp.route("/dumps/<build_id>/")
def release(build_id: str) -> Response:
    """One kept build: its dumps and its changelog against the build before it."""
    kept = _release(build_id)
    tag = f"{kept.build_id}.release"  # a kept build never changes
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    page = render_template("release.html", release=kept, files=_files_of(kept.path), href=local_href,
                           source_href=source_href, current=current_build().build_id)
    return mark(Response(page, content_type=HTML.content_type), tag)


@bp.route("/dumps/<build_id>/<name>")
def release_dump(build_id: str, name: str) -> Response:
    """One file of a kept build; names from the same fixed list as the current build's."""
    media_type = dump_type(name)
    kept = _release(build_id)
    if media_type is None or not (kept.path / name).is_file():
        abort(404, description=f"build {build_id} has no dump called {name!r}; its dumps are at /dumps/{build_id}/")
    tag = f"{kept.build_id}.dump.{name}"
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    return mark(send_file(kept.path / name, mimetype=media_type, conditional=False, etag=False), tag)


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
    # a linkset's target (Wikidata) is described too, but its endpoint, dumps and version are not ours
    targets = {t.object for t in triples if t.predicate == ox.NamedNode(f"{VOID}objectsTarget")}
    datasets = [t.subject for t in triples if t.predicate == RDF_TYPE and t.object == ox.NamedNode(f"{VOID}Dataset")
                and t.subject not in targets]
    if not datasets:
        described = ox.NamedNode(url_for("dumps.void", _external=True))
        triples.append(ox.Triple(described, RDF_TYPE, ox.NamedNode(f"{VOID}Dataset")))
        datasets = [described]
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
