"""Facts stage: pydantic's errors retold in the maintainer's terms (`what is wrong; how to fix it`)."""

from __future__ import annotations

import re
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from .models import LANGUAGE_PATTERN, SLUG_PATTERN, WIKIDATA_PATTERN
from .problems import did_you_mean


def article(model: type[BaseModel]) -> str:
    """'a membership', 'an agenda item': how a message names a kind of record."""
    noun = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def owner_of(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The record a key belongs to: the file's record, or one nested in it (an agenda item of a meeting)."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part)) or next(
            (info for info in current.model_fields.values() if info.alias == part), None)
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            return current
        current = inner
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The record model inside an annotation such as `list[AgendaItem]` or `Label | None`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def key_path(loc: tuple) -> str:
    """The keys leading to a value, as a maintainer reads them: `label.en`, never `[key]` or list indices."""
    return ".".join(str(part) for part in loc if not isinstance(part, int) and part != "[key]")


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind_of(value: Any) -> str:
    return {bool: "yes/no", int: "a number", float: "a number", str: "text", list: "a list", dict: "a map"}.get(
        type(value), type(value).__name__)


def describe_error(detail: ErrorDetails, model: type[BaseModel]) -> str:
    """Turn one pydantic error into `what is wrong; how to fix it`, in the maintainer's terms."""
    name = key_path(detail["loc"]) or model.__name__.lower()
    value = detail.get("input")
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "extra_forbidden":
        owner = owner_of(model, tuple(detail["loc"]))
        allowed = sorted(info.alias or key for key, info in owner.model_fields.items())
        last = str(detail["loc"][-1])
        return f"unknown key '{last}'{did_you_mean(last, allowed)}; {article(owner)} takes: {', '.join(allowed)}"
    if kind == "missing":
        field = model.model_fields.get(str(detail["loc"][-1]))
        hint = f" ({field.description})" if field is not None and field.description else ""
        return f"missing required key '{name}'; add `{name}: ...`{hint}"
    if value is None and kind != "value_error":
        return f"{name}: has no value; write one after the colon, or remove the key"
    if kind in {"value_error", "assertion_error"}:
        return f"{name}: {ctx['error']}" if detail["loc"] else str(ctx["error"])
    if kind == "literal_error":
        return f"{name}: {_shown(value)} is not allowed; use {ctx['expected']}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(name, value, ctx["pattern"], detail["loc"])
    if kind in {"int_parsing", "int_type", "int_from_float", "finite_number"}:
        return f"{name}: expected a whole number, got {_shown(value)}; write digits only, e.g. 5"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{name}: expected true or false, got {_shown(value)}; write true or false"
    if kind == "string_type" and isinstance(value, bool):
        return (f"{name}: YAML read this as {str(value).lower()} (yes/no, on/off and y/n are true/false in YAML 1.1); "
                f"put the value in quotes, e.g. {name.split('.')[-1]}: 'no'")
    if kind in {"string_type", "string_unicode"}:
        return f"{name}: expected text, got {_kind_of(value)} {_shown(value)}; put it in quotes"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return (f"{name}: expected a map such as {{en: ..., id: ...}}, got {_kind_of(value)} {_shown(value)}; "
                "write each text under its language tag")
    if kind in {"list_type", "tuple_type", "set_type"}:
        return (f"{name}: expected a list such as [a, b], got {_kind_of(value)} {_shown(value)}; "
                "write the items in [ ] separated by commas, or one per line starting with '- '")
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{name}: {_shown(value)} is too small; it must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"{name}: {_shown(value)} is too large; it must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind in {"string_too_short", "too_short"}:
        return f"{name}: is empty; give a value"
    if kind in {"string_too_long", "too_long"}:
        return f"{name}: is too long; shorten it"
    return f"{name}: the value {_shown(value)} does not fit this key; see docs/facts-format.md for what it takes"


def _pattern_message(name: str, value: Any, pattern: str, loc: tuple) -> str:
    if "[key]" in loc or pattern == LANGUAGE_PATTERN:
        where = key_path(loc[:-2]) if "[key]" in loc else name  # a map's key: name the map, not the key
        return (f"{where}: {_shown(value)} is not a language tag; write a BCP 47 tag in lower case, "
                "such as en or id")
    if pattern == "^[a-z]{2}$":
        return f"{name}: {_shown(value)} is not an ISO 3166-1 alpha-2 code; write two lower-case letters, e.g. kz"
    if pattern == SLUG_PATTERN:
        return f"{name}: {_shown(value)} is not a valid id; use lower-case letters, digits and '-' (e.g. nur-sultan)"
    if pattern == WIKIDATA_PATTERN:
        return (f"{name}: {_shown(value)} is not a Wikidata id; write Q and its digits as the entity's page "
                "https://www.wikidata.org/wiki/Q... shows them, e.g. Q7768")
    if "https?" in pattern:
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return f"{name}: {_shown(value)} holds a space; write a space in a web address as %20"
        return f"{name}: {_shown(value)} is not a web address; write it in full, starting with https://"
    return f"{name}: {_shown(value)} is not written as this key expects; see docs/facts-format.md"
