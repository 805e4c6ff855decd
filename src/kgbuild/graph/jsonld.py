"""Graph stage: the compacted kg.jsonld, written by streaming sorted N-Triples through the context.

rdflib's JSON-LD serialiser takes ~30 s and 2.5 GiB for a million triples, and pyoxigraph writes only
expanded JSON-LD (DESIGN.md §6). The dump is simple enough to write directly: one node object per
subject (the N-Triples lines are sorted, so a subject's triples are consecutive), each value under the
context's short term when the term's definition fits it exactly (an IRI for "@type": "@id", a tagged
text for a language map, a literal of the term's datatype), otherwise under a compact IRI (kg:foo)
with an explicit value object, so the file always expands back to the same triples.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class _Compactor:
    def __init__(self, context: dict):
        self.prefixes = sorted(((name, iri) for name, iri in context.items() if isinstance(iri, str)
                                and not iri.startswith("@")), key=lambda item: -len(item[1]))
        self.compacted: dict[str, str] = {}
        self.terms: dict[str, tuple[str, dict]] = {}  # property IRI -> (term, definition)
        for name, definition in context.items():
            if isinstance(definition, dict) and "@id" in definition:
                iri = self.expand(definition["@id"])
                coerced = definition.get("@type")
                self.terms.setdefault(
                    iri,
                    (name, {**definition, "@type": self.expand(coerced) if coerced and coerced != "@id" else coerced}),
                )

    def expand(self, text: str) -> str:
        prefix, colon, rest = text.partition(":")
        if colon and not rest.startswith("//"):
            for name, iri in self.prefixes:
                if name == prefix:
                    return iri + rest
        return text

    def compact(self, iri: str) -> str:
        compacted = self.compacted.get(iri)  # predicates, classes and shared objects recur on every node
        if compacted is None:
            compacted = self.compacted[iri] = self._compact(iri)
        return compacted

    def _compact(self, iri: str) -> str:
        for name, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace):]
                if "/" not in local and "#" not in local and ":" not in local:
                    return f"{name}:{local}"
        return iri

    def node_id(self, term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.compact(term.value)

    def add(self, node: dict, predicate: str, value) -> None:
        term, definition = self.terms.get(predicate, (None, {}))
        coerced, container = definition.get("@type"), definition.get("@container")
        if isinstance(value, (ox.NamedNode, ox.BlankNode)):
            reference = self.node_id(value) if isinstance(value, ox.BlankNode) else self.compact(value.value)
            if term and coerced == "@id" and not container:
                node.setdefault(term, []).append(reference)
                return
            if term and coerced is None and not container:
                node.setdefault(term, []).append({"@id": reference})
                return
            node.setdefault(self.compact(predicate), []).append({"@id": reference})
            return
        if value.language:
            if term and container == "@language" and coerced is None:
                node.setdefault(term, {}).setdefault(value.language, []).append(value.value)
                return
            if term and coerced is None and not container:
                node.setdefault(term, []).append({"@value": value.value, "@language": value.language})
                return
            node.setdefault(self.compact(predicate), []).append({"@value": value.value, "@language": value.language})
            return
        datatype = value.datatype.value
        if datatype == XSD_STRING:  # a plain JSON string under a key without coercion: a simple literal
            key = term if term and not container and coerced is None else self.compact(predicate)
            node.setdefault(key, []).append(value.value)
            return
        if term and not container and coerced == datatype:
            node.setdefault(term, []).append(value.value)
            return
        key = term if term and not container and coerced is None else self.compact(predicate)
        node.setdefault(key, []).append({"@value": value.value, "@type": self.compact(datatype)})


def _flatten(node: dict) -> dict:
    """One value instead of a list of one, and the same for each language of a language map."""
    for key, values in node.items():
        if isinstance(values, list) and len(values) == 1 and key not in ("id",):
            node[key] = values[0]
        elif isinstance(values, dict):
            node[key] = {language: texts[0] if len(texts) == 1 else texts for language, texts in values.items()}
    return node


def write_compact_json_ld(ntriples: Path, out: Path, context: dict) -> None:
    """Write the triples of a sorted N-Triples file as compacted JSON-LD with context (its "@context")."""
    compactor = _Compactor(context["@context"])
    id_key = next((name for name, value in context["@context"].items() if value == "@id"), "@id")
    type_key = next((name for name, value in context["@context"].items() if value == "@type"), "@type")
    with open(out, "w", encoding="utf-8") as stream:
        stream.write('{\n  "@context": ')
        stream.write(json.dumps(context["@context"], ensure_ascii=False))
        stream.write(',\n  "@graph": [')
        first = True
        subject: object = None
        node: dict[str, Any] = {}  # the subject's, filled from its first triple on
        # lenient: the build wrote this file, and every triple of it has been parsed strictly before (dumps.py)
        for triple in ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES, lenient=True):
            if triple.subject != subject:
                if node:
                    stream.write(("\n    " if first else ",\n    ") + json.dumps(_flatten(node), ensure_ascii=False))
                    first = False
                subject = triple.subject
                node = {id_key: compactor.node_id(subject)}
            if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
                node.setdefault(type_key, []).append(compactor.compact(triple.object.value))
            else:
                compactor.add(node, triple.predicate.value, triple.object)
        if node:
            stream.write(("\n    " if first else ",\n    ") + json.dumps(_flatten(node), ensure_ascii=False))
        stream.write("\n  ]\n}\n")

