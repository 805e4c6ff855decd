"""Read side: open a built dist/ read-only, from its on-disk Oxigraph store or from the remote SPARQL
store it names, behind one interface (interface.Store); nothing here imports the build or the YAML."""

from .embedded import BuiltStore
from .interface import Store, StoreError
from .opening import BuildTracker, open_store

__all__ = ["BuildTracker", "BuiltStore", "Store", "StoreError", "open_store"]
