"""Label search: an index of every name of every resource, written by the build and read by the server.

It imports nothing from kgbuild but iris.py, so the build (graph/), the server (web/) and the
reconciliation API can all use it.
"""

from .folding import fold
from .reader import Hit, LabelIndex, SearchIndexError
from .schema import INDEX_FILE, NAME_KINDS, class_iri
from .writer import NameRow, write_index

__all__ = [
    "INDEX_FILE", "NAME_KINDS", "Hit", "LabelIndex", "NameRow", "SearchIndexError", "class_iri", "fold",
    "write_index",
]
