"""Serve -> the preview card: a small HTML page about one entity (name, type, a few facts, a link), for a
client's iframe."""

from __future__ import annotations

import pyoxigraph as ox
from flask import render_template, url_for

from ...iris import RDFS_LABEL
from ...store import Store
from ..render.terms import pick_label
from .candidates import describe
from .ids import entity_id
from .properties import known_properties, property_values
from .types import known_types

CARD_FACTS = 6  # facts shown at most: a card, not the page


def preview_card(build: Store, iri: str, language: str) -> str | None:
    """The card's HTML (labels in language where there is one), or None when iri names nothing here."""
    candidate = describe(build, iri)
    if candidate is None:
        return None
    node = ox.NamedNode(iri)
    labels = build.objects([node], ox.NamedNode(RDFS_LABEL)).get(node, ())
    facts = []
    for prop in known_properties(build):
        if prop.id.startswith(("label@", "memberSincePrecision:")) or not prop.applies_to(candidate.type_id):
            continue
        values = property_values(build, prop, [iri]).get(iri, [])
        if values:
            facts.append((prop.name, ", ".join(value.text for value in values)))
    identifier = entity_id(iri, build.base_iri) or iri
    kind, _, slug = identifier.partition("/")
    shown_type = known_types(build).get(candidate.type_id or "")
    return render_template(
        "reconcile_preview.html", name=pick_label(labels, language) or candidate.name, language=language,
        type_name=shown_type.name if shown_type else "", facts=facts[:CARD_FACTS], identifier=identifier,
        page=url_for("linkeddata.resource", kind=kind, name=slug, _external=True),
    )
