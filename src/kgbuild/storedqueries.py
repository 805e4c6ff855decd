"""Stored queries (queries/*.rq, shipped in dist/queries/): one header parser and one parameter binder.

A query's parameters are declared in its header (`# param: NAME TYPE DEFAULT -- meaning`) and shown in
its text as one VALUES line holding the defaults, so the text run as it stands (pasted into the query
UI, sent to any endpoint) answers as its header says. The parser refuses a VALUES line that disagrees
with the defaults; binding other values rewrites that line's row with terms made by Parameter.bind and
written by Oxigraph (escaped), never with the caller's text. `kgbuild query`, /queries/ and the query UI
all bind here, for the embedded and the remote store alike; run_query prints for the terminal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from . import iris, vocab
from .iris import XSD

XSD_PREFIX = re.compile(r"^\s*PREFIX\s+xsd:\s*<http://www\.w3\.org/2001/XMLSchema#>", re.IGNORECASE | re.MULTILINE)
# one VALUES line: `VALUES (?a ?b) { (term term) }`, the row's terms in group 2
VALUES_LINE = re.compile(r"^[ \t]*VALUES[ \t]*\(([?$\w \t]*)\)[ \t]*\{[ \t]*\((.*)\)[ \t]*\}[ \t]*(?:#.*)?$",
                         re.IGNORECASE | re.MULTILINE)
VALUES_TERM = re.compile(r'<[^<>]*>|"(?:[^"\\]|\\.)*"(?:\^\^(?:<[^<>]*>|[A-Za-z][\w-]*:\w*)|@[A-Za-z0-9-]+)?|UNDEF')

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a stored query's name: its file stem
# the literal types a parameter may take: what a value must look like, and how to say so
LITERAL_TYPES = {
    "xsd:string": (re.compile(r".*", re.DOTALL), "any text"),
    "xsd:date": (re.compile(r"\d{4}-\d{2}-\d{2}"), "a date; write YYYY-MM-DD"),
    "xsd:gYear": (re.compile(r"-?\d{4,}"), "a year; write YYYY"),
    "xsd:integer": (re.compile(r"[+-]?\d+"), "a whole number; write digits"),
    "xsd:decimal": (re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"), "a decimal number; write e.g. 2.5"),
    "xsd:boolean": (re.compile(r"true|false|1|0"), "a boolean; write true or false"),
}


class QueryError(Exception):
    """A query or a parameter is wrong; the message names it and the fix."""


class ParameterError(QueryError):
    """A parameter name the query does not take, or a value that does not fit its declared type."""


@dataclass(frozen=True)
class Parameter:
    """One `# param: NAME TYPE [DEFAULT] -- meaning` line."""

    name: str
    type: str  # a resource kind (organisation, country ...), iri, or one of LITERAL_TYPES
    default: str = ""
    meaning: str = ""

    def bind(self, text: str, base: str) -> ox.NamedNode | ox.Literal:
        """The RDF term for a value given as text; it is substituted, never pasted into the query.

        >>> Parameter("asOf", "xsd:decimal").bind("2.50", "https://w3id.org/kgbuild/").datatype.value
        'http://www.w3.org/2001/XMLSchema#decimal'

        :raises ParameterError: text does not fit the type.
        """
        text = text.strip()
        if self.type in vocab.KINDS:
            if not vocab.SLUG_PATTERN.fullmatch(text):
                raise ParameterError(f"parameter {self.name}={text!r} is not a {self.type} id; write its lower-case "
                                     "slug (letters, digits, '-'), e.g. cica or kz")
            return ox.NamedNode(str(vocab.resource_iri(self.type, text, base)))
        if self.type == "iri":
            try:
                return ox.NamedNode(text)
            except ValueError:
                raise ParameterError(f"parameter {self.name}={text!r} is not an IRI") from None
        pattern, expected = LITERAL_TYPES[self.type]
        if not pattern.fullmatch(text) or (self.type == "xsd:date" and not _is_date(text)):
            raise ParameterError(f"parameter {self.name}={text!r} is not {expected}")
        if self.type == "xsd:string":
            return ox.Literal(text)
        if self.type == "xsd:integer":
            text = str(int(text))  # the canonical form: +05 is shown as 5
        return ox.Literal(text, datatype=ox.NamedNode(XSD + self.type.split(":", 1)[1]))


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def write_term(term: ox.NamedNode | ox.Literal | None, xsd_prefixed: bool) -> str:
    """A term as a VALUES row shows it (UNDEF for none), written by Oxigraph so it is always escaped.

    >>> write_term(ox.Literal("2021-10-11", datatype=ox.NamedNode(XSD + "date")), xsd_prefixed=True)
    '"2021-10-11"^^xsd:date'
    """
    if term is None:
        return "UNDEF"
    if (xsd_prefixed and isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD)
            and term.datatype.value != XSD + "string"):
        return f"{ox.Literal(term.value)}^^xsd:{term.datatype.value[len(XSD):]}"
    return str(term)


@dataclass
class StoredQuery:
    """A stored query: its name (the file stem), its text and what its header says."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    expect_rows: list[dict[str, str]] | None = None
    expect_includes: list[dict[str, str]] | None = None
    expect_count: int | None = None
    values_row: tuple[int, int] | None = None  # where the VALUES line's row of defaults lies in text

    def terms(self, given: Mapping[str, str], base: str) -> dict[str, ox.NamedNode | ox.Literal | None]:
        """Each parameter's term: its value from given, else its default; None for one with neither.

        :raises ParameterError: a name the query does not take, or a value that does not fit its type.
        """
        known = {parameter.name for parameter in self.parameters}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; this query takes: "
                                 f"{', '.join(sorted(known)) or 'none'}")
        terms: dict[str, ox.NamedNode | ox.Literal | None] = {}
        for parameter in self.parameters:
            text = given.get(parameter.name) or parameter.default
            terms[parameter.name] = parameter.bind(text, base) if text else None
        return terms

    def bound_text(self, given: Mapping[str, str] | None = None, base: str = vocab.DEFAULT_BASE) -> str:
        """The text to run and to show: its VALUES row rewritten with the given values (defaults for the rest).

        :raises ParameterError: a name the query does not take, or a value that does not fit its type.
        """
        terms = self.terms(given or {}, base)
        if self.values_row is None:
            return self.text
        xsd_prefixed = bool(XSD_PREFIX.search(self.text))
        row = " ".join(write_term(term, xsd_prefixed) for term in terms.values())
        start, end = self.values_row
        return f"{self.text[:start]}{row}{self.text[end:]}"


