"""`kgbuild serve --server gunicorn|granian`: the server chosen is the one that answers, a wrong name is a usage
error, and stopping either leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.web.conftest import REPO, free_port, wait_until_ready

from .serving import TEST_LIMITS, descendants

KGBUILD = [str(Path(sys.executable).parent / "kgbuild")]  # the command, as installed in the virtualenv


def start_cli(dist: Path, arguments: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([*KGBUILD, "serve", "--dist", str(dist), "--bind", f"127.0.0.1:{port}", "--workers",
                                "1", *arguments], cwd=REPO, env={**os.environ, **TEST_LIMITS, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return process, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("how", ["--server", "KGBUILD_SERVER"])
def test_the_chosen_server_answers(built, server_kind, how):
    arguments, env = (["--server", server_kind], None) if how == "--server" else ([], {"KGBUILD_SERVER": server_kind})
    process, root = start_cli(built, arguments, env)
    try:
        wait_until_ready(root, process)
        response = requests.get(root + "/sparql", params={"query": "ASK {}"}, timeout=10)
        assert response.status_code == 200
        assert server_kind in response.headers["Server"].lower()  # gunicorn and granian each sign their answers
        tree = descendants(process.pid)
        assert len(tree) >= 3  # the server, its worker, the worker's query processes
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    log = process.stderr.read().decode("utf-8", "replace")
    assert process.returncode == 0 and "SIGSEGV" not in log and "Traceback" not in log, log[-2000:]
    time.sleep(1.0)  # query processes die with their worker (PR_SET_PDEATHSIG)
    left = [pid for pid in tree if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert left == [], f"still running after the server stopped: {left}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_an_unknown_server_is_a_usage_error():
    cli = subprocess.run([*KGBUILD, "serve", "--server", "nginx"], cwd=REPO, capture_output=True, text=True,
                         timeout=60)
    assert cli.returncode == 2 and "'nginx' is not one of 'granian', 'gunicorn'" in cli.stderr, cli.stderr
    env = {**os.environ, "KGBUILD_SERVER": "nginx"}
    cli = subprocess.run([*KGBUILD, "serve"], cwd=REPO, capture_output=True, text=True, timeout=60, env=env)
    assert cli.returncode == 2 and "unknown server 'nginx'; write one of granian, gunicorn" in cli.stderr, cli.stderr
    assert "Traceback" not in cli.stderr
