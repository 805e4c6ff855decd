"""The maintainer's loop: `kgbuild serve --watch` over a copy of the curated facts, a page open in chromium,
and the YAML edited as a maintainer would. The edits are planted test data in the copy, not facts."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from kgbuild.cli import cli
from kgbuild.web import create_app

from ..conftest import REAL_FACTS, ROOT
from ..hardening.serving import stop_server
from ..test_imports import modules_loaded_by, not_for_servers
from ..web.conftest import free_port
from ..web.test_browser import browser  # noqa: F401 - the fixture: Debian's chromium under Playwright

PATIENCE = 180.0  # seconds: a first build on a busy two-core machine; nothing here is a measured time
LABEL = "    en: Conference on Interaction and Confidence-Building Measures in Asia\n"
PLANTED_LABEL = "    en: Conference on Interaction and Confidence-Building Measures in Asia (planted test label)\n"
FOUNDED = "  founded: 1992-10-05\n"  # MINA, 2021-10-07
MISTAKE = "  founded: 1992-13-05\n"  # no 13th month: a slip a maintainer could make


@dataclass
class Watching:
    """A running `kgbuild serve --watch`: where it listens, the facts it watches, what it printed."""

    process: subprocess.Popen
    root: str
    facts: Path
    dist: Path
    stderr: Path

    def printed(self) -> str:
        return self.stderr.read_text("utf-8", "replace")

    def edit(self, name: str, old: str, new: str) -> str:
        """Replace old (found once) by new in a facts file, as an editor saves it; return the new text."""
        path = self.facts / name
        text = path.read_text("utf-8")
        assert text.count(old) == 1, old
        text = text.replace(old, new)
        path.write_text(text, "utf-8")
        return text


def wait_for(condition, what: str, patience: float = PATIENCE):
    """Poll condition until it is true (returned), or fail saying what did not happen."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {patience:.0f} s")


def answers(root: str) -> bool:
    try:
        return requests.get(root + "/sparql?query=ASK%7B%7D", timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def watchers_of(facts: Path) -> list[int]:
    """Process ids of the watcher processes watching this facts folder."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"kgbuild.watch" in command and any(str(facts).encode() in part for part in command):
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def watching(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watching]:
    root = tmp_path_factory.mktemp("watch")
    facts, dist, stderr = root / "facts", root / "dist", root / "stderr.txt"
    shutil.copytree(REAL_FACTS, facts)
    address = f"127.0.0.1:{free_port()}"
    with stderr.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", "from kgbuild.cli import cli; cli()", "serve", "--watch", "--facts", str(facts),
             "--dist", str(dist), "--bind", address],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors,
        )
    watching = Watching(process, f"http://{address}", facts, dist, stderr)
    try:
        wait_for(lambda: answers(watching.root) or process.poll() is not None, "the first build and the server")
        assert process.poll() is None, watching.printed()
        yield watching
    finally:
        stop_server(process)


@pytest.mark.browser
@pytest.mark.slow
def test_a_saved_edit_reaches_the_open_page_and_a_mistake_leaves_the_last_good_build(watching, browser):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    from playwright.sync_api import expect

    page.goto(watching.root + "/id/organisation/cica")
    expect(page.locator("h1")).to_have_text("Conference on Interaction and Confidence-Building Measures in Asia")
    page.evaluate("() => { window.openedByTheTest = true; }")

    watching.edit("cica.yaml", LABEL, PLANTED_LABEL)
    expect(page.locator("h1")).to_contain_text("(planted test label)", timeout=PATIENCE * 1000)
    assert page.evaluate("() => window.openedByTheTest") is None  # the page reloaded itself: a new document
    built_before_the_mistake = watching.printed().count("watch: built")

    text = watching.edit("cica.yaml", FOUNDED, MISTAKE)
    line = text.splitlines().index(MISTAKE.rstrip("\n")) + 1
    where = f"{watching.facts / 'cica.yaml'}:{line}: "
    wait_for(lambda: where in watching.printed(), f"a message starting {where!r} on stderr")
    assert re.search(r"build failed with \d+ problem\(s\)", watching.printed())
    banner = page.locator("#kgbuild-watch-problems")
    expect(banner).to_contain_text(f"cica.yaml:{line}: ", timeout=PATIENCE * 1000)
    served = requests.get(watching.root + "/id/organisation/cica.html", timeout=30)
    assert served.status_code == 200
    assert "(planted test label)" in served.text  # the last good build, still served

    watching.edit("cica.yaml", MISTAKE, FOUNDED)
    wait_for(lambda: watching.printed().count("watch: built") > built_before_the_mistake, "a build after the fix")
    expect(banner).to_have_count(0, timeout=PATIENCE * 1000)
    expect(page.locator("h1")).to_contain_text("(planted test label)")
    context.close()


def test_a_plain_server_has_no_watch_events_and_no_script(watching):
    port = free_port()
    http = make_server("127.0.0.1", port, create_app(watching.dist), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        page = requests.get(f"http://127.0.0.1:{port}/id/organisation/cica.html", timeout=30)
        assert page.status_code == 200
        assert "watch.js" not in page.text
        assert requests.get(f"http://127.0.0.1:{port}/_watch/events", timeout=30).status_code == 404
    finally:
        http.shutdown()
        thread.join(timeout=10)


def test_the_serving_process_of_watch_mode_loads_no_build():
    assert not_for_servers(modules_loaded_by("import kgbuild.watch, kgbuild.web.server")) == []


def test_a_first_build_that_fails_with_nothing_to_serve_says_where_and_stops(real_facts_copy, tmp_path):
    cica = real_facts_copy / "cica.yaml"
    text = cica.read_text("utf-8").replace(FOUNDED, MISTAKE)
    cica.write_text(text, "utf-8")
    line = text.splitlines().index(MISTAKE.rstrip("\n")) + 1
    done = subprocess.run(
        [sys.executable, "-c", "from kgbuild.cli import cli; cli()", "serve", "--watch", "--facts",
         str(real_facts_copy), "--dist", str(tmp_path / "dist"), "--bind", f"127.0.0.1:{free_port()}"],
        cwd=ROOT, capture_output=True, text=True, timeout=PATIENCE,
    )
    assert done.returncode == 1
    assert f"{cica}:{line}: " in done.stderr
    assert "Error: no build to serve" in done.stderr
    assert not watchers_of(real_facts_copy)


@pytest.mark.parametrize("arguments", [["--watch", "--workers", "2"], ["--watch", "--backend", "http://127.0.0.1:9/"],
                                       ["--facts", "facts"]])
def test_options_that_do_not_go_with_watch_mode_are_refused(runner, arguments):
    result = runner.invoke(cli, ["serve", *arguments])
    assert result.exit_code == 2
    assert "--watch" in result.output


def test_stopping_the_server_stops_the_watcher(watching):  # last: it ends the module's server
    assert watchers_of(watching.facts)
    watching.process.send_signal(signal.SIGTERM)
    watching.process.wait(timeout=60)
    wait_for(lambda: not watchers_of(watching.facts), "the watcher's exit", patience=30)
