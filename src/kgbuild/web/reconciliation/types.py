"""Serve -> the types reconciliation offers: the ontology's classes, by their name in kg: (Country), with
their English labels and broader classes; a few of them are the manifest's default types."""

from __future__ import annotations

from dataclasses import dataclass

from ...iris import KG, OWL_CLASS, RDF_TYPE, RDFS_LABEL, RDFS_SUB_CLASS_OF
from ...search import class_iri
from ...store import Store
from ..dataset import build_cache
from ..protocol.operation import ProtocolError
from .ids import term_id

# What an analyst's column most often names; the rest of the classes stay one suggest away.
DEFAULT_TYPES = ("Country", "Organisation", "Place", "Person", "Meeting", "Document")


@dataclass(frozen=True)
class EntityType:
    id: str
    name: str
    broader: tuple[str, ...] = ()

    def as_json(self, known: dict[str, EntityType]) -> dict:
        shown: dict = {"id": self.id, "name": self.name}
        if self.broader:
            shown["broader"] = [known[b].as_json(known) for b in self.broader if b in known]
        return shown


def known_types(build: Store) -> dict[str, EntityType]:
    """Every class the ontology declares in kg:, by id, in the order of their names."""
    cache = build_cache(build, "reconcile")
    if "types" not in cache:
        rows = build.query(
            f"SELECT ?class ?label ?broader WHERE {{ GRAPH <{build.graph_iri('ontology')}> {{ "
            f"?class <{RDF_TYPE}> <{OWL_CLASS}> FILTER STRSTARTS(STR(?class), \"{KG}\") "
            f"OPTIONAL {{ ?class <{RDFS_LABEL}> ?label FILTER(LANGMATCHES(LANG(?label), \"en\")) }} "
            f"OPTIONAL {{ ?class <{RDFS_SUB_CLASS_OF}> ?broader FILTER STRSTARTS(STR(?broader), \"{KG}\") }} }} }}")
        names: dict[str, str] = {}
        broader: dict[str, set[str]] = {}
        for row in rows:
            identifier = term_id(row["class"].value)
            if identifier is None:
                continue
            label = row["label"].value if row["label"] else identifier
            names[identifier] = min(names.get(identifier, label), label)
            above = term_id(row["broader"].value) if row["broader"] else None
            broader.setdefault(identifier, set()).update([above] if above else [])
        cache["types"] = {
            identifier: EntityType(identifier, _capitalised(name), tuple(sorted(broader[identifier])))
            for identifier, name in sorted(names.items(), key=lambda item: item[1].casefold())
        }
    return cache["types"]


def known_type_id(build: Store, type_id: str) -> str:
    """The id of the type a client names ('Country', 'kg:Country' or kg:Country's IRI).

    :raises ProtocolError: 400 for a type the ontology does not have, listing those it has.
    """
    known = known_types(build)
    identifier = term_id(class_iri(type_id))
    if identifier not in known:
        raise ProtocolError(400, f"no type {type_id!r}; the types are: {', '.join(known)}")
    return identifier


def default_types(build: Store) -> list[EntityType]:
    known = known_types(build)
    return [known[identifier] for identifier in DEFAULT_TYPES if identifier in known]


def _capitalised(label: str) -> str:
    """'Ministerial meeting' for 'ministerial meeting': how a type reads as a heading in a client."""
    return label[:1].upper() + label[1:]