def _table(lines: list[str]) -> list[dict[str, str]]:
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
    if not cells:
        return []
    header = cells[0]
    return [dict(zip(header, row, strict=False)) for row in cells[1:]]


def parse_query(text: str, name: str = "query", file: str = "") -> StoredQuery:
    """Read a stored query's header comment (title, description, param, expect-*); file names it in messages.

    :raises QueryError: a `# param:` line lacks its type, or names a type no parameter can take.
    """
    stored = StoredQuery(name=name, text=text, title=name)
    table_lines: list[str] = []
    table_kind: str | None = None

    def close_table() -> None:
        nonlocal table_kind
        if table_kind:
            setattr(stored, table_kind, _table(table_lines))
        table_lines.clear()
        table_kind = None

    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("#"):
            if line:
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
            stored.parameters.append(_parameter(name, value))
        elif key in ("expect-rows", "expect-includes"):
            table_kind = key.replace("-", "_")
        elif key == "expect-count":
            stored.expect_count = int(value)
    close_table()
    if stored.parameters:
        stored.values_row = _values_row(stored, file or f"{name}.rq")
    return stored


def _values_row(stored: StoredQuery, file: str) -> tuple[int, int]:
    """Where the VALUES line showing the parameters' defaults holds its row.

    :raises QueryError: no such line, or one whose variables or values disagree with the `# param:` lines.
    """
    names = [parameter.name for parameter in stored.parameters]
    xsd_prefixed = bool(XSD_PREFIX.search(stored.text))
    try:
        defaults = stored.terms({}, vocab.DEFAULT_BASE)
    except ParameterError as error:
        raise QueryError(f"{file}: a `# param:` default does not fit its type: {error}") from None
    wanted = (f"VALUES ({' '.join('?' + name for name in names)}) "
              f"{{ ({' '.join(write_term(term, xsd_prefixed) for term in defaults.values())}) }}")
    for line in VALUES_LINE.finditer(stored.text):
        variables = [variable.lstrip("?$") for variable in line.group(1).split()]
        if sorted(variables) != sorted(names):
            continue
        where = f"{file}:{stored.text.count(chr(10), 0, line.start()) + 1}"
        tokens = VALUES_TERM.findall(line.group(2))
        if variables != names or " ".join(tokens) != " ".join(line.group(2).split()):
            raise QueryError(f"{where}: the VALUES line must list the parameters in the order of the "
                             f"`# param:` lines, one term each; write it as: {wanted}")
        for parameter, token in zip(stored.parameters, tokens, strict=True):
            if not _shows_default(parameter, token, defaults[parameter.name], xsd_prefixed):
                raise QueryError(f"{where}: the VALUES line gives ?{parameter.name} {token}, but its `# param:` "
                                 f"line gives the default {parameter.default or 'none'}; make them agree, "
                                 f"e.g. write: {wanted}")
        return line.span(2)
    raise QueryError(f"{file}: no VALUES line shows the defaults of its parameters, so its text run "
                     f"as it stands leaves them unbound; add this line at the top of the WHERE group: {wanted}")


