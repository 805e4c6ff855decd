"""The real server (serve(), under gunicorn or granian) on loopback with chosen limits, and what its processes use."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.web.conftest import REPO, Server, free_port, wait_until_ready

# small limits, so a test sees each one quickly
TEST_LIMITS = {
    "KGBUILD_QUERY_TIMEOUT": "2",
    "KGBUILD_MAX_RESULT_ROWS": "100",
    "KGBUILD_MAX_RESULT_BYTES": str(1024 * 1024),
    "KGBUILD_CLIENT_CONCURRENCY": "50",
    "KGBUILD_CLIENT_QUERY_SECONDS": "600",
}


@dataclass
class RunningServer(Server):
    """A server we started: its process and the file its request log goes to."""

    process: subprocess.Popen | None = None
    log: Path | None = None

    def log_lines(self) -> list[str]:
        return self.log.read_text("utf-8", "replace").splitlines() if self.log else []


def start_server(dist: Path, log: Path, limits: dict[str, str] | None = None, workers: int = 2,
                 server: str = "gunicorn") -> RunningServer:
    """Start serve() under server on a free port with the given KGBUILD_* limits; wait until it answers."""
    port = free_port()
    env = {**os.environ, **TEST_LIMITS, **(limits or {})}
    code = ("import sys; from pathlib import Path; from kgbuild.web.server import serve; "
            "serve(Path(sys.argv[1]), sys.argv[2], workers=int(sys.argv[3]), server=sys.argv[4])")
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-c", code, str(dist), f"127.0.0.1:{port}", str(workers), server],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(root, process)
    except BaseException:
        stop_server(process)
        raise
    return RunningServer(root, dist, process, log)


def stop_server(process: subprocess.Popen) -> None:
    """Stop our server: SIGTERM to its master (which stops its workers, whose query processes follow)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def descendants(pid: int) -> list[int]:
    """pid and every process under it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by pid's whole process tree."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for member in descendants(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def rss_mib(pid: int) -> float:
    """Resident memory of pid's process tree now, in MiB."""
    total = 0
    for member in descendants(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024
