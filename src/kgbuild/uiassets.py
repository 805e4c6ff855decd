"""The query UI's browser assets (YASGUI): where an installed kgbuild finds them, and how to install them.

YASGUI ships as an npm package; nothing is loaded from a CDN. `make ui` (npm ci) or `kgbuild ui` puts
its two built files into the package itself (kgbuild/web/static/yasgui/), so a kgbuild installed with
`pip install .` serves them from wherever it lives; a checkout's node_modules/ is the fallback.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

YASGUI_PACKAGE = "@zazuko/yasgui"
YASGUI_VERSION = "4.6.2"  # the same pin as package.json (a test holds them together)
YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
PACKAGE_DIR = Path(__file__).resolve().parent / "web" / "static" / "yasgui"


class UiAssetsError(Exception):
    """The assets could not be installed; the message says what to do."""


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in YASGUI_FILES)


def node_modules_dirs() -> list[Path]:
    """YASGUI's build folder under node_modules/ of the working directory and of a checkout."""
    checkout = Path(__file__).resolve().parents[2]
    return [root / "node_modules" / YASGUI_PACKAGE / "build" for root in (Path.cwd(), checkout)]


def find_yasgui() -> Path | None:
    """The folder holding yasgui.min.js and yasgui.min.css: the package's own, else a node_modules/."""
    for folder in (PACKAGE_DIR, *node_modules_dirs()):
        if _complete(folder):
            return folder
    return None


def install_yasgui(destination: Path = PACKAGE_DIR) -> Path:
    """Put YASGUI's two files into destination: copied from a node_modules/ that has them, else taken from
    the npm registry with `npm pack` (npm must be installed).

    :raises UiAssetsError: npm is missing or failed, or destination cannot be written.
    """
    destination = Path(destination)
    source = next((folder for folder in node_modules_dirs() if _complete(folder)), None)
    try:
        destination.mkdir(parents=True, exist_ok=True)
        if source is not None:
            for name in YASGUI_FILES:
                shutil.copyfile(source / name, destination / name)
        else:
            _from_npm(destination)
    except OSError as error:
        raise UiAssetsError(f"cannot write the query UI's assets to {destination} ({error.strerror}); "
                            "run `kgbuild ui` as the user who installed kgbuild") from None
    return destination


def _from_npm(destination: Path) -> None:
    if shutil.which("npm") is None:
        raise UiAssetsError("npm is not installed; install Node.js and npm, then run `kgbuild ui` again "
                            "(without YASGUI, /sparql serves the plain query form)")
    with tempfile.TemporaryDirectory() as work:
        command = ["npm", "pack", f"{YASGUI_PACKAGE}@{YASGUI_VERSION}", "--json", "--pack-destination", work]
        done = subprocess.run(command, capture_output=True, text=True, cwd=work)
        if done.returncode != 0:
            raise UiAssetsError(f"npm could not fetch {YASGUI_PACKAGE}@{YASGUI_VERSION}: "
                                f"{(done.stderr or done.stdout).strip().splitlines()[-1:]}")
        tarball = Path(work) / json.loads(done.stdout)[0]["filename"]
        with tarfile.open(tarball) as archive:
            for name in YASGUI_FILES:
                member = archive.extractfile(f"package/build/{name}")
                if member is None:
                    raise UiAssetsError(f"{tarball.name} has no build/{name}")
                (destination / name).write_bytes(io.BytesIO(member.read()).getvalue())
