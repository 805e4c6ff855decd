"""Search: write the index file from the names of a build (deterministic bytes, written aside then renamed)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from ..iris import RDFS
from .folding import fold
from .schema import DDL, NAME_KINDS, SCHEMA_VERSION, class_group, shown_class


class NameRow(NamedTuple):
    """One name of one resource: its text, language tag ('' for none) and kind (one of NAME_KINDS)."""

    iri: str
    text: str
    language: str
    kind: str


def write_index(path: Path, names: Iterable[NameRow], classes: Mapping[str, Iterable[str]]) -> None:
    """Write the index of names to path (classes: each resource's class IRIs), replacing it in one rename.

    The same names and classes always give the same bytes: rows go in sorted, the file is vacuumed
    and holds no time. A name of an unknown kind raises ValueError.
    """
    path = Path(path)
    strongest: dict[tuple[str, str, str], str] = {}  # one row per (resource, text, language): its strongest kind
    folded: dict[str, str] = {}
    for row in names:
        if row.kind not in NAME_KINDS:
            raise ValueError(
                f"name {row.text!r} of {row.iri} has kind {row.kind!r}; use one of {', '.join(NAME_KINDS)}")
        if row.text not in folded:
            folded[row.text] = fold(row.text)
        if not folded[row.text]:
            continue  # nothing to find it by (punctuation only)
        key = (row.iri, row.text, row.language)
        if key not in strongest or NAME_KINDS.index(row.kind) < NAME_KINDS.index(strongest[key]):
            strongest[key] = row.kind
    resources = sorted({iri for iri, _, _ in strongest})
    aside = path.with_name(f".{path.name}.tmp")
    aside.unlink(missing_ok=True)
    connection = sqlite3.connect(aside, isolation_level=None)
    try:
        connection.executescript("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        connection.executescript(DDL)
        connection.execute("BEGIN")
        connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        number = {iri: index for index, iri in enumerate(resources, start=1)}
        kinds = {iri: sorted(set(classes.get(iri, ()))) or [RDFS + "Resource"] for iri in resources}
        shown = {iri: shown_class(kinds[iri]) for iri in resources}
        connection.executemany("INSERT INTO resource VALUES (?, ?, ?, ?)",
                               [(number[iri], iri, shown[iri], class_group(shown[iri])) for iri in resources])
        connection.executemany("INSERT INTO resource_class VALUES (?, ?)",
                               sorted((kind, number[iri]) for iri in resources for kind in kinds[iri]))
        rows = sorted(strongest.items(),
                      key=lambda item: (item[0][0], NAME_KINDS.index(item[1]), item[0][2], item[0][1]))
        connection.executemany(
            "INSERT INTO name (resource, text, folded, language, kind) VALUES (?, ?, ?, ?, ?)",
            [(number[iri], text, folded[text], language, kind) for (iri, text, language), kind in rows],
        )
        words = sorted({word for text in folded.values() for word in text.split()})
        connection.executemany("INSERT INTO word (text) VALUES (?)", [(word,) for word in words])
        for table in ("name_words", "word_trigrams"):
            connection.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
            connection.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()
    os.replace(aside, path)
