"""Authoring help for maintainers: add one record to the right facts file, in the file's own style, checked.

`kgbuild new member|meeting|chair|source|initiative` lands here. The record is inserted as text, line by line,
so every other line of the file (comments, blank lines, quoting, order) stays byte for byte as it
was: organisation records as one flow-style line after the last record of their group (a new
observer after the last observer), sources as a block after the last source. Then the whole folder
is validated; if the new record brings a problem, the file is put back as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .facts import Facts, collect_facts
from .facts.countries import iso_country
from .facts.problems import Problem, display_path
from .facts.schema import facts_schema
from .facts.yamlread import FactsLoader

SECTION_LINE = re.compile(r"^([A-Za-z_][\w-]*):")
ITEM_LINE = re.compile(r"^(\s*)- ")
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)")
# What each kind of record is called on the command line, and the section it goes in.
SECTIONS = {"member": "memberships", "meeting": "meetings", "chair": "chairmanships", "source": "sources",
            "initiative": "initiatives"}
DATE_KEYS = ("since", "until", "attested", "start", "end", "issued", "accessed", "proposed_on")


class AuthoringError(Exception):
    """The record could not be added; `problems` (file:line) when validation refused it, the file unchanged."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


@dataclass(frozen=True)
class Added:
    """Where the record went and how it reads."""

    file: Path
    line: int
    text: str
    schema_refreshed: Path | None = None

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}: {self.text.strip()}"


def add_record(facts_dir: Path, kind: str, fields: dict[str, Any], organisation: str | None = None) -> Added:
    """Add one record of `kind` (member, meeting, chair, source, initiative) with these fields, in their order.

    Empty fields are left out; a list of one source is written as the bare id.

    :raises AuthoringError: the file is missing, or the new record would bring a problem (file put back).
    """
    facts_dir = Path(facts_dir)
    if kind not in SECTIONS:
        raise AuthoringError(f"unknown kind {kind!r}; use one of: {', '.join(SECTIONS)}")
    record = normalise(kind, fields)
    if kind == "source":
        path = facts_dir / "sources.yaml"
        if not path.is_file():
            raise AuthoringError(f"{display_path(path)} does not exist; sources are declared there")
    else:
        path = organisation_file(facts_dir, organisation or "")
    section = SECTIONS[kind]
    original = path.read_bytes()
    facts_before, problems_before = collect_facts(facts_dir)
    schema_before = None if problems_before else _schema_if_current(facts_before, path)
    text, line = insert_record(original.decode("utf-8"), section, record, block=(kind == "source"))
    _write(path, text.encode("utf-8"))
    facts, problems_after = collect_facts(facts_dir)
    brought = new_problems(problems_before, problems_after)
    if brought:
        _write(path, original)
        raise AuthoringError(f"the new record was not added: it brings {len(brought)} problem(s); "
                             f"{display_path(path)} is unchanged", brought)
    refreshed = None
    if schema_before is not None:  # the schema editors use was current: keep it so (new ids complete)
        schema_before.write_text(json.dumps(facts_schema(facts), indent=2, ensure_ascii=False) + "\n", "utf-8")
        refreshed = schema_before
    added_lines = text.splitlines()[line - 1:line - 1 + _record_height(record, kind)]
    return Added(file=path, line=line, text="\n".join(added_lines), schema_refreshed=refreshed)


def organisation_file(facts_dir: Path, organisation: str) -> Path:
    """facts/{organisation}.yaml, the file of the organisation's own facts.

    :raises AuthoringError: naming the organisations that do have a file.
    """
    path = Path(facts_dir) / f"{organisation.lower()}.yaml"
    if organisation and path.is_file() and re.search(r"^organisation:", path.read_text("utf-8"), re.MULTILINE):
        return path
    have = sorted(candidate.stem for candidate in Path(facts_dir).glob("*.yaml")
                  if re.search(r"^organisation:", candidate.read_text("utf-8"), re.MULTILINE))
    raise AuthoringError(f"no facts file for organisation {organisation!r} in {display_path(Path(facts_dir))}/; "
                         f"organisations with a file: {', '.join(have) or 'none'}")


