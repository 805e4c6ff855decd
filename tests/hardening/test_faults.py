"""Faults: builds killed at ten moments, a full disk, a missing or corrupt store; dist/ and the server carry on."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from kgbuild.cli import cli
from tests.conftest import ONTOLOGY, QUERIES, REAL_FACTS

from .observations import observe
from .serving import start_server, stop_server

AREA = "faults"
_SCRIPT = Path(sys.executable).with_name("kgbuild")  # the installed command, as maintainers run it
KGBUILD = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-c", "from kgbuild.cli import cli; cli()"]


def kgbuild_build(facts: Path, out: Path) -> list[str]:
    return [*KGBUILD, "build", "--facts", str(facts), "--out", str(out), "--ontology", str(ONTOLOGY),
            "--queries", str(QUERIES), "--quiet"]


def whole_build(dist: Path, files: dict[str, str], reference: dict[str, str]) -> bool:
    """Whether the build dist/ points at (files: its snapshot) holds every artefact a finished build has
    (reference: one's snapshot), its report names it, and its store is whole (RocksDB's CURRENT written)."""
    expected = {name for name in reference if name != "->" and not name.startswith("store/")}
    report = json.loads((dist / "report.json").read_text("utf-8"))
    return (expected <= files.keys() and "store/CURRENT" in files
            and report["build_id"] == files["->"].rsplit("/", 1)[-1])


def snapshot(dist: Path) -> dict[str, str]:
    """Every file of the build dist/ points at, by path, with its sha256; and where the link points."""
    files = {"->": os.readlink(dist)}
    root = dist.resolve()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def change_a_label(facts: Path) -> None:
    """Edit the facts so that a finished build would differ from the last one."""
    cica = facts / "cica.yaml"
    text = cica.read_text("utf-8")
    cica.write_text(text.replace("organisation:\n", "organisation:\n  # edited by the fault test\n", 1)
                    .replace("en: Conference on Interaction and Confidence-Building",
                             "en: Conference on Interaction and Confidence Building", 1), "utf-8")


class Hammer:
    """Clients asking the server all the time: every failure is kept, every build id seen is counted."""

    def __init__(self, server, clients: int = 3) -> None:
        self.server = server
        self.failures: list[str] = []
        self.build_ids: set[str] = set()
        self.requests = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._ask, args=(n,), daemon=True) for n in range(clients)]
        for thread in self._threads:
            thread.start()

    def _ask(self, n: int) -> None:
        paths = ["/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%2090", "/id/organisation/cica.ttl",
                 "/dumps/kg.nt"]
        while not self._stop.is_set():
            path = paths[(self.requests + n) % len(paths)]
            try:
                response = requests.get(self.server.url(path), timeout=30)
                body_ok = len(response.content) > 0
                if response.status_code != 200 or not body_ok:
                    self.failures.append(f"{path}: {response.status_code}")
                self.build_ids.add(response.headers.get("ETag", "").strip('"').split(".")[0])
            except requests.RequestException as error:
                self.failures.append(f"{path}: {error}")
            self.requests += 1

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


@pytest.mark.slow
def test_builds_killed_at_ten_moments_leave_the_last_good_build_served(tmp_path, server_kind):
    facts = tmp_path / "facts"
    shutil.copytree(REAL_FACTS, facts)
    out = tmp_path / "dist"
    subprocess.run(kgbuild_build(facts, out), check=True, capture_output=True, cwd=tmp_path)  # fills .dist.cache/
    started = time.monotonic()  # the builds below reuse HermiT's answer (a label is not in it): time one such
    subprocess.run(kgbuild_build(facts, out), check=True, capture_output=True, cwd=tmp_path)
    full = time.monotonic() - started
    good = snapshot(out)
    first_id = good["->"].rsplit("/", 1)[-1]
    server = start_server(out, tmp_path / "server.log", {"KGBUILD_MAX_RESULT_ROWS": "100000"}, server=server_kind)
    hammer = Hammer(server)
    change_a_label(facts)
    kills = 0
    try:
        for fraction in (0.05, 0.15, 0.3, 0.45, 0.6, 0.7, 0.78, 0.84, 0.89, 0.94):
            build = subprocess.Popen(kgbuild_build(facts, out), cwd=tmp_path, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(full * fraction)
            if build.poll() is None:
                os.killpg(build.pid, signal.SIGKILL)  # the build and its reasoner (java), as an OOM kill would
                kills += 1
            build.wait()
            now = snapshot(out)
            if now["->"] != good["->"]:  # it switched dist/ before the kill (which may still have cut the
                # few milliseconds after the switch, pruning and exiting): what dist/ shows must be whole
                assert whole_build(out, now, good), f"killed at {fraction:.0%} of a build: a partial build is served"
                good = now
            assert now == good, f"killed at {fraction:.0%} of a build: dist/ changed"
            response = server.get("/sparql", params={"query": "ASK {}"})
            assert response.status_code == 200 and good["->"].rsplit("/", 1)[-1] in response.headers["ETag"]
        # the first build ran with cold caches, so a later one may finish before a late kill: that is
        # allowed (it is then the new good build), but most must have been cut short
        assert kills >= 6, kills
        subprocess.run(kgbuild_build(facts, out), check=True, capture_output=True, cwd=tmp_path)
        new_id = os.readlink(out).rsplit("/", 1)[-1]
        # the changed facts' build; a build above that finished before its kill had the same facts, so the same id
        assert new_id != first_id
        assert new_id in server.get("/sparql", params={"query": "ASK {}"}).headers["ETag"]  # no restart
        time.sleep(1.0)
        assert new_id in hammer.build_ids
    finally:
        hammer.stop()
        stop_server(server.process)
    assert hammer.failures == [], hammer.failures[:5]
    observe(AREA, "`kgbuild build` killed with SIGKILL at 10 moments (5% ... 94% of a build)", 10,
            "dist/ byte for byte the last good build; the server kept answering")
    observe(AREA, "a finished build switched in under a running server, clients asking throughout", 1,
            "picked up without restart; no request failed")


def test_a_full_disk_fails_the_build_cleanly_and_keeps_the_previous_one(tmp_path):
    facts = tmp_path / "facts"
    shutil.copytree(REAL_FACTS, facts)
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("needs root to mount a small tmpfs; test_a_write_error_... covers the message")
    try:
        out = disk / "dist"
        subprocess.run(kgbuild_build(facts, out), check=True, capture_output=True, cwd=tmp_path)
        good = snapshot(out)
        stats = os.statvfs(disk)
        with open(disk / "filler", "wb") as filler:  # leave 1 MiB: less than a build needs
            filler.write(b"\0" * (stats.f_bavail * stats.f_frsize - 1024 * 1024))
        change_a_label(facts)
        result = subprocess.run(kgbuild_build(facts, out), capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 1
        assert "Error: " in result.stderr and "disk is full" in result.stderr, result.stderr[-500:]
        assert "Traceback" not in result.stderr
        assert snapshot(out) == good
        assert not list((disk / ".dist.builds").glob("tmp-*"))  # the half-written build was removed
    finally:
        subprocess.run(["umount", str(disk)], check=False)
    observe(AREA, "a build onto a full disk (a tmpfs with 1 MiB free)", 1,
            "exit 1, `Error: ... the disk is full ...`, no traceback; previous build intact")


def test_a_write_error_is_a_clean_cli_error(tmp_path, runner, monkeypatch):
    from kgbuild.graph import write

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(write, "_write_artefacts", full)
    result = runner.invoke(cli, ["build", "--facts", str(REAL_FACTS), "--out", str(tmp_path / "dist"),
                                 "--ontology", str(ONTOLOGY), "--queries", str(QUERIES), "-q"])
    assert result.exit_code == 1
    assert "disk is full" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("damage", ["missing", "corrupt store", "no report"])
def test_serve_on_a_missing_or_corrupt_build_is_a_clear_start_up_error(built, tmp_path, damage):
    dist = tmp_path / "dist"
    if damage != "missing":
        shutil.copytree(built.resolve(), dist)
        if damage == "corrupt store":
            for table in (dist / "store").iterdir():
                if table.is_file():
                    table.write_bytes(b"\0garbage" * 64)
        else:
            (dist / "report.json").unlink()
    result = subprocess.run([*KGBUILD, "serve", "--dist", str(dist), "--bind", "127.0.0.1:0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "kgbuild build" in result.stderr
    assert "Traceback" not in result.stderr
    observe(AREA, f"`kgbuild serve` on a build that is {damage}", 1,
            "exit 1 at start-up: `Error: ...` naming `kgbuild build`")
