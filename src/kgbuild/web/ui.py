"""Serve -> the query UI: YASGUI (installed by `make ui` or `kgbuild ui`, see uiassets.py), its config,
our autocompletion."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, send_from_directory, url_for

from ..iris import (
    DCTERMS_ISSUED,
    DCTERMS_PUBLISHER,
    DCTERMS_TITLE,
    OWL_ANNOTATION_PROPERTY,
    OWL_CLASS,
    OWL_DATATYPE_PROPERTY,
    OWL_OBJECT_PROPERTY,
    PROV_WAS_DERIVED_FROM,
    RDF_PROPERTY,
    RDF_TYPE,
    RDFS_CLASS,
    RDFS_COMMENT,
    RDFS_LABEL,
    SKOS_ALT_LABEL,
)
from ..storedqueries import stored_queries
from ..uiassets import find_yasgui
from .dataset import current_build
from .protocol.headers import entity_tag, mark, not_modified
from .render.terms import all_prefixes

bp = Blueprint("ui", __name__, url_prefix="/ui")

YASGUI_TYPES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css"}
COMMON_PROPERTIES = (RDF_TYPE, RDFS_LABEL, RDFS_COMMENT, SKOS_ALT_LABEL, PROV_WAS_DERIVED_FROM, DCTERMS_TITLE,
                     DCTERMS_PUBLISHER, DCTERMS_ISSUED)


def yasgui_dir() -> Path | None:
    configured = current_app.config.get("YASGUI_DIR")
    return Path(configured) if configured else find_yasgui()


def yasgui_available() -> bool:
    folder = yasgui_dir()
    return folder is not None and all((folder / name).is_file() for name in YASGUI_TYPES)


def examples() -> list[dict[str, str]]:
    """The stored queries as the UI preloads them: each text with its parameters' defaults in its VALUES row
    (IRIs under this build's base), so Run answers as the query's header says."""
    build = current_build()
    return [{"name": q.name, "title": q.title, "query": q.bound_text({}, build.base_iri)}
            for q in stored_queries(build.path)]


def render_query_page() -> str:
    """The /sparql page for browsers: YASGUI when installed, and always the plain form beneath."""
    return render_template(
        "sparql_ui.html", yasgui=yasgui_available(), examples=examples(),
        prefix_lines=[f"PREFIX {p}: <{iri}>" for p, iri in sorted(all_prefixes().items())],
    )


@bp.route("/yasgui/<name>")
def yasgui_asset(name: str) -> Response:
    """YASGUI's script or style sheet, served from this installation; nothing is loaded from a CDN."""
    folder = yasgui_dir()
    if name not in YASGUI_TYPES or folder is None or not yasgui_available():
        abort(404, description=f"{name} is not here; run `kgbuild ui` (or `make ui`) to install the query UI's assets")
    response = send_from_directory(folder, name, mimetype=YASGUI_TYPES[name], max_age=3600)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json(name: str, payload: object) -> Response:
    tag = entity_tag(f"ui-{name}")
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    return mark(jsonify(payload), tag)


@bp.route("/config.json")
def config() -> Response:
    """What the UI script needs: our endpoint, prefixes, examples and autocompletion lists."""
    build = current_build()
    return _json("config", {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "base_iri": build.base_iri,
        "prefixes": all_prefixes(),
        "examples": examples(),
        "classes_url": url_for("ui.classes"),
        "properties_url": url_for("ui.properties"),
        "prefixes_url": url_for("ui.prefixes"),
    })


@bp.route("/prefixes.json")
def prefixes() -> Response:
    """Our prefixes as {prefix: namespace}, the shape YASQE's prefix completer reads."""
    return _json("prefixes", all_prefixes())


def _terms(kinds: tuple[str, ...]) -> list[str]:
    """The IRIs the ontology declares to be of one of these kinds (classes, properties)."""
    build = current_build()
    rows = build.query(f"SELECT DISTINCT ?term {{ GRAPH <{build.graph_iri('ontology')}> {{ ?term a ?kind }} "
                       f"VALUES ?kind {{ {' '.join(f'<{kind}>' for kind in kinds)} }} FILTER isIRI(?term) }}")
    return sorted({row["term"].value for row in rows})


@bp.route("/classes.json")
def classes() -> Response:
    """Every class the ontology declares, for YASQE's class completer (instead of the LOV service)."""
    return _json("classes", _terms((OWL_CLASS, RDFS_CLASS)))


@bp.route("/properties.json")
def properties() -> Response:
    """Every property the ontology declares, plus the common ones we use (labels, sources)."""
    declared = _terms((OWL_OBJECT_PROPERTY, OWL_DATATYPE_PROPERTY, OWL_ANNOTATION_PROPERTY, RDF_PROPERTY))
    return _json("properties", sorted(set(declared) | set(COMMON_PROPERTIES)))
