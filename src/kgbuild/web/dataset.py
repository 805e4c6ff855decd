"""Serve -> the one getter for the build being served: dist/'s store, opened read-only once per worker."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from ..store import BuildTracker, BuiltStore
from ..vocab import ONTOLOGY_IRI

EXTENSION_KEY = "kgbuild.build"


def init_app(app: Flask, dist: Path) -> None:
    """Attach dist/ to the app; each worker process opens the store on first use."""
    app.extensions[EXTENSION_KEY] = BuildTracker(dist)


def current_build() -> BuiltStore:
    """The build dist/ points at now (a new build is picked up on the next request).

    :raises StoreError: dist/ holds no readable build.
    """
    tracker: BuildTracker = current_app.extensions[EXTENSION_KEY]
    return tracker.current()


def local_path(iri: str) -> str | None:
    """The server path of an IRI under the base IRI (the base maps onto the server root), or None.

    The ontology's terms keep their IRIs whatever the base, and are documented at /ontology.
    """
    base = current_build().base_iri
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(str(ONTOLOGY_IRI)):
        return "/ontology" + iri[len(str(ONTOLOGY_IRI)):]
    return None


def local_href(iri: str) -> str:
    """Where a link to iri should point: the local page for our IRIs, the IRI itself otherwise."""
    return local_path(iri) or iri
