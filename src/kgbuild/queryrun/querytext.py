"""Query runtime -> what a query's text asks for before it reaches the store: updates, SERVICE calls, FROM graphs.

Oxigraph would send a SERVICE request wherever a query points (tried: it connects), and no engine
option turns that off, so the text is read first. A small tokenizer, not a regular expression over
the raw text, so that words inside strings, IRIs and comments never count and no keyword hides in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

REMEMBERED_TEXT = 8 * 1024  # queries up to this long are read once: UIs and scripts send the same ones again
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)
_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n\r]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!\'\'))*\'\'\'
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:[\w:%.-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>\S)
''', re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, pname, word, other
    text: str


@dataclass(frozen=True)
class QueryShape:
    """What the lexical reading found: update keywords, SERVICE targets, FROM / FROM NAMED graphs.

    A target that cannot be resolved to an IRI (a variable, an unknown prefix, an escape) is None.
    """

    update_words: tuple[str, ...] = ()
    services: tuple[str | None, ...] = ()
    from_graphs: tuple[str | None, ...] = ()
    from_named_graphs: tuple[str | None, ...] = ()


def tokens(text: str) -> list[Token]:
    """The query's tokens, comments left out."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            found.append(Token(kind, match.group()))
    return found


def read_shape(text: str) -> QueryShape:
    """Read what the query asks for; never raises (a malformed query is the parser's to report)."""
    return _read_remembered(text) if len(text) <= REMEMBERED_TEXT else _read(text)


@lru_cache(maxsize=512)
def _read_remembered(text: str) -> QueryShape:
    return _read(text)


def _read(text: str) -> QueryShape:
    update_words: list[str] = []
    services: list[str | None] = []
    from_graphs: list[str | None] = []
    from_named_graphs: list[str | None] = []
    found = tokens(text)
    prefixes: dict[str, str] = {}
    base = ""
    for position, token in enumerate(found):
        if token.kind != "word":
            continue
        word = token.text.upper()
        following = found[position + 1: position + 4]
        if word == "PREFIX" and len(following) >= 2 and following[0].kind == "pname" and following[1].kind == "iri":
            prefixes[following[0].text[:-1]] = _resolve(following[1].text[1:-1], base)
        elif word == "BASE" and following and following[0].kind == "iri":
            base = _resolve(following[0].text[1:-1], base)
        elif word in UPDATE_KEYWORDS:
            update_words.append(word)
        elif word == "SERVICE":
            if following and following[0].kind == "word" and following[0].text.upper() == "SILENT":
                following = following[1:]
            services.append(_target(following[0] if following else None, prefixes, base))
        elif word == "FROM":
            graphs = from_graphs
            if following and following[0].kind == "word" and following[0].text.upper() == "NAMED":
                following, graphs = following[1:], from_named_graphs
            graphs.append(_target(following[0] if following else None, prefixes, base))
    return QueryShape(tuple(update_words), tuple(services), tuple(from_graphs), tuple(from_named_graphs))


def _target(token: Token | None, prefixes: dict[str, str], base: str) -> str | None:
    if token is None:
        return None
    if token.kind == "iri":
        iri = token.text[1:-1]
        return None if "\\" in iri else _resolve(iri, base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes and "\\" not in local and "%" not in local:
            return prefixes[prefix] + local
    return None


def _resolve(iri: str, base: str) -> str:
    return urljoin(base, iri) if base and not re.match(r"[A-Za-z][\w+.-]*:", iri) else iri


def allowed_services(setting: str) -> frozenset[str]:
    """The SERVICE endpoints a query may call: the service_allow setting, split on spaces and commas."""
    return frozenset(part for part in re.split(r"[\s,]+", setting or "") if part)
