"""Serve -> reconciliation ids: an entity by its path under the identifier space ({base}id/), a type or a
property by its name in the schema space (kg:).

`country/kz` is {base}id/country/kz and `Country` is kg:Country, so identifierSpace + id
and schemaSpace + id give the IRIs back. A client may also send a full IRI or a server path (/id/country/kz).
"""

from __future__ import annotations

from ...iris import KG, resource_space
from ...vocab import split_resource_iri


def identifier_space(base: str) -> str:
    """The namespace every entity id is relative to: where the build's resources live."""
    return resource_space(base)


def entity_id(iri: str, base: str) -> str | None:
    """'country/kz' for {base}id/country/kz; None for an IRI that is not one of our resources."""
    parts = split_resource_iri(iri, base)
    return f"{parts[0]}/{parts[1]}" if parts else None


def entity_iri(identifier: str, base: str) -> str | None:
    """The IRI an entity id names ('country/kz', the full IRI, or '/id/country/kz'); None if it names none
    (an id whose slug breaks the slug rule, 'place/Nur Sultan', names none: no resource has it)."""
    text = identifier.strip()
    space, path = identifier_space(base), resource_space("/")  # path: "/id/", the space under any host
    if text.startswith(space):
        text = text[len(space):]
    elif text.startswith(path):
        text = text[len(path):]
    iri = space + text
    return iri if split_resource_iri(iri, base) is not None else None


def term_id(iri: str) -> str | None:
    """'Country' for kg:Country, 'isoCode' for kg:isoCode; None outside the schema space."""
    return iri[len(KG):] if iri.startswith(KG) and len(iri) > len(KG) else None
