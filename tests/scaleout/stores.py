"""Real triplestores on loopback for the scale-out tests: Oxigraph server and Virtuoso (stdlib only).

Also a command for .ci/run, which starts one Virtuoso for the whole test run:

    python3 tests/scaleout/stores.py virtuoso-start DIR   # prints KGBUILD_TEST_VIRTUOSO*=... lines
    python3 tests/scaleout/stores.py virtuoso-stop DIR
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_DEADLINE = 60.0  # seconds; Virtuoso creates its database on first start
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "kgbuild", "kgbuild-test"
VIRTUOSO_INI = """\
[Database]
DatabaseFile    = {dir}/virtuoso.db
ErrorLogFile    = {dir}/virtuoso.log
LockFile        = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort        = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers   = 10000
MaxDirtyBuffers   = 6000
DirsAllowed       = ., {dir}
[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {dir}
ServerThreads        = 10
MaxClientConnections = 20
[SPARQL]
ResultSetMaxRows      = 1000000
MaxQueryExecutionTime = 60
"""
# The Graph Store endpoint with digest authentication needs a user with the SPARQL_UPDATE role.
VIRTUOSO_GRANTS = (f"DB.DBA.USER_CREATE ('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}'); "
                   f'GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";')


@dataclass
class RunningStore:
    """A store's Graph Store Protocol URL, SPARQL endpoint and credentials."""

    kind: str
    gsp: str
    sparql: str
    user: str | None = None
    password: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen | None = None, deadline: float = START_DEADLINE) -> None:
    """Poll url until the server answers at all (any HTTP status), or fail after deadline seconds."""
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url} within {deadline:g} s")


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("oxigraph")
    return str(beside_python) if beside_python.is_file() else shutil.which("oxigraph")


def start_oxigraph(location: Path) -> tuple[subprocess.Popen, RunningStore]:
    """`oxigraph serve` on a free loopback port, its data in location."""
    port = free_port()
    process = subprocess.Popen([oxigraph_binary() or "oxigraph", "serve", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    wait_for(root + "/query?query=ASK%7B%7D", process)
    return process, RunningStore("oxigraph", root + "/store", root + "/query")


def virtuoso_available() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def start_virtuoso(folder: Path, foreground: bool = True) -> tuple[subprocess.Popen | None, RunningStore]:
    """Virtuoso with its database in folder, HTTP and SQL on free loopback ports, our user granted.

    foreground keeps it a child of this process (the test fixture); otherwise it daemonises (.ci/run)
    and virtuoso_stop(folder) ends it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, http_port=http_port, sql_port=sql_port))
    command = ["virtuoso-t", "+configfile", str(folder / "virtuoso.ini")]
    process = None
    if foreground:
        process = subprocess.Popen([*command, "+foreground"], cwd=folder,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        subprocess.run([*command, "+wait"], cwd=folder, check=True, timeout=START_DEADLINE)
    root = f"http://127.0.0.1:{http_port}"
    wait_for(root + "/sparql?query=ASK%7B%7D", process)
    subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                   check=True, timeout=60, stdout=subprocess.DEVNULL)
    return process, RunningStore("virtuoso", root + "/sparql-graph-crud-auth", root + "/sparql",
                                 VIRTUOSO_USER, VIRTUOSO_PASSWORD)


def virtuoso_stop(folder: Path) -> None:
    """End the daemonised Virtuoso whose lock file is in folder."""
    lock = folder / "virtuoso.lck"
    if lock.is_file():
        pid = int(lock.read_text().strip().split("=")[-1])
        os.kill(pid, signal.SIGTERM)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2]).resolve()
    if action == "virtuoso-start":
        _, running = start_virtuoso(where, foreground=False)
        print(f"KGBUILD_TEST_VIRTUOSO_GSP={running.gsp}\nKGBUILD_TEST_VIRTUOSO_SPARQL={running.sparql}\n"
              f"KGBUILD_TEST_VIRTUOSO_USER={running.user}\nKGBUILD_TEST_VIRTUOSO_PASSWORD={running.password}")
    elif action == "virtuoso-stop":
        virtuoso_stop(where)
    else:
        sys.exit(f"unknown action {action!r}; use virtuoso-start DIR or virtuoso-stop DIR")
