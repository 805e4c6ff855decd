"""Search: answer a query from an index file, opened read-only: exact, then prefix, then fuzzy matches."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .folding import fold, letters
from .schema import CODE_KINDS, SCHEMA_VERSION

TIERS = ("exact", "prefix", "fuzzy")
FUZZY_MIN = 0.8  # similarity (difflib ratio) a fuzzy match needs: one typo in a name of 5+ letters passes
CANDIDATES = 200  # rows each matcher reads at most before ranking (the cap that keeps a query fast at any size)


class SearchIndexError(Exception):
    """The index file is missing or is not a search index this code reads."""


@dataclass(frozen=True)
class Hit:
    """One resource found: its label (in the asked language, else English), the name that matched, its class."""

    iri: str
    label: str
    name: str  # the name the query matched, as the resource carries it
    name_kind: str  # label, official, former, acronym, short, variant or code
    name_language: str  # '' for a name without a language (acronyms, codes)
    type: str  # class IRI
    score: float  # 0-100: 100 is an exact match of the label
    match: str  # exact, prefix or fuzzy


@dataclass(frozen=True)
class _Match:
    resource: int
    iri: str
    type: str
    group: int
    name: str
    name_kind: str
    name_language: str
    tier: int
    score: float


class LabelIndex:
    """An index file written by write_index, opened read-only (immutable: a build never changes)."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        if not path.is_file():
            raise SearchIndexError(f"{path}: no search index here; rebuild with `kgbuild build` to write it")
        self.path = path
        self._connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                           check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by a worker's threads
        try:
            version = self._connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise SearchIndexError(f"{path}: not a search index ({error}); rebuild with `kgbuild build`") from error
        if version is None or version[0] != SCHEMA_VERSION:
            self._connection.close()
            raise SearchIndexError(f"{path}: search index of another version; rebuild with `kgbuild build`")

    def close(self) -> None:
        self._connection.close()

    def classes(self) -> list[str]:
        """Every class IRI some indexed resource has, sorted."""
        with self._lock:
            return [row[0] for row in self._connection.execute("SELECT DISTINCT class FROM resource_class ORDER BY 1")]

    def search(self, q: str, types: Iterable[str] | None = None, lang: str | None = None, limit: int = 10) -> list[Hit]:
        """The resources q names best, best first: exact matches, then prefix, then fuzzy (typos); within a
        tier organisations and countries, then places, meetings and documents, then the rest; then by score.

        types: class IRIs a resource must have one of; lang: 'en' or 'id', names in that language (and
        names without one, like acronyms) and labels shown in it. Short queries (3 letters or fewer) match
        no typos, and one or two letters match only exactly or as the start of an acronym or ISO code.
        """
        folded = fold(q)
        if not folded or limit < 1:
            return []
        size = letters(folded)
        filters = _Filters(types, lang)
        with self._lock:
            matches = self._exact(folded, filters)
            prefix_kinds = CODE_KINDS if size <= 2 else None
            matches += self._prefix(folded, filters, prefix_kinds)
            if size > 3:
                matches += self._words(folded, filters)
                matches += self._fuzzy(folded, filters)
            best: dict[int, _Match] = {}
            for match in matches:
                held = best.get(match.resource)
                if held is None or (match.tier, -match.score, match.name) < (held.tier, -held.score, held.name):
                    best[match.resource] = match
            labels = self._labels(list(best), lang)
        ranked = sorted(best.values(), key=lambda m: (m.tier, m.group, -m.score, fold(labels[m.resource]), m.iri))
        return [_hit(match, labels[match.resource]) for match in ranked[:limit]]

    def lookup(self, name: str, types: Iterable[str] | None = None, lang: str | None = None) -> list[Hit]:
        """Every resource that has name (folded: case, diacritics and punctuation aside), in ranking order;
        more than one means the name is ambiguous."""
        folded = fold(name)
        if not folded:
            return []
        with self._lock:
            matches = self._exact(folded, _Filters(types, lang))
            best: dict[int, _Match] = {}
            for match in sorted(matches, key=lambda m: (-m.score, m.name)):
                best.setdefault(match.resource, match)
            labels = self._labels(list(best), lang)
        ranked = sorted(best.values(), key=lambda m: (m.group, -m.score, fold(labels[m.resource]), m.iri))
        return [_hit(match, labels[match.resource]) for match in ranked]

    def _rows(self, sql: str, parameters: list, filters: _Filters):
        query = (f"SELECT n.resource, r.iri, r.class, r.class_group, n.text, n.kind, n.language, n.folded {sql}"
                 .replace("{filters}", filters.sql))
        return self._connection.execute(query, [*parameters[:-1], *filters.parameters, parameters[-1]]).fetchall()

    def _exact(self, folded: str, filters: _Filters) -> list[_Match]:
        rows = self._rows("FROM name n JOIN resource r ON r.id = n.resource WHERE n.folded = ? {filters} LIMIT ?",
                          [folded, CANDIDATES], filters)
        return [_match(row, 0, 100.0 if row[5] == "label" else 95.0) for row in rows]

    def _prefix(self, folded: str, filters: _Filters, kinds: tuple[str, ...] | None) -> list[_Match]:
        kind_sql = f"AND n.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        rows = self._rows(
            f"FROM name n JOIN resource r ON r.id = n.resource WHERE n.folded > ? AND n.folded < ? {kind_sql} "
            "{filters} ORDER BY r.class_group, length(n.folded), n.folded, r.iri LIMIT ?",
            [folded, folded + "\U0010ffff", *(kinds or ()), CANDIDATES], filters)
        return [_match(row, 1, 60.0 + 30.0 * len(folded) / len(row[7])) for row in rows]

    def _words(self, folded: str, filters: _Filters) -> list[_Match]:
        """Names with a word starting with each word of the query ('selatan' finds 'Korea Selatan')."""
        expression = " ".join(f'"{word}"*' for word in folded.split())
        rows = self._rows(
            "FROM name_words w JOIN name n ON n.id = w.rowid JOIN resource r ON r.id = n.resource "
            "WHERE name_words MATCH ? {filters} ORDER BY r.class_group, length(n.folded), n.folded, r.iri LIMIT ?",
            [expression, CANDIDATES], filters)
        return [_match(row, 1, 40.0 + 20.0 * len(folded) / len(row[7])) for row in rows]

    def _fuzzy(self, folded: str, filters: _Filters) -> list[_Match]:
        """Names sharing trigrams with the query, kept when close enough as a whole or in a run of as many words."""
        grams = sorted({folded[at:at + 3] for at in range(len(folded) - 2)})
        expression = " OR ".join(f'"{gram}"' for gram in grams)
        rows = self._rows(
            "FROM name_trigrams t JOIN name n ON n.id = t.rowid JOIN resource r ON r.id = n.resource "
            "WHERE name_trigrams MATCH ? {filters} ORDER BY t.rank, n.id LIMIT ?",
            [expression, CANDIDATES], filters)
        matches = []
        for row in rows:
            similarity = _similarity(folded, row[7])
            if similarity >= FUZZY_MIN:
                matches.append(_match(row, 2, round(40.0 * similarity, 2)))
        return matches

    def _labels(self, resources: list[int], lang: str | None) -> dict[int, str]:
        """Each resource's label: in lang, else English, else without a language, else any (first by text)."""
        preference = [lang or "en", "en", ""]
        chosen: dict[int, tuple[int, str]] = {}
        for start in range(0, len(resources), 500):
            batch = resources[start:start + 500]
            rows = self._connection.execute(
                f"SELECT resource, language, text FROM name WHERE kind = 'label' AND resource IN "
                f"({', '.join('?' * len(batch))})", batch).fetchall()
            for resource, language, text in rows:
                rank = (preference.index(language) if language in preference else 3, text)
                if resource not in chosen or rank < chosen[resource]:
                    chosen[resource] = rank
        missing = [resource for resource in resources if resource not in chosen]
        labels = {resource: text for resource, (_, text) in chosen.items()}
        for resource in missing:  # no rdfs:label at all: shown by its IRI
            row = self._connection.execute("SELECT iri FROM resource WHERE id = ?", (resource,)).fetchone()
            labels[resource] = row[0]
        return labels


