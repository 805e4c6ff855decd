"""Serve -> the rdfs:labels of many IRIs at once, remembered for the build being served.

Labels are the same for every request on a build, and the same few (countries, organisations,
the ontology's terms) appear on many pages; every term a query returns costs a string lookup in
the store, so a label is read once per worker and build, and the rest read together (from the store's
index, or in one query from a remote store).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import pyoxigraph as ox

from ...iris import RDFS_LABEL
from ...store import Store
from ..dataset import build_cache, keep

LABEL = ox.NamedNode(RDFS_LABEL)
CACHE_ENTRIES = 50_000  # about 300 bytes each: 15 MB per worker at most


def labels_of(build: Store, terms: Iterable[object]) -> dict[ox.NamedNode, tuple[ox.Literal, ...]]:
    """The labels (every language) of the IRIs among terms; literals and blank nodes are skipped."""
    wanted = {term for term in terms if isinstance(term, ox.NamedNode)}
    cache = build_cache(build, "labels")
    found = {term: cache.get(term) for term in wanted}
    missing = [term for term, labels in found.items() if labels is None]
    if missing:
        read = build.objects(missing, LABEL)  # a label may be in two graphs: counted once
        keep(cache, read, CACHE_ENTRIES)
        found.update(read)
    return cast(dict[ox.NamedNode, tuple[ox.Literal, ...]], found)  # objects() gave every missing one its labels


