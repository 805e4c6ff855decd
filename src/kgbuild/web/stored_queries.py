"""Serve -> the build's stored analyst queries (dist/queries/*.rq): their headers and safe parameter binding."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..iris import XSD
from ..vocab import KINDS, resource_iri

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type; the message names both."""


@dataclass(frozen=True)
class Parameter:
    """`# param: NAME TYPE DEFAULT -- meaning` from a query's header."""

    name: str
    type: str  # xsd:date, xsd:integer, xsd:string, or a resource kind (organisation, country ...)
    default: str = ""
    meaning: str = ""

    def bind(self, text: str, base: str) -> ox.NamedNode | ox.Literal:
        """Turn the text a user gave into the RDF term the query gets (never pasted into the query).

        :raises ParameterError: text does not fit the type.
        """
        text = text.strip()
        if self.type == "xsd:date":
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                raise ParameterError(f"parameter {self.name}={text!r} is not a date; write YYYY-MM-DD") from None
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
        if self.type == "xsd:integer":
            if not re.fullmatch(r"[+-]?\d+", text):
                raise ParameterError(f"parameter {self.name}={text!r} is not an integer; write digits")
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
        if self.type in KINDS:
            if not SLUG_PATTERN.fullmatch(text):
                raise ParameterError(
                    f"parameter {self.name}={text!r} is not a {self.type} id; "
                    "write its lower-case slug, e.g. cica or kz")
            return ox.NamedNode(str(resource_iri(self.type, text, base)))
        return ox.Literal(text)


@dataclass(frozen=True)
class StoredQuery:
    """One .rq file: its name (the file stem), header fields and text."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    expectations: tuple[str, ...] = field(default=())

    def bindings(self, given: dict[str, str], base: str) -> dict[ox.Variable, object]:
        """Substitutions for the query: each parameter from given, else its default.

        :raises ParameterError: a value does not fit its parameter's type.
        """
        return {ox.Variable(p.name): p.bind(given.get(p.name) or p.default, base)
                for p in self.parameters if (given.get(p.name) or p.default)}


def parse_stored_query(path: Path) -> StoredQuery:
    """Read a .rq file and its `# key: value` header comments."""
    text = path.read_text("utf-8")
    fields: dict[str, str] = {}
    parameters, expectations = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        key, colon, value = stripped.lstrip("#").strip().partition(":")
        if not colon:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "param":
            declaration, _, meaning = value.partition(" -- ")
            words = declaration.split()
            if len(words) >= 2:
                parameters.append(Parameter(words[0], words[1], " ".join(words[2:]), meaning.strip()))
        elif key.startswith("expect-"):
            expectations.append(f"{key}: {value}")
        elif key in ("title", "description"):
            fields[key] = f"{fields[key]} {value}".strip() if key in fields else value
    return StoredQuery(name=path.stem, text=text, title=fields.get("title", path.stem),
                       description=fields.get("description", ""), parameters=tuple(parameters),
                       expectations=tuple(expectations))


def stored_queries(build_path: Path) -> list[StoredQuery]:
    """The build's stored queries, by name."""
    folder = build_path / "queries"
    if not folder.is_dir():
        return []
    return [parse_stored_query(path) for path in sorted(folder.glob("*.rq"))
            if NAME_PATTERN.fullmatch(path.stem)]


def find_stored_query(build_path: Path, name: str) -> StoredQuery | None:
    """The stored query called name, or None (names never reach the file system unchecked)."""
    if not NAME_PATTERN.fullmatch(name):
        return None
    path = build_path / "queries" / f"{name}.rq"
    return parse_stored_query(path) if path.is_file() else None
