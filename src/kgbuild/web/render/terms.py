"""Serve -> showing RDF terms to people: short names, links to local pages, labels in their language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # plain str out; the cell wraps its markup once

import pyoxigraph as ox
from flask import request
from markupsafe import Markup

from ...iris import RDF_LANG_STRING, XSD_STRING
from ...search.labels import preferred_label
from ...vocab import PREFIXES, resource_prefixes
from ..dataset import current_build, local_href

LANGUAGES = ("en", "id")


@lru_cache(maxsize=8)
def _prefixes_for(base: str) -> dict[str, str]:
    return {**PREFIXES, **resource_prefixes(base)}


@lru_cache(maxsize=8)
def _namespaces_longest_first(base: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((ns, prefix) for prefix, ns in _prefixes_for(base).items()), key=lambda e: -len(e[0])))


def all_prefixes() -> dict[str, str]:
    """Our prefixes: the vocabulary's and one per resource kind under the served base IRI."""
    return dict(_prefixes_for(current_build().base_iri))


def short_name(iri: str, base: str | None = None) -> str:
    """kg:Organisation for the ontology term, kgorg:cica for a resource; the IRI when no prefix fits."""
    for namespace, prefix in _namespaces_longest_first(base or current_build().base_iri):
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if local and all(ch.isalnum() or ch in "-_." for ch in local):
                return f"{prefix}:{local}"
            return iri
    return iri


def requested_language() -> str:
    """The label language asked for by lang= or Accept-Language, among ours (en, id); en otherwise."""
    asked = request.args.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def pick_label(labels: Sequence[ox.Literal], language: str) -> str | None:
    """The label in language, else English, else one without a language, else any (the rule search uses)."""
    return preferred_label(((label.language or "", label.value) for label in labels), language)


@dataclass(frozen=True)
class Cell:
    """One term as shown in an HTML table: its text, where it links to, its language or datatype.

    A cell renders itself (__html__), so templates write `{{ cell }}`: one Python call per term
    instead of a template macro call, which is most of a large page's rendering time.
    """

    text: str
    href: str | None = None
    note: str = ""  # language tag or short datatype, shown beside literal text
    title: str = ""  # the full IRI, for a tooltip

    def __html__(self) -> str:
        if self.href:
            title = f' title="{escape(self.title)}"' if self.title else ""
            shown = f'<a href="{escape(self.href)}"{title}>{escape(self.text)}</a>'
        else:
            shown = f'<span class="literal">{escape(self.text)}</span>'
        if self.note:
            shown += f' <small class="note">{escape(self.note)}</small>'
        return Markup(shown)


def cell(term: object, label: str | None = None, base: str | None = None) -> Cell:
    """Show a term; IRIs under the base link to this server, labels (when given) stand in for names.

    base is the served build's base IRI, for callers that show many terms and have it at hand.
    """
    if isinstance(term, ox.NamedNode):
        base = base or current_build().base_iri
        href = local_href(term.value, base)
        safe = href.startswith(("/", "http://", "https://"))  # never a javascript: or data: link
        return Cell(text=label or short_name(term.value, base), href=href if safe else None, title=term.value)
    if isinstance(term, ox.Literal):
        note = term.language or ""
        if not note and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            note = short_name(term.datatype.value, base)
        return Cell(text=term.value, note=note)
    if isinstance(term, ox.BlankNode):
        return Cell(text=f"_:{term.value}")
    if term is None:
        return Cell(text="")
    return Cell(text=str(term))
