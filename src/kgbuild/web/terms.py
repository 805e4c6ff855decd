"""Serve -> showing RDF terms to people: short names, links to local pages, labels in their language."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import request

from ..vocab import PREFIXES, resource_prefixes
from .dataset import current_build, local_href

LANGUAGES = ("en", "id")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def all_prefixes() -> dict[str, str]:
    """Our prefixes: the vocabulary's and one per resource kind under the served base IRI."""
    return {**PREFIXES, **resource_prefixes(current_build().base_iri)}


def short_name(iri: str) -> str:
    """kg:Organisation for the ontology term, kgorg:cica for a resource; the IRI when no prefix fits."""
    best = ("", "")
    for prefix, namespace in all_prefixes().items():
        if iri.startswith(namespace) and len(namespace) > len(best[1]):
            best = (prefix, namespace)
    if best[1]:
        local = iri[len(best[1]):]
        if local and all(ch.isalnum() or ch in "-_." for ch in local):
            return f"{best[0]}:{local}"
    return iri


def requested_language() -> str:
    """The label language asked for by lang= or Accept-Language, among ours (en, id); en otherwise."""
    asked = request.args.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def pick_label(labels: list[ox.Literal], language: str) -> str | None:
    """The label in language, else English, else one without a language, else any."""
    by_language = {label.language or "": label.value for label in labels}
    for choice in (language, "en", ""):
        if choice in by_language:
            return by_language[choice]
    return labels[0].value if labels else None


@dataclass(frozen=True)
class Cell:
    """One term as shown in an HTML table: its text, where it links to, its language or datatype."""

    text: str
    href: str | None = None
    note: str = ""  # language tag or short datatype, shown beside literal text
    title: str = ""  # the full IRI, for a tooltip


def cell(term: object, label: str | None = None) -> Cell:
    """Show a term; IRIs under the base link to this server, labels (when given) stand in for names."""
    if isinstance(term, ox.NamedNode):
        href = local_href(term.value)
        safe = href.startswith(("/", "http://", "https://"))  # never a javascript: or data: link
        return Cell(text=label or short_name(term.value), href=href if safe else None, title=term.value)
    if isinstance(term, ox.Literal):
        note = term.language or ""
        if not note and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            note = short_name(term.datatype.value)
        return Cell(text=term.value, note=note)
    if isinstance(term, ox.BlankNode):
        return Cell(text=f"_:{term.value}")
    if term is None:
        return Cell(text="")
    return Cell(text=str(term))
