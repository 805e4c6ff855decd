"""Facts stage: every value that becomes an IRI or a literal, checked by the parser the store load uses.

The build writes each text as an RDF literal and each address as an IRI, and pyoxigraph parses them;
checking them here with pyoxigraph's own NamedNode and Literal means validate never passes a value
that the build would then refuse far from its YAML line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from pyoxigraph import Literal, NamedNode

from .collection import Facts
from .models import PartialDate, Record
from .problems import Problem


@cache
def _language_refused(tag: str) -> bool:
    try:
        Literal("", language=tag.lower())  # the mapper writes tags in lower case, as Oxigraph stores them
    except ValueError:
        return True
    return False


def _iri_problem(address: str) -> str | None:
    try:
        NamedNode(address)
    except ValueError as error:
        return str(error)
    return None


def _text_refused(text: str) -> bool:
    if text.isascii():  # what Literal refuses is a lone surrogate; ASCII holds none, so skip the call
        return False
    try:
        Literal(text)
    except (ValueError, TypeError):
        return True
    return False


def _describe_iri_error(reason: str) -> str:
    character = re.search(r"'(.+?)'", reason)
    if character and "code point" in reason:
        return (f"it holds {character.group(1)!r}, which a web address may not; "
                f"percent-encode it ({_encoded(character.group(1))})")
    if "percent" in reason:
        return "a '%' is not followed by two hexadecimal digits; write '%25' for a literal '%'"
    if "host" in reason:
        return "its host name is malformed; check the part after https://"
    return "it is not a well-formed address; copy it again from the browser's address bar"


def _encoded(character: str) -> str:
    return "".join(f"%{byte:02X}" for byte in character.encode("utf-8"))


def _values(value: Any) -> Iterator[tuple[str | None, str]]:
    """The (language tag, text) pairs a field holds: plain text has no tag; label maps and lists of them do."""
    if isinstance(value, str):
        yield None, value
    elif isinstance(value, dict):
        for tag, text in value.items():
            if isinstance(text, str):
                yield tag, text
    elif isinstance(value, list):
        for item in value:
            yield from _values(item)
    elif isinstance(value, Record):  # a nested record: a name, a participant, an alternative value
        for _, inner in value.fields():
            yield from _values(inner)


_NO_TEXT = frozenset((type(None), bool, int, PartialDate))  # the values most fields hold that carry no text


def check_terms(facts: Facts) -> Iterator[Problem]:
    """Each address is an IRI, each language tag a BCP 47 tag, and each text a literal, as pyoxigraph reads them."""
    for record in facts.records():
        for key, value in record.fields():
            kind = type(value)
            if kind is str and key != "language" and not key.endswith("url"):  # most values: one text
                if _text_refused(value):
                    yield _surrogate_problem(record, key)
                continue
            if kind in _NO_TEXT or (kind is list and all(type(item) is str and item.isascii() for item in value)):
                continue  # no text, or ids (source: [...]) that hold nothing pyoxigraph could refuse
            if key.endswith("url") and isinstance(value, str):
                reason = _iri_problem(value)
                if reason is not None:
                    yield Problem(record.origin_of(key), f"{key}: {value[:60]!r} is not a web address the store "
                                                        f"accepts: {_describe_iri_error(reason)}")
                continue
            if key == "language" and isinstance(value, str) and _language_refused(value):
                yield _tag_problem(record, key, value)  # a source's language tags its title
                continue
            for tag, text in _values(value):
                if tag is not None and _language_refused(tag):
                    yield _tag_problem(record, key, tag)
                    break
                if _text_refused(text):
                    yield _surrogate_problem(record, key)
                    break


def _surrogate_problem(record: Record, key: str) -> Problem:
    return Problem(record.origin_of(key), f"{key}: holds a character that cannot be stored as text "
                                          "(a lone surrogate); retype the text")


def _tag_problem(record: Record, key: str, tag: str) -> Problem:
    return Problem(record.origin_of(key), f"{key}: '{tag}' is not a well-formed BCP 47 language tag (after the "
                                          "language come a script such as Hant, a region such as US or 419, or a "
                                          "variant); write e.g. en, id or zh-Hant")
