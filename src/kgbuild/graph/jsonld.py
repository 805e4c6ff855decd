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
import re
from pathlib import Path
from typing import Any

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPED = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")  # N-Triples ECHAR and UCHAR
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescaped(text: str) -> str:
    if "\\" not in text:  # nearly every text
        return text
    return _ESCAPED.sub(lambda match: chr(int(match[1] or match[2], 16)) if match[3] is None else _ECHARS[match[3]],
                        text)


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
        # predicate token (`<iri>`) -> (term, coerced type, container, compact IRI): worked out once per predicate
        self.plans: dict[str, tuple[str | None, str | None, str | None, str]] = {}
        self.references: dict[str, str] = {}  # `<iri>` -> its compact form, for the IRIs that recur as objects
        # a compact IRI's local part holds no / # or :, so its namespace ends at the IRI's last / or #
        # (when every namespace ends so); the first name of the longest match wins, as in the loop below
        self.by_namespace: dict[str, str] | None = {}
        for name, namespace in self.prefixes:
            if namespace[-1:] not in ("/", "#"):
                self.by_namespace = None
                break
            self.by_namespace.setdefault(namespace, name)

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
        if self.by_namespace is not None:
            cut = max(iri.rfind("/"), iri.rfind("#")) + 1
            name = self.by_namespace.get(iri[:cut]) if cut else None
            local = iri[cut:]
            return f"{name}:{local}" if name is not None and local and ":" not in local else iri
        for name, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace):]
                if "/" not in local and "#" not in local and ":" not in local:
                    return f"{name}:{local}"
        return iri

    def reference(self, token: str) -> str:
        """An IRI or blank node, as an N-Triples token, as a node reference: a compact IRI or `_:label`."""
        if token[0] == "_":
            return token
        compacted = self.references.get(token)
        if compacted is None:
            compacted = self.compact(_unescaped(token[1:-1]))
        return compacted

    def object_reference(self, token: str) -> str:
        """reference, remembered: classes and shared objects recur on many nodes (subjects do not)."""
        compacted = self.references.get(token)
        if compacted is None:
            compacted = self.references[token] = self.reference(token)
        return compacted

    def _plan(self, predicate: str) -> tuple[str | None, str | None, str | None, str]:
        iri = _unescaped(predicate[1:-1])
        term, definition = self.terms.get(iri, (None, {}))
        return term, definition.get("@type"), definition.get("@container"), self.compact(iri)

    def add(self, node: dict, predicate: str, value: str) -> None:
        """The triple's predicate and object, N-Triples tokens, into the subject's node."""
        plan = self.plans.get(predicate)
        if plan is None:
            plan = self.plans[predicate] = self._plan(predicate)
        term, coerced, container, compacted = plan
        if value[0] != '"':  # an IRI or a blank node
            reference = self.object_reference(value)
            if term and coerced == "@id" and not container:
                node.setdefault(term, []).append(reference)
            elif term and coerced is None and not container:
                node.setdefault(term, []).append({"@id": reference})
            else:
                node.setdefault(compacted, []).append({"@id": reference})
            return
        end = value.rindex('"')  # a language tag or datatype IRI holds no quote mark
        text, suffix = _unescaped(value[1:end]), value[end + 1:]
        if suffix[:1] == "@":
            language = suffix[1:]
            if term and container == "@language" and coerced is None:
                node.setdefault(term, {}).setdefault(language, []).append(text)
            elif term and coerced is None and not container:
                node.setdefault(term, []).append({"@value": text, "@language": language})
            else:
                node.setdefault(compacted, []).append({"@value": text, "@language": language})
            return
        datatype = _unescaped(suffix[3:-1]) if suffix else XSD_STRING
        if datatype == XSD_STRING:  # a plain JSON string under a key without coercion: a simple literal
            key = term if term and not container and coerced is None else compacted
            node.setdefault(key, []).append(text)
        elif term and not container and coerced == datatype:
            node.setdefault(term, []).append(text)
        else:
            key = term if term and not container and coerced is None else compacted
            node.setdefault(key, []).append({"@value": text, "@type": self.compact(datatype)})


def _flatten(node: dict) -> dict:
    """One value instead of a list of one, and the same for each language of a language map."""
    for key, values in node.items():
        if isinstance(values, list) and len(values) == 1 and key not in ("id",):
            node[key] = values[0]
        elif isinstance(values, dict):
            node[key] = {language: texts[0] if len(texts) == 1 else texts for language, texts in values.items()}
    return node


def write_compact_json_ld(ntriples: Path, out: Path, context: dict) -> None:
    """Write the triples of a sorted N-Triples file as compacted JSON-LD with context (its "@context").

    The file is one the build wrote (one triple a line, `s p o .`, single spaces between the terms), read
    line by line: a parser's Python object for each term cost more than the rest of the writing.
    """
    compactor = _Compactor(context["@context"])
    id_key = next((name for name, value in context["@context"].items() if value == "@id"), "@id")
    type_key = next((name for name, value in context["@context"].items() if value == "@type"), "@type")
    rdf_type = f"<{RDF_TYPE}>"
    encode = json.JSONEncoder(ensure_ascii=False).encode
    with open(ntriples, encoding="utf-8") as lines, open(out, "w", encoding="utf-8") as stream:
        stream.write('{\n  "@context": ')
        stream.write(json.dumps(context["@context"], ensure_ascii=False))
        stream.write(',\n  "@graph": [')
        separator = "\n    "
        subject = ""
        node: dict[str, Any] = {}  # the subject's, filled from its first triple on
        for line in lines:
            if line == "\n":
                continue
            this, predicate, value = line.split(" ", 2)  # subjects and predicates hold no space
            value = value[:-3] if value.endswith(" .\n") else value.rstrip()[:-1].rstrip()  # less the final " ."
            if this != subject:
                if node:
                    stream.write(separator + encode(_flatten(node)))
                    separator = ",\n    "
                subject = this
                node = {id_key: compactor.reference(subject)}
            if predicate == rdf_type and value[0] == "<":
                node.setdefault(type_key, []).append(compactor.object_reference(value))
            else:
                compactor.add(node, predicate, value)
        if node:
            stream.write(separator + encode(_flatten(node)))
        stream.write("\n  ]\n}\n")