class _Filters:
    """The WHERE clauses of the type and language filters, with their parameters."""

    def __init__(self, types: Iterable[str] | None, lang: str | None) -> None:
        clauses, self.parameters = [], []
        wanted = sorted(set(types or ()))
        if wanted:
            marks = ", ".join("?" * len(wanted))
            clauses.append(f"AND r.id IN (SELECT resource FROM resource_class WHERE class IN ({marks}))")
            self.parameters += wanted
        if lang:
            clauses.append("AND n.language IN (?, '')")
            self.parameters.append(lang)
        self.sql = " ".join(clauses)


def _match(row: tuple, tier: int, score: float) -> _Match:
    resource, iri, class_, group, text, kind, language, _ = row
    return _Match(resource, iri, class_, group, text, kind, language, tier, round(score, 2))


def _hit(match: _Match, label: str) -> Hit:
    return Hit(match.iri, label, match.name, match.name_kind, match.name_language, match.type, match.score,
               TIERS[match.tier])


def _similarity(query: str, name: str) -> float:
    """How close query is to name: as a whole, or (discounted) to its closest run of as many words."""
    whole = SequenceMatcher(None, query, name, autojunk=False).ratio()
    words, width = name.split(), len(query.split())
    runs = (" ".join(words[at:at + width]) for at in range(len(words) - width + 1)) if len(words) > width else ()
    closest = max((SequenceMatcher(None, query, run, autojunk=False).ratio() for run in runs), default=0.0)
    return max(whole, 0.9 * closest if closest >= FUZZY_MIN else 0.0)
