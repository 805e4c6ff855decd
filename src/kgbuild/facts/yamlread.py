"""Facts stage: read one YAML file with libyaml, keeping a line for every value beside the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Origin, Problem, display_path

try:  # libyaml: 3-4x faster than the pure-Python loader (DESIGN.md §6)
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]


ALIAS_MESSAGE = ("this value is reused through a YAML alias (&name ... *name); "
                 "aliases are not allowed in facts, write the value out each time")


class FactsLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text, so `2019-02-30` is our error, not a constructor crash."""


FactsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    """The data of one file and the line of every value in it, by path (('memberships', 3, 'since'))."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def origin(self, at: Path_) -> Origin:
        """The line of the value at a path, or of its nearest enclosing value."""
        for cut in range(len(at), -1, -1):
            line = self.lines.get(at[:cut])
            if line is not None:
                return Origin(self.name, line)
        return Origin(self.name, 1)


def read_yaml(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one file; return the document (None when unreadable) and the problems found."""
    name = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except IsADirectoryError:
        return None, [Problem(Origin(name, 1), "is a directory, not a YAML file; move it out of the facts folder")]
    except UnicodeDecodeError as error:
        return None, [Problem(Origin(name, 1), f"is not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8")]
    except OSError as error:
        return None, [Problem(Origin(name, 1), f"cannot be read ({error.strerror}); check that it exists and is readable")]
    try:
        node = yaml.compose(text, Loader=FactsLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem or error.context or "malformed YAML"
        return None, [Problem(Origin(name, line), f"YAML syntax error: {what}; fix the indentation or quoting there")]
    except yaml.YAMLError as error:
        return None, [Problem(Origin(name, 1), f"YAML error: {error}; fix the file so it parses")]
    document = YamlDocument(path=path, data=None)
    if node is None:
        return document, []
    problems: list[Problem] = []
    _walk(node, (), document, problems, seen=set())
    if any(problem.message == ALIAS_MESSAGE for problem in problems):
        return None, problems  # a shared value may be an alias bomb: never build it
    try:
        document.data = FactsLoader(text).get_single_data()
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else 1
        return None, [Problem(Origin(name, line), f"{error.problem}; facts files hold plain maps, lists, text and numbers only")]
    return document, problems


def _walk(node: yaml.Node, at: Path_, document: YamlDocument, problems: list[Problem], seen: set[int]) -> None:
    """Record the line of every value; refuse aliases and duplicate keys (YAML would hide them)."""
    if id(node) in seen:
        problems.append(Problem(Origin(document.name, node.start_mark.line + 1),
                                ALIAS_MESSAGE))
        return
    seen.add(id(node))
    document.lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key == "<<":
                problems.append(Problem(Origin(document.name, line), "YAML merge keys (<<) are not allowed in facts; write the keys out"))
                continue
            if key in first_line:
                problems.append(Problem(Origin(document.name, line),
                                        f"key '{key}' appears twice in one map (first at line {first_line[key]}); keep one"))
                continue
            first_line[key] = line
            document.lines[(*at, key)] = line
            _walk(value_node, (*at, key), document, problems, seen)
            document.lines[(*at, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*at, index), document, problems, seen)