def normalise(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The record as the files write it: empty fields left out, `status: full` (the default) too, a year
    as a bare number (`since: 2011`), one source as a bare id and several as a list."""
    record: dict[str, Any] = {}
    for key, value in fields.items():
        if value in (None, "", [], (), {}) or (kind == "member" and key == "status" and value == "full"):
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if len(value) == 1 else list(value)
        if key in DATE_KEYS and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        record[key] = value
    return record


def new_problems(before: list[Problem], after: list[Problem]) -> list[Problem]:
    """Problems in `after` that `before` did not have, judged without line numbers (the insertion moves them)."""
    def unlocated(problem: Problem) -> tuple[str, str]:
        return problem.origin.file, re.sub(r"\b(line|at [^ ]+:)\s*\d+", r"\1", problem.message)
    remaining = Counter(unlocated(problem) for problem in before)
    brought = []
    for problem in after:
        key = unlocated(problem)
        if remaining[key]:
            remaining[key] -= 1
        else:
            brought.append(problem)
    return brought


def yaml_scalar(value: Any) -> str:
    """A value as the facts files write it: plain where YAML reads it back unchanged, else double-quoted."""
    if isinstance(value, bool) or isinstance(value, int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    text = str(value)
    if text and not re.search(r"[\[\]{},#&*!|>'\"%@`]|: |^[-?:\s]|\s$", text):
        try:
            if yaml.load(f"k: {text}", Loader=FactsLoader) == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def flow_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow_value(item) for item in value) + "]"
    return yaml_scalar(value)


def format_record(record: dict[str, Any], indent: str, block: bool) -> list[str]:
    """The record's lines: `- {key: value, ...}`, or a block of `key: value` lines (sources)."""
    if not block:
        lines = [f"{indent}- {flow_value(record)}"]
    else:
        lines = [f"{indent}{'- ' if number == 0 else '  '}{key}: {flow_value(value)}"
                 for number, (key, value) in enumerate(record.items())]
    text = "\n".join(line[len(indent):] for line in lines)
    if yaml.load(text, Loader=FactsLoader) != [record]:  # never write what would read back differently
        raise AuthoringError(f"cannot write {record!r} so that it reads back the same; add it by hand")
    return lines


def _record_height(record: dict[str, Any], kind: str) -> int:
    return len(record) if kind == "source" else 1


def insert_record(text: str, section: str, record: dict[str, Any], block: bool) -> tuple[str, int]:
    """Insert the record into the file's text; return the new text and the record's first line (1-based)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    start, end = _section_span(lines, section)
    if start is None:  # no such section yet: start one at the end of the file
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        new = format_record(record, "  ", block)
        lines += [newline, f"{section}:{newline}", *(line + newline for line in new)]
        return "".join(lines), len(lines) - len(new) + 1
    items = _items(lines, start, end)
    indent = _indent(lines[items[0][0]]) if items else "  "
    new = format_record(record, indent, block)
    after = _anchor(lines, items, section, record) if items else start
    separated = block and len(items) > 1 and not lines[items[-1][0] - 1].strip()
    insertion = ([newline] if separated else []) + [line + newline for line in new]
    lines[after + 1:after + 1] = insertion
    return "".join(lines), after + 2 + (1 if separated else 0)


def _indent(item_line: str) -> str:
    """The spaces before an item's dash (ITEM_LINE's group 1, for a line it matches)."""
    return item_line[:len(item_line) - len(item_line.lstrip())]


def _section_span(lines: list[str], section: str) -> tuple[int | None, int]:
    """The index of the `section:` line and of the last line before the next top-level line."""
    start = next((index for index, line in enumerate(lines)
                  if (found := SECTION_LINE.match(line)) and found.group(1) == section), None)
    if start is None:
        return None, len(lines)
    end = start
    for index in range(start + 1, len(lines)):
        if lines[index].strip() and not lines[index][0].isspace():
            break  # a top-level key or comment: the next section begins
        end = index
    return start, end


def _items(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first, last) line index of each list item in a section; comments after an item are not part of it."""
    dashes = [index for index in range(start + 1, end + 1) if ITEM_LINE.match(lines[index])]
    if not dashes:
        return []
    depth = len(_indent(lines[dashes[0]]))
    dashes = [index for index in dashes if len(_indent(lines[index])) == depth]
    items = []
    for number, first in enumerate(dashes):
        stop = dashes[number + 1] - 1 if number + 1 < len(dashes) else end
        last = first
        for index in range(first + 1, stop + 1):
            stripped = lines[index].strip()
            if stripped and not stripped.startswith("#") and len(lines[index]) - len(lines[index].lstrip()) > depth:
                last = index
        items.append((first, last))
    return items


def _anchor(lines: list[str], items: list[tuple[int, int]], section: str, record: dict[str, Any]) -> int:
    """The line after which the record goes: the end of the last record of its group, else of the section."""
    parsed = yaml.load("".join(lines[items[0][0]:items[-1][1] + 1]), Loader=FactsLoader)
    if not isinstance(parsed, list) or len(parsed) != len(items):
        return items[-1][1]
    group = _group_of(section, record)
    matching = [
        item
        for item, existing in zip(items, parsed, strict=False)
        if isinstance(existing, dict) and _group_of(section, existing) == group
    ]
    return (matching or items)[-1][1]


def _group_of(section: str, record: dict[str, Any]) -> tuple:
    """Records a file keeps together: members by status and kind (state or organisation), meetings by series."""
    if section == "memberships":
        return record.get("status", "full"), iso_country(str(record.get("member", ""))) is not None
    if section == "meetings":
        return (record.get("series"),)
    return ()


def _schema_if_current(facts: Facts, path: Path) -> Path | None:
    """The JSON Schema the file points editors at, if it was written from these very facts (else None):
    then a new source or meeting id must reach it too, or editors would flag the new citations."""
    match = SCHEMA_LINE.match(path.read_text("utf-8").split("\n", 1)[0])
    if not match:
        return None
    schema = (path.parent / match.group(1)).resolve()
    if not schema.is_file():
        return None
    current = json.dumps(facts_schema(facts), indent=2, ensure_ascii=False) + "\n"
    return schema if schema.read_text("utf-8") == current else None


def _write(path: Path, content: bytes) -> None:
    """Replace the file in one rename, so an editor or a build never sees half a file."""
    scratch = path.with_name(f".{path.name}.kgbuild-new")
    scratch.write_bytes(content)
    shutil.copymode(path, scratch)
    os.replace(scratch, path)
