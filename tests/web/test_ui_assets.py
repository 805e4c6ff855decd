"""The query UI's assets travel with an installed kgbuild (`pip install .`), and `kgbuild ui` installs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgbuild.uiassets import YASGUI_FILES, YASGUI_PACKAGE, YASGUI_VERSION, install_yasgui, node_modules_dirs

ROOT = Path(__file__).resolve().parents[2]
NODE_BUILD = ROOT / "node_modules" / YASGUI_PACKAGE / "build"
# npm is optional for users; in CI (which has it) a missing install is a failure, not a skip
needs_npm_install = pytest.mark.skipif(not (NODE_BUILD / "yasgui.min.js").is_file() and not os.environ.get("CI"),
                                       reason="node_modules/ has no YASGUI: `make ui` (npm) did not run")


def test_the_pin_is_the_one_package_json_installs():
    pinned = json.loads((ROOT / "package.json").read_text("utf-8"))["dependencies"][YASGUI_PACKAGE]
    assert pinned == YASGUI_VERSION


@needs_npm_install
def test_kgbuild_ui_copies_the_two_files_from_node_modules(tmp_path):
    folder = install_yasgui(tmp_path / "assets")
    for name in YASGUI_FILES:
        assert (folder / name).read_bytes() == (NODE_BUILD / name).read_bytes()


@needs_npm_install
@pytest.mark.slow
def test_an_installed_kgbuild_serves_yasgui_without_a_checkout(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(tmp_path / "site"), str(ROOT)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"  # no node_modules/ here, nor beside the installed package
    elsewhere.mkdir()
    script = ("from kgbuild.uiassets import find_yasgui; import kgbuild; "
              "print(find_yasgui()); print(kgbuild.__file__)")
    done = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path / "site")})
    found, package = done.stdout.split()
    assert Path(package).is_relative_to(tmp_path / "site")
    assert Path(found).is_relative_to(tmp_path / "site")
    assert all((Path(found) / name).read_bytes() == (NODE_BUILD / name).read_bytes() for name in YASGUI_FILES)
    assert not any(folder.is_relative_to(tmp_path / "site") for folder in node_modules_dirs())
