"""A bad setting is one line naming the setting and where it was set, exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.cli import cli

KGBUILD = str(Path(sys.executable).parent / "kgbuild")


@pytest.mark.parametrize("variable, value, words", [
    ("KGBUILD_WORKERS", "two", "expected a whole number, got 'two'"),
    ("KGBUILD_BASE_IRI", "https://example.org/kg", "must end with '/'"),
    ("KGBUILD_BASE_IRI", "example.org/kg/", "is not an http(s) IRI"),
    ("KGBUILD_QUERY_TIMEOUT", "fast", "expected a number, got 'fast'"),
    ("KGBUILD_YAML_MAX_DEPTH", "-3", "must be at least 1"),
    ("SOURCE_DATE_EPOCH", "yesterday", "is not a number of seconds since 1970-01-01 UTC"),
])
def test_a_bad_environment_setting_is_one_line_naming_it(runner, variable, value, words):
    result = runner.invoke(cli, ["validate", "facts"], env={variable: value})
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {variable} (environment): ") and words in lines[0], lines


@pytest.mark.parametrize("setting, words", [
    ('workers = "two"', "expected a whole number, got 'two'"),
    ('base_iri = "https://example.org/kg"', "must end with '/'"),
    ("worker = 2", "unknown setting (did you mean 'workers'?)"),
    ("keep_builds = 2.5", "expected a whole number, got 2.5"),
])
def test_a_bad_pyproject_setting_names_the_file(tmp_path, setting, words):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.kgbuild]\n{setting}\n", "utf-8")
    result = subprocess.run([KGBUILD, "validate"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    name = setting.split(" =")[0]
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {name} in [tool.kgbuild] in {pyproject.resolve()}: ") and words in line


def test_a_pyproject_that_is_not_toml_is_named(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kgbuild\nworkers = 2\n", "utf-8")
    result = subprocess.run([KGBUILD, "build"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "pyproject.toml: cannot read the settings" in result.stderr
