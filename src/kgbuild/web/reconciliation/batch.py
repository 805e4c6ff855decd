"""Serve -> reading a reconciliation query batch (`queries=`, JSON) into queries, or a 400/413 that says
what is wrong with it and how to send it right."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ..protocol.operation import ProtocolError

BATCH_SIZE = 50  # queries in one batch at most (the manifest's batchSize); OpenRefine sends 10 by default
MAX_CANDIDATES = 100  # a query's limit is capped here
DEFAULT_CANDIDATES = 10
MAX_NAME = 500  # characters in a query's name at most: longer is no name, and would only cost matching time
MAX_CONDITIONS = 20  # properties in one query, and values of one property, at most
QUERY_KEYS = ("query", "type", "limit", "properties", "type_strict")
TYPE_STRICT = ("any", "should", "all")


@dataclass(frozen=True)
class PropertyCondition:
    """A property a query supplies (pid) with the values candidates should have (text each)."""

    pid: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ReconciliationQuery:
    key: str
    text: str
    types: tuple[str, ...] = ()
    limit: int = DEFAULT_CANDIDATES
    properties: tuple[PropertyCondition, ...] = ()
    every_type: bool = False  # type_strict "all": a candidate must have each of types, not one of them


def read_batch(text: str, batch_size: int = BATCH_SIZE) -> list[ReconciliationQuery]:
    """The queries of a batch, in the order sent.

    :raises ProtocolError: 400 for JSON that is not a batch of reconciliation queries (naming the query
        and field at fault); 413 for more than batch_size queries.
    """
    batch = read_json(text, "queries=", '{"q0": {"query": "Kazakhstan", "type": "Country"}}')
    if not isinstance(batch, dict):
        raise ProtocolError(400, "queries= must be a JSON object of queries by key, such as "
                                 '{"q0": {"query": "Kazakhstan"}}; it is ' + type(batch).__name__)
    if len(batch) > batch_size:
        raise ProtocolError(413, f"a batch may hold {batch_size} queries and this one holds {len(batch)}; "
                                 f"send them in batches of {batch_size} (the manifest's batchSize)")
    return [_read_query(str(key), fields) for key, fields in batch.items()]


def read_json(text: str, field: str, example: str) -> object:
    """The JSON in a form field. :raises ProtocolError: 400 naming the field and showing what it should hold."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: arrays nested past Python's stack
        detail = str(error) if isinstance(error, ValueError) else "nested too deep"
        raise ProtocolError(400, f"{field} is not JSON ({detail}); send an object such as {example}") from None


def _read_query(key: str, fields: object) -> ReconciliationQuery:
    if not isinstance(fields, dict):
        raise _bad(key, "must be an object such as {\"query\": \"Kazakhstan\"}")
    unknown = sorted(set(fields) - set(QUERY_KEYS))
    if unknown:
        raise _bad(key, f"has unknown field(s) {', '.join(map(repr, unknown))}; a query takes: {', '.join(QUERY_KEYS)}")
    text = fields.get("query", "")
    if not isinstance(text, str):
        raise _bad(key, "query must be a string")
    if len(text) > MAX_NAME:
        raise _bad(key, f"has a query of {len(text):,} characters; a name has at most {MAX_NAME}")
    conditions = _read_properties(key, fields.get("properties", []))
    if not text.strip() and not conditions:
        raise _bad(key, "needs a non-empty query or at least one property")
    strict = fields.get("type_strict", "should")
    if strict not in TYPE_STRICT:
        raise _bad(key, f"type_strict must be one of {', '.join(TYPE_STRICT)}, not {strict!r}")
    return ReconciliationQuery(key, text.strip(), _read_types(key, fields.get("type")),
                               _read_limit(key, fields.get("limit", DEFAULT_CANDIDATES)), conditions,
                               every_type=strict == "all")


def _read_types(key: str, types: object) -> tuple[str, ...]:
    if types is None:
        return ()
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not all(isinstance(t, str) and t.strip() for t in types):
        raise _bad(key, "type must be a type id (\"Country\") or a list of them")
    return tuple(t.strip() for t in types)


def _read_limit(key: str, limit: object) -> int:
    # JSON may give Infinity, NaN or 1e400 (a float's infinity): no whole number, so checked before int()
    if (isinstance(limit, bool) or not isinstance(limit, int | float) or not math.isfinite(limit) or limit < 1
            or limit != int(limit)):
        raise _bad(key, f"limit must be a positive integer, not {json.dumps(limit)}")
    return min(int(limit), MAX_CANDIDATES)


def _read_properties(key: str, properties: object) -> tuple[PropertyCondition, ...]:
    if not isinstance(properties, list):
        raise _bad(key, "properties must be a list of {\"pid\": ..., \"v\": ...}")
    if len(properties) > MAX_CONDITIONS:
        raise _bad(key, f"supplies {len(properties)} properties; a query may supply {MAX_CONDITIONS}")
    conditions = []
    for position, entry in enumerate(properties, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("pid"), str) or "v" not in entry:
            raise _bad(key, f"property {position} must be an object with pid (a string) and v")
        values = entry["v"] if isinstance(entry["v"], list) else [entry["v"]]
        if len(values) > MAX_CONDITIONS:
            raise _bad(key, f"gives property {position} {len(values)} values; a property may have {MAX_CONDITIONS}")
        conditions.append(PropertyCondition(entry["pid"], tuple(_value_text(key, value) for value in values)))
    return tuple(conditions)


def _value_text(key: str, value: object) -> str:
    """A property value as text: a string or number as written, an entity by its id."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise _bad(key, f"a property value must be a string, number, boolean or {{\"id\": ...}}, not {json.dumps(value)}")


def _bad(key: str, what: str) -> ProtocolError:
    return ProtocolError(400, f"query {key!r} {what}")
