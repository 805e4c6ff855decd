"""Serve -> the one getter for the build being served: dist/'s store, opened read-only once per worker."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app, g, has_request_context

from ..iris import ONTOLOGY
from ..store import BuildTracker, Store

EXTENSION_KEY = "kgbuild.build"
CACHES_KEY = "kgbuild.build_caches"


class BuildCaches:
    """Dicts of what is the same for every request on one build; a new build starts empty ones.

    Keyed by the build's folder and id, so two apps in one process (tests) never share entries.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._build: tuple[str, str] | None = None
        self._caches: dict[str, dict] = {}

    def named(self, build: Store, name: str) -> dict:
        key = (str(build.path), build.build_id)
        with self._lock:
            if key != self._build:
                self._build, self._caches = key, {}
            return self._caches.setdefault(name, {})


def init_app(app: Flask, dist: Path) -> None:
    """Attach dist/ to the app; each worker process opens the store on first use."""
    app.extensions[EXTENSION_KEY] = BuildTracker(dist)
    app.extensions[CACHES_KEY] = BuildCaches()


def current_build() -> Store:
    """The build dist/ points at now (a new build is picked up on the next request).

    Looked up once per request: a page links hundreds of terms, and one build serves the whole request.

    :raises StoreError: dist/ holds no readable build.
    """
    if has_request_context() and "kgbuild_build" in g:
        return g.kgbuild_build
    tracker: BuildTracker = current_app.extensions[EXTENSION_KEY]
    build = tracker.current()
    if has_request_context():
        g.kgbuild_build = build
    return build


def build_cache(build: Store, name: str) -> dict:
    """The dict called name that lives as long as build is the one served (per worker process)."""
    return current_app.extensions[CACHES_KEY].named(build, name)


def keep(cache: dict, entries: dict, limit: int) -> None:
    """Add entries to a per-build cache; past limit entries it starts again (so memory stays bounded)."""
    if len(cache) + len(entries) > limit:
        cache.clear()
    cache.update(entries)


def local_path(iri: str, base: str | None = None) -> str | None:
    """The server path of an IRI under the base IRI (the base maps onto the server root), or None.

    The ontology's terms keep their IRIs whatever the base, and are documented at /ontology.
    base is the served build's base IRI, for callers that show many terms and have it at hand.
    """
    base = base or current_build().base_iri
    if iri.startswith(base):
        return "/" + iri[len(base):]
    if iri.startswith(ONTOLOGY):
        return "/ontology" + iri[len(ONTOLOGY):]
    return None


def local_href(iri: str, base: str | None = None) -> str:
    """Where a link to iri should point: the local page for our IRIs, the IRI itself otherwise."""
    return local_path(iri, base) or iri
