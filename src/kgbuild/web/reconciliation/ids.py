"""Serve -> reconciliation ids: an entity by its path under the identifier space ({base}id/), a type or a
property by its name in the schema space (kg:).

`country/kz` is {base}id/country/kz and `Country` is kg:Country, so identifierSpace + id
and schemaSpace + id give the IRIs back. A client may also send a full IRI or a server path (/id/country/kz).
"""

from __future__ import annotations

from ...iris import KG
from ...vocab import resource_iri, split_resource_iri


def identifier_space(base: str) -> str:
    """The namespace every entity id is relative to."""
    return f"{base}id/"


def entity_id(iri: str, base: str) -> str | None:
    """'country/kz' for {base}id/country/kz; None for an IRI that is not one of our resources."""
    parts = split_resource_iri(iri, base)
    return f"{parts[0]}/{parts[1]}" if parts else None


def entity_iri(identifier: str, base: str) -> str | None:
    """The IRI an entity id names ('country/kz', the full IRI, or '/id/country/kz'); None if it names none."""
    text = identifier.strip()
    if text.startswith(identifier_space(base)):
        text = text[len(identifier_space(base)):]
    elif text.startswith("/id/"):
        text = text[len("/id/"):]
    kind, _, slug = text.partition("/")
    if not slug or "/" in slug or split_resource_iri(f"{base}id/{kind}/{slug}", base) is None:
        return None
    return str(resource_iri(kind, slug, base))


def term_id(iri: str) -> str | None:
    """'Country' for kg:Country, 'isoCode' for kg:isoCode; None outside the schema space."""
    return iri[len(KG):] if iri.startswith(KG) and len(iri) > len(KG) else None


def term_iri(identifier: str) -> str:
    """kg:Country for 'Country' or for its full IRI (the caller checks that the term exists)."""
    text = identifier.strip()
    if text.startswith(KG):
        return text
    return KG + text.removeprefix("kg:")