def _shows_default(parameter: Parameter, token: str, default: ox.NamedNode | ox.Literal | None,
                   xsd_prefixed: bool) -> bool:
    if parameter.type in vocab.KINDS and default is not None:  # any base IRI: a build may set its own
        # resource_space("/") is the resource path under any base: "/id/"
        return token.startswith("<http") and token.endswith(
            f"{iris.resource_space('/')}{parameter.type}/{parameter.default}>")
    return token in (write_term(default, xsd_prefixed), write_term(default, False))


def _parameter(query: str, declaration: str) -> Parameter:
    spec, _, meaning = declaration.partition("--")
    parts = spec.split(None, 2)
    if len(parts) < 2:
        raise QueryError(f"{query}: `# param: {declaration}` needs NAME TYPE [DEFAULT] -- meaning")
    name, kind = parts[0].lstrip("?$"), parts[1]
    if kind not in vocab.KINDS and kind != "iri" and kind not in LITERAL_TYPES:
        raise QueryError(f"{query}: parameter {name} has unknown type {kind!r}; use a resource kind "
                         f"({', '.join(vocab.KINDS)}), iri, or one of {', '.join(LITERAL_TYPES)}")
    return Parameter(name, kind, parts[2].strip() if len(parts) > 2 else "", meaning.strip())


def load_query(path: Path) -> StoredQuery:
    """Read a .rq file; its name is the file's stem."""
    return parse_query(Path(path).read_text("utf-8"), Path(path).stem, str(path))


def stored_queries(build_path: Path) -> list[StoredQuery]:
    """The build's stored queries (dist/queries/*.rq), by name."""
    folder = build_path / "queries"
    if not folder.is_dir():
        return []
    return [load_query(path) for path in sorted(folder.glob("*.rq")) if NAME_PATTERN.fullmatch(path.stem)]


def find_stored_query(build_path: Path, name: str) -> StoredQuery | None:
    """The build's stored query called name, or None (names never reach the file system unchecked)."""
    if not NAME_PATTERN.fullmatch(name):
        return None
    path = build_path / "queries" / f"{name}.rq"
    return load_query(path) if path.is_file() else None


def term_text(term: Any, base: str = vocab.DEFAULT_BASE) -> str:
    """A result value as people read it: a literal's text, a resource's slug, another IRI in full."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        split = vocab.split_resource_iri(term.value, base)
        return split[1] if split else term.value
    return term.value


def run_query(built, text: str, values: dict[str, str], output_format: str = "table") -> str:
    """Run SPARQL text (the parameters of its header bound in its VALUES line) and format the answer."""
    stored = parse_query(text)
    try:
        results = built.query(stored.bound_text(values, built.base_iri))
    except SyntaxError as error:
        raise QueryError(f"the query does not parse: {error}") from None
    if isinstance(results, ox.QueryBoolean):
        return {"json": f'{{"head": {{}}, "boolean": {str(bool(results)).lower()}}}\n'}.get(
            output_format, f"{bool(results)}\n"
        )
    if isinstance(results, ox.QueryTriples):
        rdf_format = ox.RdfFormat.N_TRIPLES if output_format != "table" else ox.RdfFormat.TURTLE
        prefixes = vocab.PREFIXES if output_format == "table" else None
        return cast(bytes, ox.serialize(results, format=rdf_format, prefixes=prefixes)).decode()  # no output: bytes
    if output_format in ("csv", "tsv", "json"):
        result_format = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                         "json": ox.QueryResultsFormat.JSON}[output_format]
        return results.serialize(format=result_format).decode()
    names = [variable.value for variable in results.variables]
    rows = [[term_text(solution[name], built.base_iri) for name in names] for solution in results]
    widths = [max([len(name), *(len(row[index]) for row in rows)]) for index, name in enumerate(names)]
    lines = [" | ".join(name.ljust(width) for name, width in zip(names, widths, strict=False)),
             "-+-".join("-" * width for width in widths)]
    lines += [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
