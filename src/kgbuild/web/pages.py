"""Serve -> / (what the dataset holds) and /ontology (every RDF format; HTML documentation for browsers)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request

from ..iris import (
    ONTOLOGY,
    OWL_ANNOTATION_PROPERTY,
    OWL_CLASS,
    OWL_DATATYPE_PROPERTY,
    OWL_EQUIVALENT_CLASS,
    OWL_INVERSE_OF,
    OWL_NAMED_INDIVIDUAL,
    OWL_OBJECT_PROPERTY,
    RDF_PROPERTY,
    RDF_TYPE,
    RDFS_CLASS,
    RDFS_COMMENT,
    RDFS_DOMAIN,
    RDFS_LABEL,
    RDFS_RANGE,
    RDFS_SUB_CLASS_OF,
    RDFS_SUB_PROPERTY_OF,
    SKOS_DEFINITION,
    SKOS_PREF_LABEL,
)
from ..queryrun.formats import GRAPH_FORMATS, HTML
from ..storedqueries import stored_queries
from ..vocab import KG
from .dataset import current_build
from .protocol.headers import entity_tag, mark, not_modified
from .protocol.negotiation import choose_format, format_by_extension
from .protocol.results import respond_with_triples
from .render.terms import LANGUAGES, cell, pick_label, requested_language

bp = Blueprint("pages", __name__)

TERM_KINDS = {
    OWL_CLASS: "classes", RDFS_CLASS: "classes", OWL_OBJECT_PROPERTY: "properties",
    OWL_DATATYPE_PROPERTY: "properties", OWL_ANNOTATION_PROPERTY: "properties",
    RDF_PROPERTY: "properties", OWL_NAMED_INDIVIDUAL: "individuals",
}
DETAILS = {RDFS_SUB_CLASS_OF: "super-classes", RDFS_SUB_PROPERTY_OF: "super-properties",
           RDFS_DOMAIN: "domain", RDFS_RANGE: "range", OWL_EQUIVALENT_CLASS: "equivalent classes",
           OWL_INVERSE_OF: "inverse of"}
TEXTS = {RDFS_LABEL: "labels", SKOS_DEFINITION: "definitions", RDFS_COMMENT: "definitions",
         SKOS_PREF_LABEL: "labels"}


@bp.route("/")
def landing() -> Response:
    """What the dataset holds (counts per class from report.json) and where to go next."""
    build = current_build()
    language = requested_language()
    tag = entity_tag(f"landing.{language}")
    unchanged = not_modified(tag, ("Accept-Language",))
    if unchanged is not None:
        return unchanged
    class_labels = _labels_in_ontology(build)
    classes = sorted(
        ({"class": cell(ox.NamedNode(iri), pick_label(class_labels.get(iri, []), language)), "count": count}
         for iri, count in (build.report.get("classes") or {}).items()),
        key=lambda entry: -entry["count"],
    )
    organisations = build.query(
        f"SELECT DISTINCT ?org ?label WHERE {{ ?org a <{KG.Organisation}> "
        f"OPTIONAL {{ ?org <{RDFS_LABEL}> ?label }} }}")
    org_labels: dict[object, list] = defaultdict(list)
    for row in organisations:
        org_labels[row["org"]] += [row["label"]] if row["label"] is not None else []
    examples = sorted((cell(org, pick_label(labels, language)) for org, labels in org_labels.items()),
                      key=lambda c: c.text.lower())
    page = render_template("landing.html", report=build.report, classes=classes, organisations=examples,
                           queries=stored_queries(build.path))
    return mark(Response(page, content_type=HTML.content_type), tag, ("Accept-Language",))


def _labels_in_ontology(build) -> dict[str, list]:
    labels: dict[str, list] = defaultdict(list)
    rows = build.query(f"SELECT ?term ?label WHERE {{ GRAPH <{build.graph_iri('ontology')}> "
                       f"{{ ?term <{RDFS_LABEL}> ?label }} }}")
    for row in rows:
        labels[row["term"].value].append(row["label"])
    return labels


@bp.route("/ontology")
@bp.route("/ontology.<extension>")
def ontology(extension: str | None = None) -> Response:
    """The ontology graph in every RDF format, or its documentation in HTML."""
    offered = (*GRAPH_FORMATS, HTML)
    if extension is not None:
        chosen = format_by_extension(offered, extension)
        if chosen is None:
            abort(404, description=f"no /ontology.{extension}; try " +
                  ", ".join(f"/ontology.{f.extension}" for f in offered))
        vary: tuple[str, ...] = ("Accept-Language",)
    else:
        chosen = choose_format(offered, request.headers.get("Accept"), request.args.get("format"))
        vary = ("Accept", "Accept-Language")
    language = requested_language()
    tag = entity_tag(f"ontology.{chosen.extension}.{language}")
    unchanged = not_modified(tag, vary)
    if unchanged is not None:
        return unchanged
    build = current_build()
    graph = build.graph_iri("ontology")
    if chosen is not HTML:
        construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return respond_with_triples(lambda: build.query(construct), chosen, tag, vary)
    page = render_template("ontology.html", sections=_documentation(build, graph, language),
                           ontology_iri=ONTOLOGY, formats=GRAPH_FORMATS, languages=LANGUAGES)
    return mark(Response(page, content_type=HTML.content_type), tag, vary)


def _documentation(build, graph: str, language: str) -> dict[str, list[dict]]:
    """Every class, property and individual the ontology declares, with labels, definitions, links."""
    terms: dict[str, dict] = {}
    rows = build.query(f"SELECT ?term ?p ?o WHERE {{ GRAPH <{graph}> {{ ?term ?p ?o FILTER isIRI(?term) }} }}")
    labels = _labels_in_ontology(build)
    for row in rows:
        iri, predicate, value = row["term"].value, row["p"].value, row["o"]
        entry = terms.setdefault(iri, {"kinds": set(), "texts": defaultdict(list), "details": defaultdict(list)})
        if predicate == RDF_TYPE and value.value in TERM_KINDS:
            entry["kinds"].add(TERM_KINDS[value.value])
        elif predicate in TEXTS and isinstance(value, ox.Literal):
            entry["texts"][TEXTS[predicate]].append((value.language or "", value.value))
        elif predicate in DETAILS and isinstance(value, ox.NamedNode):
            entry["details"][DETAILS[predicate]].append(cell(value, pick_label(labels.get(value.value, []), language)))
    sections: dict[str, list[dict]] = {"classes": [], "properties": [], "individuals": []}
    for iri, entry in sorted(terms.items()):
        for kind in sorted(entry["kinds"]):
            sections[kind].append({
                "iri": iri, "anchor": iri.rpartition("#")[2] or iri.rpartition("/")[2],
                "name": cell(ox.NamedNode(iri)).text, "label": pick_label(labels.get(iri, []), language),
                "texts": {k: sorted(v) for k, v in entry["texts"].items()}, "details": dict(entry["details"]),
            })
    return sections
