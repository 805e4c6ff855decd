"""Query runtime -> counting the rows of an answer while Oxigraph serialises it, for the row cap.

Oxigraph serialises solutions in Rust, row after row, with no hook per row; iterating them in Python
to count would cost more than the serialising. So solutions are counted in the bytes, by format, with
what each format guarantees cannot occur inside a value: TSV escapes line breaks; CSV quotes a value
holding one (quotes doubled); XML escapes '<'; JSON escapes '"' in strings. Triples (CONSTRUCT,
DESCRIBE) pass through a Python iterator, which costs little beside serialising them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .formats import Format

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_UNUSUAL = re.compile(rb'\{(?:"[,}]|\})')  # a string ending in '{', or an empty object


class ResultTooLarge(Exception):
    """The answer passed the row or byte cap; the message says which and what to do."""


class _Counter:
    """Counts rows fed to it as bytes (feed) or passing through it (wrap)."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.rows = 0

    def feed(self, chunk: bytes) -> None:
        """Count the rows that end in this chunk of serialised output."""

    def wrap(self, items: Iterable) -> Iterator:
        return iter(items)

    def check(self) -> None:
        if self.rows > self.max_rows:
            raise ResultTooLarge(f"the answer has more than {self.max_rows:,} rows, the most this endpoint sends; "
                                 "add LIMIT (and page with OFFSET) or download the dumps at /dumps/")


class _Triples(_Counter):
    def wrap(self, items: Iterable) -> Iterator:
        for item in items:
            self.rows += 1
            if self.rows > self.max_rows:
                self.check()
            yield item


class _Lines(_Counter):
    """TSV: one line per row after the header; line breaks in values are escaped."""

    def __init__(self, max_rows: int) -> None:
        super().__init__(max_rows)
        self._lines = 0

    def feed(self, chunk: bytes) -> None:
        self._lines += chunk.count(b"\n")
        self.rows = max(self._lines - 1, 0)


class _CsvLines(_Lines):
    """CSV: line breaks outside quotes; a doubled quote inside a value toggles twice, so parity holds."""

    def __init__(self, max_rows: int) -> None:
        super().__init__(max_rows)
        self._quoted = False

    def feed(self, chunk: bytes) -> None:
        if b'"' not in chunk and not self._quoted:
            return super().feed(chunk)
        pieces = chunk.split(b'"')
        outside = pieces[1::2] if self._quoted else pieces[0::2]
        self._lines += sum(piece.count(b"\n") for piece in outside)
        self._quoted ^= (len(pieces) - 1) % 2 == 1
        self.rows = max(self._lines - 1, 0)


class _XmlResults(_Counter):
    """XML: one <result> element per row; '<' in values is escaped."""

    def __init__(self, max_rows: int) -> None:
        super().__init__(max_rows)
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        text = self._tail + chunk
        self.rows += text.count(b"<result>")
        self._tail = text[-7:]  # '<result>' split across chunks is found with the next one


class _JsonSolutions(_Counter):
    """JSON: solutions are the objects of the bindings array, each opening with '[{' or ',{' outside strings.

    Exact with the strings stripped, but stripping costs as much as serialising. A JSON string escapes
    every '"', so '{"' occurs inside one only as its last character and closing quote, which ',' or '}'
    follows, never a key (a variable's name). So a chunk holding no '{",', '{"}' or '{}' (an empty
    solution) has one '[{"' or ',{"' per solution, wherever its strings start and end.
    Only what follows its last key is read closely, to know whether the chunk ends inside a string.
    """

    def __init__(self, max_rows: int) -> None:
        super().__init__(max_rows)
        self._open_string = b""  # '"' (+ a pending backslash) when a chunk ended inside a string
        self._tail = b""  # the last byte outside strings, for a '[{' or ',{' split across chunks

    def feed(self, chunk: bytes) -> None:
        key = _last_key(chunk)
        if key < 0 or _UNUSUAL.search(chunk, 0, key + 3):
            return self._strip_and_count(chunk)
        openings = chunk.count(b',{"', 0, key + 2)
        if not self.rows:  # the bindings array's '[' opens the first solution
            openings += chunk.count(b'[{"', 0, key + 2)
        if self._tail in (b",", b"[") and _opens_key(chunk, 0):  # its ',' or '[' ended the chunk before
            openings += 1
        self.rows += openings
        self._open_string, self._tail = b"", b""
        self._strip_and_count(chunk[key:])

    def _strip_and_count(self, chunk: bytes) -> None:
        stripped = _JSON_STRING.sub(b"", self._open_string + chunk)
        unclosed = stripped.find(b'"')
        if unclosed >= 0:  # a string runs on into the next chunk: keep only what decides how it ends
            rest = stripped[unclosed:]
            backslashes = len(rest) - len(rest.rstrip(b"\\"))
            self._open_string = b'"' + (b"\\" if backslashes % 2 else b"")
            stripped = stripped[:unclosed]
        else:
            self._open_string = b""
        text = self._tail + stripped
        self.rows += text.count(b"[{") + text.count(b",{")  # the head's only array holds strings: stripped, '[]'
        self._tail = text[-1:]


def _opens_key(chunk: bytes, at: int) -> bool:
    """Whether the '{"' at `at` opens an object and its first key (not a string's end: see _JsonSolutions)."""
    return chunk.startswith(b'{"', at) and chunk[at + 2:at + 3] not in (b",", b"}", b"")


def _last_key(chunk: bytes) -> int:
    """Where the chunk's last '{"' opening an object's first key is, or -1."""
    found = chunk.rfind(b'{"')
    while found >= 0 and not _opens_key(chunk, found):
        found = chunk.rfind(b'{"', 0, found)
    return found


def row_counter(result: object, chosen: Format, max_rows: int) -> _Counter:
    """The counter for a result serialised in the chosen format."""
    if isinstance(result, ox.QueryTriples):
        return _Triples(max_rows)
    if isinstance(result, ox.QueryBoolean):
        return _Counter(max_rows)
    counters: dict[ox.QueryResultsFormat | None, type[_Counter]] = {
        ox.QueryResultsFormat.TSV: _Lines, ox.QueryResultsFormat.CSV: _CsvLines,
        ox.QueryResultsFormat.XML: _XmlResults, ox.QueryResultsFormat.JSON: _JsonSolutions,
    }
    return counters.get(chosen.results, _Counter)(max_rows)
