"""Graph stage: the names of every resource of a build, written as its search index (search.sqlite)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from .. import iris
from ..search import INDEX_FILE, NameRow, write_index

# each name a resource is found by: rdfs:label and skos:prefLabel are labels; a skos:altLabel takes the
# kind its kg:Name records, else is an acronym when untagged (organisations' acronyms) or a variant
_NAMES = f"""
SELECT DISTINCT ?resource ?property ?text ?kind WHERE {{
  VALUES ?property {{ <{iris.RDFS_LABEL}> <{iris.SKOS}prefLabel> <{iris.SKOS}altLabel> <{iris.KG}isoCode> }}
  ?resource ?property ?text .
  FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), "{{resources}}") && isLiteral(?text))
  OPTIONAL {{ ?name <{iris.KG}nameOf> ?resource ; <{iris.RDFS_LABEL}> ?text ; <{iris.KG}nameKind> ?kind }}
}}"""
_CLASSES = f"""
SELECT DISTINCT ?resource ?class WHERE {{
  ?resource a ?class
  FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), "{{resources}}") && STRSTARTS(STR(?class), "{iris.KG}"))
}}"""


def write_search_index(store: ox.Store, folder: Path, base: str) -> Path:
    """Write folder/search.sqlite from the names of the resources under {base}id/ in store; return its path."""
    resources = f"{base}id/"  # an IRI: no quote or backslash to escape in a SPARQL string
    classes: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, _CLASSES.replace("{resources}", resources)):
        classes[row["resource"].value].append(row["class"].value)
    names = [NameRow(row["resource"].value, row["text"].value, row["text"].language or "",
                     _kind(row["property"].value, row["text"], row["kind"]))
             for row in _select(store, _NAMES.replace("{resources}", resources))]
    path = Path(folder) / INDEX_FILE
    write_index(path, names, classes)
    return path


def _kind(property_: str, text: ox.Literal, recorded: ox.Literal | None) -> str:
    if property_ == f"{iris.KG}isoCode":
        return "code"
    if property_ != f"{iris.SKOS}altLabel":
        return "label"
    if recorded is not None:
        return recorded.value
    return "variant" if text.language else "acronym"


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    return cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))
