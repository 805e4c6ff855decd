"""Facts stage: read one YAML file with libyaml, keeping a line for every value beside the data.

Facts files come from many hands, so reading one is bounded: a size cap before anything is read,
then, for a well-formed file, libyaml's node tree walked once (yamltree.py). A file that walk does
not accept gets one pass over libyaml's event stream (iterative, so no nesting can exhaust a stack)
that records lines and refuses aliases, merge keys, duplicate keys, deep nesting and huge values:
every message about a file comes from that pass. It builds the plain data too, resolving scalars as
the safe loader does; a file using anything rarer (an explicit tag, a map or list as a key) is built
by the safe loader instead.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..config import settings
from .problems import Origin, Problem, display_path
from .yamltree import FactsLoader, Path_, Unbuilt, plain_scalar, read_tree

__all__ = ["FactsLoader", "YamlDocument", "YamlLimits", "read_yaml"]


ALIAS_MESSAGE = ("this value is reused through a YAML alias (&name ... *name); "
                 "aliases are not allowed in facts, write the value out each time")


@dataclass(frozen=True)
class YamlLimits:
    """What one facts file may cost to read; each is a setting (KGBUILD_YAML_MAX_BYTES ...)."""

    max_bytes: int = 16 * 1024 * 1024
    max_depth: int = 32
    max_scalar: int = 256 * 1024


@lru_cache(maxsize=8)
def _limits_for(cwd: str, overrides: tuple[str | None, ...]) -> YamlLimits:
    config = settings()
    return YamlLimits(config.yaml_max_bytes, config.yaml_max_depth, config.yaml_max_scalar)


def configured_limits() -> YamlLimits:
    """The limits from [tool.kgbuild] and KGBUILD_YAML_* (read once per folder and environment)."""
    names = ("KGBUILD_YAML_MAX_BYTES", "KGBUILD_YAML_MAX_DEPTH", "KGBUILD_YAML_MAX_SCALAR")
    return _limits_for(os.getcwd(), tuple(os.environ.get(name) for name in names))


@dataclass
class YamlDocument:
    """The data of one file and the line of every value in it: a map's value is on its key's line
    (`keys`, by the map's path, ('memberships', 3)), a list's item where it starts (`items`)."""

    path: Path
    data: Any
    keys: dict[Path_, dict[str, int]] = field(default_factory=dict)
    items: dict[Path_, list[int]] = field(default_factory=dict)
    root_line: int | None = None  # None: the file holds no value (empty, or only comments)

    @cached_property
    def name(self) -> str:
        return display_path(self.path)  # resolving the path costs syscalls: once per file

    def key_lines(self, at: Path_) -> dict[str, int]:
        """The line of each key of the map at a path (shared, not copied: read it, never change it)."""
        return self.keys.get(at, {})

    def origin(self, at: Path_) -> Origin:
        """The line of the value at a path (('memberships', 3, 'since')), or of its nearest enclosing value."""
        for cut in range(len(at), 0, -1):
            inner, last = at[:cut - 1], at[cut - 1]
            keys = self.keys.get(inner)
            if keys is not None:
                line = keys.get(last)  # type: ignore[arg-type]  # an index: found in no map
                if line is not None:
                    return Origin(self.name, line)
                continue
            items = self.items.get(inner)
            if items is not None and isinstance(last, int) and 0 <= last < len(items):
                return Origin(self.name, items[last])
        return Origin(self.name, self.root_line or 1)


def read_yaml(path: Path, limits: YamlLimits | None = None) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one file; return the document (None when unreadable) and the problems found.

    Never raises for what a file holds: every failure is a Problem at file:line.
    """
    limits = limits or configured_limits()
    name = display_path(path)
    text, problem = _read_text(path, name, limits)
    if problem is not None:
        return None, [problem]
    tree = read_tree(text, limits.max_depth, limits.max_scalar)
    if tree is not None:
        data, keys, items, root_line = tree
        return YamlDocument(path, data, keys, items, root_line), []
    document = YamlDocument(path=path, data=None)
    try:
        problems, fatal, built = _scan(text, document, limits)
    except yaml.MarkedYAMLError as error:
        line, what = syntax_error(error, text)
        return None, [Problem(Origin(name, line), f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, max(error.position, 0)) + 1
        return None, [Problem(Origin(name, line), f"holds a character YAML does not allow ({error.character!r}, "
                                                  "a control character?); delete it or save the file as plain text")]
    except yaml.YAMLError as error:
        return None, [Problem(Origin(name, 1), f"YAML error: {error}; fix the file so it parses")]
    if fatal:
        return None, problems  # a shared value may be an alias bomb, a deep one a stack bomb: never build it
    if document.root_line is None:
        return document, problems  # an empty file (or only comments)
    if built is not _UNBUILT:
        document.data = built
        return document, problems
    try:
        document.data = FactsLoader(text).get_single_data()
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else 1
        tag = _tag_of(error.problem or "")
        return None, [
            Problem(
                Origin(name, line),
                f"the YAML tag {tag} is not allowed; facts files hold plain maps, lists, "
                "text and numbers only, so remove the tag (quote the value if it is text)",
            )
        ]
    except yaml.YAMLError as error:  # the scan passed, so this is rare; still the file's fault
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return None, [
            Problem(
                Origin(name, line), f"YAML error: {getattr(error, 'problem', None) or error}; fix the file so it parses"
            )
        ]
    return document, problems


def syntax_error(error: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """libyaml's complaint retold for a maintainer: the line to look at, and what to do there."""
    problem, context = error.problem or "", error.context or ""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    opened = error.context_mark.line + 1 if error.context_mark else line
    if "nesting depth" in problem:
        return line, ("maps and lists nest too deep here (brackets opened and never closed?); facts need only a few "
                      "levels, so check the brackets")
    if "cannot start any token" in problem or "tab character" in problem:
        found = _character_at(text, error.problem_mark)
        if found == "\t" or "tab character" in problem:
            return line, "a tab character; YAML indents with spaces only, so replace the tab with spaces"
        return line, (f"a value cannot begin with {found!r}; put the value in quotes "
                      f"(\"{found}...\")")
    if "quoted scalar" in context and "end of stream" in problem:
        return (
            opened,
            "a quote opens here and is never closed; close it, or quote the text with the other kind of quote",
        )
    if "unknown escape" in problem or "escape" in problem:
        return (
            line,
            "a backslash in double quotes starts an escape YAML does not know; use single quotes, or write \\\\",
        )
    if ("flow" in context or "expected ','" in problem) and error.problem_mark and line == opened:
        return line, ("text inside [ ] or { } holds an unquoted ':' or ',' (or the bracket is not closed); "
                      "put such text in quotes")
    if "flow sequence" in context or "expected ',' or ']'" in problem:
        return opened, "a list opened with '[' here is not closed; add the ']' (or a ',' between items)"
    if "flow mapping" in context or "expected ',' or '}'" in problem:
        return opened, "a map opened with '{' here is not closed; add the '}' (or a ',' between its keys)"
    if "mapping values are not allowed" in problem:
        return line, ("a ': ' where YAML expects none: quote text that holds ': ', start a nested map on a line of "
                      "its own, or give the line above its ':'")
    if _after_quote(text, error.problem_mark):
        return line, ("a quote ends the text early (a quote mark inside text quoted with the same mark); "
                      "double a ' inside single quotes ('it''s'), or quote with the other mark")
    if "expected key" in problem or "expected <block end>" in problem or "expected '-' indicator" in problem:
        return line, ("this line is indented differently from the lines it belongs with; indent the keys of one "
                      "record, and the '- ' items of one list, the same")
    if "block sequence entries are not allowed" in problem:
        return line, "a list item ('- ') where a value was expected; start the list on a line of its own, indented"
    if "could not find expected ':'" in problem or "simple key" in context:
        return line, "a key without ':' (or an unclosed quote); add ': ' after the key"
    if "anchor" in problem or "alias" in problem:
        return line, ALIAS_MESSAGE
    return line, "this line is not well-formed YAML; check the indentation, the ': ' after each key and the quotes"


def _tag_of(problem: str) -> str:
    """'!!python/object' from libyaml's message
    "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object'"."""
    found = re.search(r"'([^']+)'", problem)
    return "!!" + found.group(1).removeprefix("tag:yaml.org,2002:") if found else "here"


def _after_quote(text: str, mark) -> bool:
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines) or not 0 < mark.column <= len(lines[mark.line]):
        return False
    return lines[mark.line][mark.column - 1] in "'\""


def _character_at(text: str, mark) -> str:
    lines = text.splitlines()
    if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return "?"
    return lines[mark.line][mark.column]


def _read_text(path: Path, name: str, limits: YamlLimits) -> tuple[str, Problem | None]:
    """The file's text, or the problem that stops it being read (not a file, too big, not UTF-8)."""
    at = Origin(name, 1)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return "", Problem(at, "is a directory, not a YAML file; move it out of the facts folder")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return "", Problem(
                at, "is not a regular file (a pipe, socket or device?); replace it with a plain YAML file"
            )
        if info.st_size > limits.max_bytes:
            return "", _too_big(at, info.st_size, limits)
        with open(path, "rb") as handle:
            raw = handle.read(info.st_size + 1)  # read(n) allocates n bytes up front: ask for what stat() saw
            if len(raw) > info.st_size:  # the file grew since stat(): read on, but never past the cap
                raw += handle.read(limits.max_bytes + 1 - len(raw))
    except OSError as error:
        return "", Problem(at, f"cannot be read ({error.strerror or error}); check that it exists and is readable")
    if len(raw) > limits.max_bytes:
        return "", _too_big(at, len(raw), limits)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return "", Problem(
            Origin(name, line), f"is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
        )


def _too_big(at: Origin, size: int, limits: YamlLimits) -> Problem:
    return Problem(at, f"is {size:,} bytes, more than the {limits.max_bytes:,} a facts file may hold; split it "
                       "(one file per organisation) or raise yaml_max_bytes (KGBUILD_YAML_MAX_BYTES)")


class _Collection:
    """One open map or list while scanning: where it is, and what is known of its keys."""

    __slots__ = ("at", "is_map", "index", "key", "expect_key", "first_line", "skip", "value", "data_key")

    def __init__(self, at: Path_, is_map: bool, value: dict | list, document: YamlDocument) -> None:
        self.at = at
        self.is_map = is_map
        self.value = value  # the dict or list being built
        self.data_key: Any = None  # the key as data (a resolved scalar: `1:` is the int 1)
        self.index = 0
        self.key: str | int | None = None
        self.expect_key = True
        self.first_line: dict[str, int] = {}  # also the document's line of each key of a map
        self.skip = False  # the value being read belongs to a refused key: record nothing of it
        if is_map:
            document.keys[at] = self.first_line
        else:
            document.items[at] = []


def _scan(text: str, document: YamlDocument, limits: YamlLimits) -> tuple[list[Problem], bool, Any]:
    """Walk the event stream once: record the line of every value; refuse what facts may not hold;
    build the data.

    Returns the problems, whether they are fatal (the document must not be built), and the data, or
    _UNBUILT when the file needs the safe loader (see _scalar) or has problems.
    """
    name = document.name
    problems: list[Problem] = []
    stack: list[_Collection] = []
    skipping = 0  # depth inside a refused value
    documents = 0
    anchors: dict[str, int] = {}  # an alias is reported where its value was first written
    building = True
    root: Any = _UNBUILT
    event: Any  # told apart by exact type (`kind is ...`, faster than isinstance), which mypy does not narrow on
    for event in yaml.parse(text, Loader=FactsLoader):
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                return [Problem(Origin(name, event.start_mark.line + 1), "a second YAML document (---) starts here; "
                                "a facts file holds one document, so move it to a file of its own")], True, _UNBUILT
            continue
        if kind not in _NODE_EVENTS and kind not in _END_EVENTS:
            continue
        line = event.start_mark.line + 1
        if kind is yaml.AliasEvent:
            return [*problems, Problem(Origin(name, anchors.get(event.anchor, line)), ALIAS_MESSAGE)], True, _UNBUILT
        if kind in _END_EVENTS:
            if skipping:
                skipping -= 1
            else:
                stack.pop()
            continue
        if event.anchor is not None:
            anchors.setdefault(event.anchor, line)
        if skipping:
            if kind is not yaml.ScalarEvent:
                skipping += 1
                if skipping + len(stack) > limits.max_depth:
                    return [_too_deep(name, line, limits)], True, _UNBUILT
            continue
        parent = stack[-1] if stack else None
        if parent is not None and parent.is_map and parent.expect_key:
            parent.expect_key = False
            key = _key_of(event)
            if building:
                parent.data_key = _scalar(event) if kind is yaml.ScalarEvent else _UNBUILT
                building = parent.data_key is not _UNBUILT
            if key == "<<":
                problems.append(
                    Problem(Origin(name, line), "YAML merge keys (<<) are not allowed in facts; write the keys out")
                )
                parent.skip = True
            elif key in parent.first_line:
                problems.append(Problem(Origin(name, line), f"key '{key}' appears twice in one map "
                                        f"(first at line {parent.first_line[key]}); keep one"))
                parent.skip = True
            else:
                parent.first_line[key] = line
                parent.key = key
                parent.skip = False
            if kind is not yaml.ScalarEvent:  # a map or list as a key: walk it, record nothing
                skipping = 1
            elif len(event.value) > limits.max_scalar:
                return [*problems, _too_long(name, line, len(event.value), limits)], True, _UNBUILT
            continue
        if parent is None:
            at: Path_ = ()
        elif parent.is_map:
            parent.expect_key = True
            if parent.skip:
                parent.skip = False
                if kind is not yaml.ScalarEvent:
                    skipping = 1
                continue
            at = (*parent.at, parent.key)  # type: ignore[arg-type]
        else:
            at = (*parent.at, parent.index)
            parent.index += 1
            document.items[parent.at].append(line)
        if parent is None:
            document.root_line = line
        if kind is yaml.ScalarEvent:
            if len(event.value) > limits.max_scalar:
                return [*problems, _too_long(name, line, len(event.value), limits)], True, _UNBUILT
            if building:
                value = _scalar(event)
                building = value is not _UNBUILT
                if parent is None:
                    root = value
                else:
                    _attach(parent, value)
            continue
        if len(stack) >= limits.max_depth:
            return [_too_deep(name, line, limits)], True, _UNBUILT
        container: dict | list = {} if kind is yaml.MappingStartEvent else []
        if building:
            building = event.tag is None
            if parent is None:
                root = container
            else:
                _attach(parent, container)
        stack.append(_Collection(at, kind is yaml.MappingStartEvent, container, document))
    return problems, False, root if building and not problems else _UNBUILT


_UNBUILT = object()  # the scan could not build the data: the safe loader will


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value as the safe loader makes it; _UNBUILT for an explicit tag or a rare implicit one."""
    if event.tag is not None:
        return _UNBUILT
    if not event.implicit[0]:  # quoted (or a block scalar): text
        return event.value
    try:
        return plain_scalar(event.value)
    except Unbuilt:
        return _UNBUILT  # a merge key, `=`, or the like: the loader's business


def _attach(parent: _Collection, value: Any) -> None:
    container = parent.value
    if isinstance(container, dict):  # parent.is_map
        container[parent.data_key] = value
    else:
        container.append(value)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _key_of(event: yaml.Event) -> str:
    if type(event) is yaml.ScalarEvent:
        return event.value
    return str(event.start_mark)


def _too_deep(name: str, line: int, limits: YamlLimits) -> Problem:
    return Problem(Origin(name, line), f"maps and lists nest more than {limits.max_depth} deep here; facts need "
                                       "only a few levels, so check the indentation and brackets (or raise "
                                       "yaml_max_depth, KGBUILD_YAML_MAX_DEPTH)")


def _too_long(name: str, line: int, length: int, limits: YamlLimits) -> Problem:
    return Problem(Origin(name, line), f"a value of {length:,} characters, more than the {limits.max_scalar:,} "
                                       "one value may hold; shorten it (or raise yaml_max_scalar, "
                                       "KGBUILD_YAML_MAX_SCALAR)")
