"""Search: answer a query from an index file, opened read-only: exact, then prefix, then fuzzy matches."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

from .folding import fold, letters, without_possessives
from .labels import preferred_label
from .schema import CODE_KINDS, SCHEMA_VERSION

TIERS = ("exact", "prefix", "fuzzy")
FUZZY_MIN = 0.8  # similarity (difflib ratio) a fuzzy match needs: one typo in a name of 5+ letters passes
POSSESSIVE_SCORE = 90.0  # a name the query is the possessive of: the top of the prefix tier, never exact
CANDIDATES = 200  # rows each matcher reads at most before ranking (the cap that keeps a query fast at any size)
_SHORTEST_FIRST = "ORDER BY r.class_group, length(n.folded), n.folded, r.iri"  # which candidates a capped read keeps


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
        names without one, like acronyms) and labels shown in it. A query that is exactly a name matches no
        typos (it is not misspelt); nor does one that finds limit resources without them. A possessive
        ("Kazakhstan's") finds what it is said of at the top of the prefix tier. Short queries (3
        letters or fewer) match no typos, and one or two letters match only exactly or as the start of an
        acronym or ISO code.
        """
        folded = fold(q)
        if not folded or limit < 1:
            return []
        size = letters(folded)
        filters = _Filters(types, lang)
        with self._lock:
            matches = self._exact(folded, filters)
            spelt_right = bool(matches)  # a query that is a name exactly is not a typo: no fuzzy matches
            owner = fold(without_possessives(q))
            if not spelt_right and owner and owner != folded:  # "Kazakhstan's": said of Kazakhstan, not it
                matches += [replace(match, tier=1, score=POSSESSIVE_SCORE) for match in self._exact(owner, filters)]
            prefix_kinds = CODE_KINDS if size <= 2 else None
            matches += self._prefix(folded, filters, prefix_kinds)
            if size > 3:
                matches += self._words(folded, filters)
                if not spelt_right and len({match.resource for match in matches}) < limit:  # else none would show
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

    def _rows(self, names: str, where: str, parameters: list, filters: _Filters, order: str = "") -> list[tuple]:
        """At most CANDIDATES names (and their resources) from names (a FROM clause naming name n) where
        the condition and the filters hold."""
        sql = (f"SELECT n.resource, r.iri, r.class, r.class_group, n.text, n.kind, n.language, n.folded "
               f"{names} JOIN resource r ON r.id = n.resource WHERE {where} {filters.sql} {order} LIMIT ?")
        return self._connection.execute(sql, [*parameters, *filters.parameters, CANDIDATES]).fetchall()

    def _exact(self, folded: str, filters: _Filters) -> list[_Match]:
        rows = self._rows("FROM name n", "n.folded = ?", [folded], filters)
        return [_match(row, 0, 100.0 if row[5] == "label" else 95.0) for row in rows]

    def _prefix(self, folded: str, filters: _Filters, kinds: tuple[str, ...] | None) -> list[_Match]:
        """Names starting with the query (an index range: every string from folded up to folded + the last
        code point)."""
        kind_sql = f" AND n.kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        rows = self._rows("FROM name n", "n.folded > ? AND n.folded < ?" + kind_sql,
                          [folded, folded + "\U0010ffff", *(kinds or ())], filters, _SHORTEST_FIRST)
        return [_match(row, 1, 60.0 + 30.0 * _length_ratio(folded, row[7])) for row in rows]

    def _words(self, folded: str, filters: _Filters) -> list[_Match]:
        """Names with a word starting with each word of the query ('selatan' finds 'Korea Selatan')."""
        expression = " ".join(f'"{word}"*' for word in folded.split())
        rows = self._rows("FROM name_words w JOIN name n ON n.id = w.rowid", "name_words MATCH ?", [expression],
                          filters, _SHORTEST_FIRST)
        # the shorter over the longer: a query longer than the name ("kazakhstan kazakhstan") scores no more
        return [_match(row, 1, 40.0 + 20.0 * _length_ratio(folded, row[7])) for row in rows]

    def _fuzzy(self, folded: str, filters: _Filters) -> list[_Match]:
        """Names holding, for each word of the query, that word or one spelt close to it (a word of 4 letters
        or more), kept when close enough to the query as a whole or in a run of as many words."""
        choices = [self._close_words(word) if len(word) >= 4 else [word] for word in folded.split()]
        if not all(choices):
            return []
        expression = " AND ".join("(" + " OR ".join(f'"{word}"' for word in words) + ")" for words in choices)
        rows = self._rows("FROM name_words w JOIN name n ON n.id = w.rowid", "name_words MATCH ?", [expression],
                          filters, _SHORTEST_FIRST)
        matches = []
        matcher = SequenceMatcher(None, b=folded, autojunk=False)  # the query's index is made once
        for row in rows:
            similarity = _similarity(matcher, folded, row[7])
            if similarity >= FUZZY_MIN:
                matches.append(_match(row, 2, round(40.0 * similarity, 2)))
        return matches

    def _close_words(self, word: str) -> list[str]:
        """The words of the index spelt close to word (itself included when there), closest first, at most 8."""
        grams = sorted({word[at:at + 3] for at in range(len(word) - 2)})
        rows = self._connection.execute(
            "SELECT w.text FROM word_trigrams t JOIN word w ON w.id = t.rowid WHERE word_trigrams MATCH ? "
            "ORDER BY t.rank, w.id LIMIT ?", (" OR ".join(f'"{gram}"' for gram in grams), CANDIDATES)).fetchall()
        matcher = SequenceMatcher(None, b=word, autojunk=False)
        close = []
        for (text,) in rows:
            if 2 * min(len(text), len(word)) / (len(text) + len(word)) < FUZZY_MIN:
                continue
            matcher.set_seq1(text)
            if matcher.quick_ratio() >= FUZZY_MIN and (ratio := matcher.ratio()) >= FUZZY_MIN:
                close.append((-ratio, text))
        return [text for _, text in sorted(close)[:8]]

    def _labels(self, resources: list[int], lang: str | None) -> dict[int, str]:
        """Each resource's label, by the one rule (labels.preferred_label); its IRI when it has none."""
        found: dict[int, list[tuple[str, str]]] = {resource: [] for resource in resources}
        for start in range(0, len(resources), 500):
            batch = resources[start:start + 500]
            rows = self._connection.execute(
                f"SELECT resource, language, text FROM name WHERE kind = 'label' AND resource IN "
                f"({', '.join('?' * len(batch))})", batch).fetchall()
            for resource, language, text in rows:
                found[resource].append((language, text))
        labels = {}
        for resource, pairs in found.items():
            label = preferred_label(pairs, lang)
            if label is None:  # no rdfs:label at all: shown by its IRI
                row = self._connection.execute("SELECT iri FROM resource WHERE id = ?", (resource,)).fetchone()
                label = row[0]
            labels[resource] = label
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


def _length_ratio(query: str, name: str) -> float:
    """How much of the longer of the two the shorter covers, 0-1: what keeps a prefix score within its band.

    >>> _length_ratio("kaz", "kazakhstan"), round(_length_ratio("kazakhstan " * 45, "kazakhstan"), 2)
    (0.3, 0.02)
    """
    return min(len(query), len(name)) / max(len(query), len(name))


def _similarity(matcher: SequenceMatcher, query: str, name: str) -> float:
    """How close query (matcher's b) is to name: as a whole, or (discounted) to its closest run of as many words."""
    words, width = name.split(), len(query.split())
    runs = [" ".join(words[at:at + width]) for at in range(len(words) - width + 1)] if len(words) > width else []
    best = 0.0
    for text, weight in [(name, 1.0), *((run, 0.9) for run in runs)]:
        # the bound from lengths alone rules most candidates out before the full comparison
        if weight * 2 * min(len(text), len(query)) / (len(text) + len(query)) < max(best, FUZZY_MIN):
            continue
        matcher.set_seq1(text)
        if weight * matcher.quick_ratio() >= max(best, FUZZY_MIN):
            best = max(best, weight * matcher.ratio())
    return best if best >= FUZZY_MIN else 0.0
