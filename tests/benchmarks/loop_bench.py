"""Benchmarks: the maintainer's loop on the curated facts.

- curated build: `kgbuild build` of facts/ as a whole process, as a maintainer runs it (HermiT's answer
  read from the cache beside dist/, filled by the run before), against the same with the cache emptied
  before each run (HermiT reasons every time); the two in turns, so load from elsewhere falls on both.
- watch: `kgbuild serve --watch` over a copy of facts/; a label is saved (planted test text, new each
  time) and the clock runs from the write until the server serves the new build (its ETag changes) and
  until /_watch/events tells an open page, against the curated build above (by hand: a whole process).

Settings: BENCH_LOOP_REPEATS (runs of each, default 7). Alone: `python -m tests.benchmarks.loop_bench`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from ..hardening.serving import stop_server
from ..web.conftest import free_port
from .report import Row, table

ROOT = Path(__file__).resolve().parents[2]
KGBUILD = [sys.executable, "-c", "from kgbuild.cli import cli; cli()"]
LABEL = "    en: Conference on Interaction and Confidence-Building Measures in Asia\n"
PAGE = "/id/organisation/cica.ttl"
PATIENCE = 300.0  # seconds before a step counts as failed


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def _build_seconds(facts: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, with the build's own children: the dumps, Java) of one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clock = time.perf_counter()
    done = subprocess.run([*KGBUILD, "build", "--facts", str(facts), "--out", str(out), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - clock
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"kgbuild build failed:\n{done.stderr[-3000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_curated_build(work: Path, repeats: int) -> tuple[Row, dict]:
    warm_out, cold_out = work / "dist-curated", work / "dist-curated-cold"
    cold_cache = cold_out.parent / f".{cold_out.name}.cache"
    _build_seconds(ROOT / "facts", warm_out)  # fills the cache, as the maintainer's first build did
    warm, cold, warm_cpu, cold_cpu = [], [], [], []
    for run in range(repeats):
        _say(f"curated build, run {run + 1}/{repeats} (cached answer, then none)")
        seconds, cpu = _build_seconds(ROOT / "facts", warm_out)
        warm.append(seconds)
        warm_cpu.append(cpu)
        shutil.rmtree(cold_cache, ignore_errors=True)
        seconds, cpu = _build_seconds(ROOT / "facts", cold_out)
        cold.append(seconds)
        cold_cpu.append(cpu)
    ours, theirs = statistics.median(warm), statistics.median(cold)
    rows = [
        Row("curated build, whole process, s (baseline: no reasoner cache)", ours, theirs, ours / theirs,
            "<= 2 s", ours <= 2.0, spread=f"{_spread(warm)} / {_spread(cold)}"),
        Row("curated build, whole process, CPU s (baseline: no reasoner cache)", statistics.median(warm_cpu),
            statistics.median(cold_cpu), statistics.median(warm_cpu) / statistics.median(cold_cpu), "(info)", None,
            spread=f"{_spread(warm_cpu)} / {_spread(cold_cpu)}"),
    ]
    return rows, {"warm": warm, "cold": cold, "warm_cpu": warm_cpu, "cold_cpu": cold_cpu}


class _Events:
    """A reader of /_watch/events on a thread: when each new build id was announced."""

    def __init__(self, root: str) -> None:
        self.announced: dict[str, float] = {}
        self._response = requests.get(root + "/_watch/events", stream=True, timeout=PATIENCE)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for line in self._response.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    build = json.loads(line[len("data: "):])["build"]
                    self.announced.setdefault(build, time.perf_counter())
        except Exception:  # noqa: BLE001 - the stream ends when closed or when the server stops: nothing to tell
            pass

    def close(self) -> None:
        self._response.close()


def _served_build(root: str) -> str:
    try:
        return requests.get(root + PAGE, timeout=10).headers.get("ETag", "").strip('"').split(".")[0]
    except requests.RequestException:
        return ""


def _wait(condition, what: str):
    deadline = time.perf_counter() + PATIENCE
    while time.perf_counter() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)  # often enough to time a second-long wait, seldom enough to leave the build the CPU
    raise RuntimeError(f"{what} did not happen within {PATIENCE:.0f} s")


def bench_watch(work: Path, repeats: int) -> tuple[dict[str, list[float]], dict]:
    """Saved edit -> new build served, and -> an open page told, in seconds, per run."""
    folder = work / "watch"
    shutil.rmtree(folder, ignore_errors=True)
    facts = folder / "facts"
    shutil.copytree(ROOT / "facts", facts)
    root = f"http://127.0.0.1:{free_port()}"
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen([*KGBUILD, "serve", "--watch", "--facts", str(facts), "--dist", str(folder / "dist"),
                               "--bind", root.removeprefix("http://")], cwd=ROOT, stdout=log, stderr=log)
    served, told = [], []
    try:
        before = _wait(lambda: _served_build(root) if server.poll() is None else "stopped", "the first build")
        if before == "stopped":
            raise RuntimeError(f"kgbuild serve --watch stopped: {(folder / 'serve.log').read_text()[-3000:]}")
        events = _Events(root)
        cica = facts / "cica.yaml"
        original = cica.read_text("utf-8")
        for run in range(repeats):
            _say(f"watch: saved edit to new build, run {run + 1}/{repeats}")
            time.sleep(1.0)  # the watcher is idle again, as between a maintainer's saves
            planted = LABEL.replace("Asia\n", f"Asia (planted bench label {run})\n")
            clock = time.perf_counter()
            cica.write_text(original.replace(LABEL, planted), "utf-8")
            after = _wait(lambda old=before: (build := _served_build(root)) != old and build, "a new build served")
            served.append(time.perf_counter() - clock)
            told.append(_wait(lambda new=after: events.announced.get(new), "the event") - clock)
            before = after
        events.close()
    finally:
        stop_server(server)
        log.close()
    return {"served": served, "told": told}, {"served": served, "told": told}


def bench(work: Path, repeats: int | None = None) -> tuple[list[Row], dict]:
    repeats = repeats or int(os.environ.get("BENCH_LOOP_REPEATS", "7"))
    work.mkdir(parents=True, exist_ok=True)
    rows, raw_build = bench_curated_build(work, repeats)
    times, raw_watch = bench_watch(work, repeats)
    by_hand = rows[0].kgbuild
    for key, figure in (("served", "watch: saved edit -> new build served, s"),
                        ("told", "watch: saved edit -> open page told, s")):
        median = statistics.median(times[key])
        rows.append(Row(f"{figure} (baseline: curated build by hand)", median, by_hand, median / by_hand,
                        "about 2 s", median <= 2.5, spread=f"{_spread(times[key])} / {_spread(raw_build['warm'])}"))
    return rows, {"curated_build": raw_build, "watch": raw_watch}


if __name__ == "__main__":
    found_rows, _ = bench(ROOT / "bench-results" / "work")
    print(table(found_rows))
