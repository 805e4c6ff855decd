"""Fixtures for the maintainers' workflow: facts folders with planted changes, a git repository of facts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import REAL_FACTS

# Planted test data, not facts: a source no one published, and what the tests do with it.
PLANTED_SOURCE = """
  - id: planted-test-source
    title: Planted test source (not a real publication)
    publisher: kgbuild tests
    issued: 2024-03-01
    language: en
"""
GEORGIA_OBSERVER = "  - {member: ge, status: observer, since: 2024-03-01, source: planted-test-source}\n"
SAUDI_OBSERVER = "  - {member: sa, status: observer, since: 2023-12-26, source: astanatimes-2023-12-28}\n"


def plant_changes(facts: Path) -> None:
    """One change of every sort in a copy of the curated facts: an observer added (Georgia, planted) and one
    removed (Saudi Arabia), a start date moved (Turkmenistan), a chairmanship's theme reworded, a source renamed."""
    for path in facts.glob("*.yaml"):
        path.write_text(path.read_text("utf-8").replace("lokmat-2022-10-13", "lokmat-2022-10-13-eec"), "utf-8")
    cica = facts / "cica.yaml"
    text = cica.read_text("utf-8")
    for old, new in [
        (SAUDI_OBSERVER, GEORGIA_OBSERVER),
        ("    status: observer\n    since: 2021-06\n", "    status: observer\n    since: 2021-07\n"),
        (
            "en: Partnership for Security and Development in Asia}\n    priorities:",
            "en: Planted theme}\n    priorities:",
        ),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    cica.write_text(text, "utf-8")
    sources = facts / "sources.yaml"
    sources.write_text(sources.read_text("utf-8") + PLANTED_SOURCE, "utf-8")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=kgbuild tests", "-c", "user.email=tests@example.org", *args],
                          cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def facts_repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the curated facts/ in one commit; returns the repository."""
    repo = tmp_path / "repo"
    shutil.copytree(REAL_FACTS, repo / "facts")
    git(repo, "init", "-q")
    git(repo, "add", "facts")
    git(repo, "commit", "-q", "-m", "facts as curated")
    return repo
