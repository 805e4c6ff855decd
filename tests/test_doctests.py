"""The examples in docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kgbuild

MODULES = sorted(info.name for info in pkgutil.walk_packages(kgbuild.__path__, "kgbuild."))
ON_A_BUILD = ["kgbuild.store.notebook"]  # examples that open dist/: run beside the real build


def run_examples(name: str) -> int:
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
    return tried


@pytest.mark.parametrize("name", sorted(set(MODULES) - set(ON_A_BUILD)))
def test_docstring_examples(name):
    run_examples(name)


@pytest.mark.parametrize("name", ON_A_BUILD)
def test_docstring_examples_on_the_real_build(name, built, tmp_path, monkeypatch):
    (tmp_path / "dist").symlink_to(built, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert run_examples(name) > 0
