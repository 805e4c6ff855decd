"""Shared fixtures: real facts folders, a real build (made once per run), the CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
REAL_FACTS = ROOT / "facts"
SMALL_FACTS = ROOT / "tests" / "facts"
ONTOLOGY = ROOT / "ontology"
QUERIES = ROOT / "queries"


@pytest.fixture
def facts_dir(tmp_path: Path) -> Path:
    """A private copy of the small hand-written facts folder, free to alter."""
    copy = tmp_path / "facts"
    shutil.copytree(SMALL_FACTS, copy)
    return copy


@pytest.fixture
def real_facts_copy(tmp_path: Path) -> Path:
    """A private copy of the curated facts/, free to alter."""
    copy = tmp_path / "facts"
    shutil.copytree(REAL_FACTS, copy)
    return copy


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built once from the curated facts/ with every check on."""
    from kgbuild.graph.build import build

    out = tmp_path_factory.mktemp("real") / "dist"
    build(REAL_FACTS, out, ONTOLOGY, QUERIES)
    return out


@pytest.fixture(scope="session")
def built_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ built once from tests/facts."""
    from kgbuild.graph.build import build

    out = tmp_path_factory.mktemp("small") / "dist"
    build(SMALL_FACTS, out, ONTOLOGY, QUERIES)
    return out


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
