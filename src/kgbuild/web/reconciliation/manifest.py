"""Serve -> the service manifest: what /reconcile offers, where, and in which id and schema spaces."""

from __future__ import annotations

from flask import url_for

from ...iris import KG
from ...store import Store
from .batch import BATCH_SIZE
from .ids import identifier_space
from .types import default_types, known_types

PREVIEW_SIZE = {"width": 420, "height": 200}  # pixels of the client's iframe


def manifest(build: Store) -> dict:
    """The manifest for the build served; URLs are this server's (the view is the resource's page here)."""
    root = url_for("pages.landing", _external=True).rstrip("/")
    known = known_types(build)

    def service(endpoint: str) -> dict:
        return {"service_url": root, "service_path": url_for(endpoint)}

    return {
        "versions": ["0.2"],
        "name": f"kgbuild ({build.report.get('version') or build.build_id})",
        "identifierSpace": identifier_space(build.base_iri),
        "schemaSpace": KG,
        "documentation": url_for("pages.landing", _external=True),
        "defaultTypes": [t.as_json(known) for t in default_types(build)],
        "view": {"url": f"{root}/id/{{{{id}}}}"},
        "preview": {"url": f"{url_for('reconcile.preview', _external=True)}?id={{{{id}}}}", **PREVIEW_SIZE},
        "suggest": {
            "entity": service("reconcile.suggest_entity"),
            "type": service("reconcile.suggest_type"),
            "property": service("reconcile.suggest_property"),
        },
        "extend": {"propose_properties": service("reconcile.propose_properties"), "property_settings": []},
        "batchSize": BATCH_SIZE,
    }
