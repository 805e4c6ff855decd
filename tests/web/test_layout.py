"""The layout's promises: the query runtime loads no Flask, IRIs are spelled once, in kgbuild/iris.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import kgbuild

PACKAGE = Path(kgbuild.__file__).parent
LOADED = """
import importlib, pkgutil, sys
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    for info in pkgutil.iter_modules(getattr(module, "__path__", []), name + "."):
        importlib.import_module(info.name)
print(" ".join(sorted(name for name in ("flask", "werkzeug", "rdflib", "yaml") if name in sys.modules)))
"""


def heavy_modules_loaded_by(*modules: str) -> list[str]:
    """Which of flask, werkzeug, rdflib and yaml a fresh interpreter holds after importing modules."""
    done = subprocess.run([sys.executable, "-c", LOADED, *modules], capture_output=True, text=True, check=True,
                          timeout=60)
    return done.stdout.split()


def test_the_query_runtime_imports_no_flask_werkzeug_rdflib_or_yaml():
    assert heavy_modules_loaded_by("kgbuild.queryrun") == []


def test_the_iri_constants_import_nothing():
    assert heavy_modules_loaded_by("kgbuild.iris") == []


def test_the_web_and_the_query_runtime_spell_no_iri_of_their_own():
    spelled = re.compile(r"https?://(?:www\.w3\.org|purl\.org|schema\.org|xmlns\.com|rdfs\.org|w3id\.org)[^\s\"'>]*")
    found = [f"{path.relative_to(PACKAGE)}: {match}"
             for folder in ("web", "queryrun") for path in sorted((PACKAGE / folder).rglob("*.py"))
             for match in spelled.findall(path.read_text("utf-8"))]
    assert found == [], "take these from kgbuild.iris"
