"""Stored queries (queries/*.rq): their header, safe parameter binding, and terminal output."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import vocab
from .iris import XSD

LITERAL_TYPES = {"xsd:date", "xsd:integer", "xsd:string", "xsd:decimal", "xsd:boolean", "xsd:gYear"}


class QueryError(Exception):
    """A query or a parameter is wrong; the message names it and the fix."""


@dataclass(frozen=True)
class Parameter:
    """One `# param: NAME TYPE DEFAULT -- meaning` line."""

    name: str
    type: str  # xsd:date, xsd:integer, xsd:string ... or a resource kind (organisation, country ...)
    default: str
    meaning: str = ""

    def term(self, value: str | None, base: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for a value given as text (the default when None), never spliced into query text."""
        text = self.default if value is None else value
        if self.type in vocab.KINDS:
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", text):
                raise QueryError(f"parameter {self.name}: {text!r} is not a {self.type} id (lower-case letters, digits, '-')")
            return ox.NamedNode(str(vocab.resource_iri(self.type, text, base)))
        if self.type == "iri":
            return ox.NamedNode(text)
        if self.type not in LITERAL_TYPES:
            raise QueryError(f"parameter {self.name}: unknown type {self.type!r}; use a resource kind or one of "
                             f"{', '.join(sorted(LITERAL_TYPES))}")
        if self.type == "xsd:string":
            return ox.Literal(text)
        if self.type == "xsd:date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise QueryError(f"parameter {self.name}: {text!r} is not a date; write YYYY-MM-DD")
        if self.type == "xsd:integer" and not re.fullmatch(r"[+-]?\d+", text):
            raise QueryError(f"parameter {self.name}: {text!r} is not a whole number")
        return ox.Literal(text, datatype=ox.NamedNode(XSD + self.type.split(":", 1)[1]))


@dataclass
class StoredQuery:
    """A query of queries/: its text and what its header says."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    expect_rows: list[dict[str, str]] | None = None
    expect_includes: list[dict[str, str]] | None = None
    expect_count: int | None = None

    def substitutions(self, values: dict[str, str], base: str) -> dict[ox.Variable, Any]:
        known = {parameter.name: parameter for parameter in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"unknown parameter(s) {', '.join(unknown)}; this query takes: {', '.join(known) or 'none'}")
        return {ox.Variable(name): parameter.term(values.get(name), base) for name, parameter in known.items()}


def _table(lines: list[str]) -> list[dict[str, str]]:
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    if not cells:
        return []
    header = cells[0]
    return [dict(zip(header, row)) for row in cells[1:]]


def parse_query(text: str, name: str = "query") -> StoredQuery:
    """Read a stored query's header comment (title, description, param, expect-*)."""
    stored = StoredQuery(name=name, text=text)
    table_lines: list[str] = []
    table_kind: str | None = None

    def close_table() -> None:
        nonlocal table_kind
        if table_kind:
            setattr(stored, table_kind, _table(table_lines))
        table_lines.clear()
        table_kind = None

    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].strip()
        if table_kind and body.startswith("|"):
            table_lines.append(body)
            continue
        close_table()
        key, _, value = body.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            stored.title = value
        elif key == "description":
            stored.description = f"{stored.description} {value}".strip()
        elif key == "param":
            spec, _, meaning = value.partition("--")
            parts = spec.split(None, 2)
            if len(parts) < 3:
                raise QueryError(f"{name}: `# param: {value}` needs NAME TYPE DEFAULT -- meaning")
            stored.parameters.append(Parameter(parts[0].lstrip("?$"), parts[1], parts[2].strip(), meaning.strip()))
        elif key in ("expect-rows", "expect-includes"):
            table_kind = key.replace("-", "_")
        elif key == "expect-count":
            stored.expect_count = int(value)
    close_table()
    return stored


def load_query(path: Path) -> StoredQuery:
    return parse_query(Path(path).read_text("utf-8"), Path(path).stem)


def term_text(term: Any, base: str = vocab.DEFAULT_BASE) -> str:
    """A result value as people read it: a literal's text, a resource's slug, another IRI in full."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        split = vocab.split_resource_iri(term.value, base)
        return split[1] if split else term.value
    return term.value


def run_query(built, text: str, values: dict[str, str], output_format: str = "table") -> str:
    """Run SPARQL text (parameters from its header bound by substitution) and format the answer."""
    stored = parse_query(text)
    try:
        results = built.query(text, substitutions=stored.substitutions(values, built.base_iri))
    except SyntaxError as error:
        raise QueryError(f"the query does not parse: {error}") from None
    if isinstance(results, ox.QueryBoolean):
        return {"json": '{"head": {}, "boolean": %s}\n' % str(bool(results)).lower()}.get(output_format, f"{bool(results)}\n")
    if isinstance(results, ox.QueryTriples):
        rdf_format = ox.RdfFormat.N_TRIPLES if output_format != "table" else ox.RdfFormat.TURTLE
        return ox.serialize(results, format=rdf_format, prefixes=vocab.PREFIXES if output_format == "table" else None).decode()
    if output_format in ("csv", "tsv", "json"):
        result_format = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                         "json": ox.QueryResultsFormat.JSON}[output_format]
        return results.serialize(format=result_format).decode()
    names = [variable.value for variable in results.variables]
    rows = [[term_text(solution[name], built.base_iri) for name in names] for solution in results]
    widths = [max([len(name), *(len(row[index]) for row in rows)]) for index, name in enumerate(names)]
    lines = [" | ".join(name.ljust(width) for name, width in zip(names, widths)),
             "-+-".join("-" * width for width in widths)]
    lines += [" | ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
