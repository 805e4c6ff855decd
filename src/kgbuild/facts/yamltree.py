"""Facts stage: the fast way to read a well-formed facts file: libyaml composes the node tree in C,
and one walk over it builds the data and the line of every key and list item.

The walk accepts only what a facts file should hold (plain maps, lists and scalars, each key once,
no alias, no tag, within the limits). At the first thing it does not accept it gives up, and
yamlread's scan of the event stream reads the file instead, so every message about a file stays
that scan's. Nothing here reports a problem.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml: 3-4x faster than the pure-Python loader (DESIGN.md §6)
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class FactsLoader(_BaseLoader):
    """Safe loader that keeps dates as text, so `2019-02-30` is our error, not a constructor crash."""


FactsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class Unbuilt(Exception):
    """A value the fast walk does not build (a tag, a merge key, `=`): the safe loader's business."""


_CONSTRUCTOR = FactsLoader("")  # its methods turn a resolved int, float or bool scalar into a value
_BUILDERS = {
    "tag:yaml.org,2002:str": None,
    "tag:yaml.org,2002:null": None,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
}
# A plain scalar whose first character starts no implicit type (null, bool, int, float, ...) is text.
_TYPED_FIRST = frozenset(FactsLoader.yaml_implicit_resolvers)
_typed: dict[str, Any] = {}  # plain texts already resolved (dates, codes, numbers repeat): immutable values
_TYPED_MAX = 100_000


def plain_scalar(text: str) -> Any:
    """A plain (unquoted, untagged) scalar's value, as the safe loader makes it.

    :raises Unbuilt: for an implicit type the walk leaves to the loader (a merge key `<<`, `=`).
    """
    if text[:1] not in _TYPED_FIRST:
        return text
    value = _typed.get(text, _typed)
    if value is _typed:
        tag = _CONSTRUCTOR.resolve(yaml.ScalarNode, text, (True, False))
        if tag not in _BUILDERS:
            raise Unbuilt(tag)
        builder = _BUILDERS[tag]
        if builder is None:
            value = None if tag.endswith("null") else text
        else:
            value = builder(yaml.ScalarNode(tag, text))
        if len(_typed) >= _TYPED_MAX:
            _typed.clear()
        _typed[text] = value
    return value


_PLAIN = "plain"  # the tag _TreeLoader gives a plain scalar: resolved (and cached) by plain_scalar
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}


class _TreeLoader(FactsLoader):
    """Composes nodes in C and leaves plain scalars to plain_scalar, which caches what repeats."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return _DEFAULT_TAGS[kind]  # a quoted scalar (or one tagged `!`) is text, as the safe loader has it


# The whole tree is held at once (a few hundred bytes a node), where the scan streams: past this size
# (a facts file is tens of KB) the scan reads the file, so a huge file of tiny items cannot balloon memory.
TREE_MAX_CHARS = 1024 * 1024


class _Unusual(Exception):
    """The file holds something the walk leaves to the event scan."""


def read_tree(text: str, max_depth: int, max_scalar: int) -> tuple[Any, dict[Path_, dict[str, int]],
                                                                   dict[Path_, list[int]], int] | None:
    """(data, line of each key by the map's path, line of each item by the list's path, the first line),
    or None when the file needs the event scan: anything unusual, wrong or empty."""
    if "*" in text or len(text) > TREE_MAX_CHARS:  # "*": maybe an alias, which the composer would share
        return None  # silently; the scan reports it
    loader = _TreeLoader(text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, ValueError, RecursionError):  # the scan words what is wrong
        return None
    finally:
        loader.dispose()
    if root is None:
        return None
    walk = _Walk(max_depth, max_scalar)
    try:
        data = walk.scalar(root) if type(root) is yaml.ScalarNode else walk.collection(root, (), 0)
    except (_Unusual, Unbuilt, RecursionError):  # RecursionError: a yaml_max_depth set past Python's stack
        return None
    return data, walk.keys, walk.items, root.start_mark.line + 1


class _Walk:
    """One walk over a composed tree (recursive: nesting is bounded by max_depth and libyaml's own cap)."""

    def __init__(self, max_depth: int, max_scalar: int) -> None:
        self.max_depth, self.max_scalar = max_depth, max_scalar
        self.keys: dict[Path_, dict[str, int]] = {}
        self.items: dict[Path_, list[int]] = {}

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if len(text) > self.max_scalar:
            raise _Unusual
        if node.tag is _PLAIN:
            return plain_scalar(text)
        if node.tag == _STR:
            return text
        raise _Unusual  # an explicit tag

    def collection(self, node: yaml.Node, at: Path_, depth: int) -> Any:
        if depth >= self.max_depth:
            raise _Unusual
        scalar, collection, Scalar = self.scalar, self.collection, yaml.ScalarNode
        if type(node) is yaml.MappingNode and node.tag == _MAP:
            data: dict[Any, Any] = {}
            lines: dict[str, int] = {}
            self.keys[at] = lines
            for key_node, value_node in node.value:
                if type(key_node) is not Scalar:
                    raise _Unusual  # a map or list as a key
                key = key_node.value
                if key in lines or key == "<<":
                    raise _Unusual  # a key written twice, a merge key
                lines[key] = key_node.start_mark.line + 1
                data[scalar(key_node)] = (scalar(value_node) if type(value_node) is Scalar
                                          else collection(value_node, (*at, key), depth + 1))
            return data
        if type(node) is yaml.SequenceNode and node.tag == _SEQ:
            values: list[Any] = []
            item_lines: list[int] = []
            self.items[at] = item_lines
            for index, item in enumerate(node.value):
                item_lines.append(item.start_mark.line + 1)
                values.append(scalar(item) if type(item) is Scalar else collection(item, (*at, index), depth + 1))
            return values
        raise _Unusual  # an explicit tag on a map or list
