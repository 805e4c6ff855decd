"""The maintainers' loop, `kgbuild serve --watch`: a saved change to facts/, ontology/ or queries/ rebuilds
dist/; a failed build's problems go to stderr as file:line (and to the open pages) while the server
keeps serving the last good build; open pages reload themselves (web/livereload.py).

Two processes. The server is `kgbuild serve`'s gunicorn with one worker of many threads (an open page
holds one for its event stream); it notices a new build by itself (store/opening.py). The watcher is
its child (`python -m kgbuild.watch`): it polls the folders (a stat of a few dozen files four times a
second costs nothing and needs no library or OS support), lets a save settle, and builds in a forked
copy of itself, so the build's imports are paid once while the server never loads the build nor opens
a store for writing (a process that has opened RocksDB cannot safely fork workers: web/server.py).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .config import settings
from .web.livereload import CONFIG_KEY, status_path

POLL_SECONDS = 0.25  # how often the folders are looked at
SETTLE_SECONDS = 0.1  # a save must have stood this long: an editor may write a file in several steps
WATCHED_SUFFIXES = {".yaml", ".yml", ".ttl", ".rq"}  # what a build reads; editors' swap and backup files are not
THREADS = 8  # server threads for open pages' event streams, beside one per query process

Snapshot = dict[str, tuple[int, int, int]]  # path -> (mtime in ns, size, inode): an editor's rename changes the inode


class WatchError(Exception):
    """Watch mode cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Watched:
    """What the watcher builds from and into."""

    facts: Path
    ontology: Path
    queries: Path
    out: Path
    base: str


@dataclass
class Outcome:
    """How one build went: its id, or the problems that stopped it (file:line messages)."""

    build_id: str = ""
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


def snapshot(folders: list[Path]) -> Snapshot:
    """Every file a build reads in folders, with what changes when it is saved."""
    found: Snapshot = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.suffix in WATCHED_SUFFIXES and not path.name.startswith("."):
                with contextlib.suppress(OSError):  # removed between the listing and the stat
                    stat = path.stat()
                    found[str(path)] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return found


def changed(before: Snapshot, after: Snapshot) -> list[str]:
    """The files added, removed or saved between two snapshots."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def build_in_child(watched: Watched) -> Outcome:
    """Run one build in a forked copy of this process (its imports already paid); its outcome comes back
    through a pipe. A build that dies without a word is reported as such."""
    read_end, write_end = os.pipe()
    started = time.monotonic()
    child = os.fork()
    if child == 0:  # pragma: no cover - seen through the parent
        os.close(read_end)
        status = 0
        try:
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps(asdict(_build(watched))).encode("utf-8"))
        except Exception:  # a bug, not a mistake in the facts: its traceback is what helps
            traceback.print_exc()
            status = 1
        except BaseException:  # stopped (Ctrl-C, SIGTERM)
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)  # no clean-up: RocksDB's, after a fork, crashes (web/server.py)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            answer = pipe.read()
        _, status = os.waitpid(child, 0)
    except BaseException:  # stopped while building: the half-written build is never switched in
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)
        raise
    if not answer:
        return Outcome(problems=(f"the build crashed (exit status {os.waitstatus_to_exitcode(status)}; what it "
                                 "printed is above); run `kgbuild build` to see it again",))
    sent = json.loads(answer)
    return Outcome(build_id=sent["build_id"], problems=tuple(sent["problems"]), warnings=tuple(sent["warnings"]),
                   seconds=time.monotonic() - started)


def _build(watched: Watched) -> Outcome:
    """One build, in this process: an Outcome for every way it can end that a maintainer can fix."""
    from .config import SettingsError
    from .facts import FactsError
    from .graph.build import build
    from .graph.reasoning import ReasonerError

    try:
        result = build(watched.facts, watched.out, watched.ontology, watched.queries, base=watched.base)
    except FactsError as error:
        return Outcome(problems=tuple(str(problem) for problem in error.problems))
    except (ReasonerError, OSError, SettingsError, ValueError) as error:
        return Outcome(problems=(f"build failed: {error}",))
    return Outcome(build_id=result.build_id, warnings=tuple(result.report["warnings"]))


def write_status(path: Path, outcome: Outcome) -> None:
    """Tell the server how the last build went (replaced whole: a reader never sees half of it)."""
    aside = path.parent / f"{path.name}.{uuid.uuid4().hex[:8]}"
    aside.write_text(json.dumps({"build": outcome.build_id, "problems": list(outcome.problems)}), "utf-8")
    os.replace(aside, path)


def report(outcome: Outcome, out: Path, because: list[str], say: Callable[[str], None]) -> None:
    """What a maintainer reads in the terminal after a build: its problems as file:line, or its id."""
    reason = f" ({', '.join(because[:3])}{' ...' if len(because) > 3 else ''} changed)" if because else ""
    if outcome.problems:
        for problem in outcome.problems:
            say(problem)
        served = os.path.basename(os.path.realpath(out)) if out.exists() else "nothing"
        say(f"watch: build failed with {len(outcome.problems)} problem(s){reason}; still serving {served}")
        return
    for warning in outcome.warnings:
        say(f"warning: {warning}")
    say(f"watch: built {out}/ ({outcome.build_id}) in {outcome.seconds:.1f} s{reason}")


def watch(watched: Watched, ready: Callable[[], None], parent: int | None = None) -> None:
    """Build now, call ready, then rebuild after every settled change until the parent process is gone."""
    from .facts.problems import display_path
    from .graph import build as _warm  # noqa: F401 - imported once here, so each forked build starts warm

    gc.freeze()  # what is imported stays: a forked build's collections skip it, and leave its pages shared

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    folders = [watched.facts, watched.ontology, watched.queries]
    status = status_path(watched.out)
    seen = snapshot(folders)
    outcome = build_in_child(watched)
    write_status(status, outcome)
    report(outcome, watched.out, [], say)
    ready()
    while parent is None or os.getppid() == parent:
        time.sleep(POLL_SECONDS)
        now = snapshot(folders)
        if now == seen:
            continue
        while True:  # let the save settle: a second look must agree with the first
            time.sleep(SETTLE_SECONDS)
            settled = snapshot(folders)
            if settled == now:
                break
            now = settled
        because = [display_path(Path(path)) for path in changed(seen, now)]
        seen = now  # what this build reads; a save during it shows as a change next time round
        outcome = build_in_child(watched)
        write_status(status, outcome)
        report(outcome, watched.out, because, say)


def serve_watching(watched: Watched, bind: str) -> None:
    """Start the watcher, wait for its first build, then serve dist/ with live reload until stopped.

    :raises WatchError: the first build failed and there is no earlier build to serve.
    """
    from .web.server import serve

    read_end, write_end = os.pipe()
    watcher = subprocess.Popen(
        [sys.executable, "-m", "kgbuild.watch", json.dumps({**asdict(watched), "ready": write_end}, default=str)],
        pass_fds=[write_end],
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        pipe.readline()  # the first build is over (or the watcher is gone: end of file)

    def stop() -> None:
        if watcher.poll() is None:
            watcher.terminate()
            try:
                watcher.wait(10)
            except subprocess.TimeoutExpired:
                watcher.kill()

    if watcher.poll() is not None or not (watched.out / "report.json").exists():
        stop()
        raise WatchError(f"no build to serve: the first build of {watched.facts}/ failed (its problems are above); "
                         "fix them and start again")
    threads = max(settings().query_processes, 1) + THREADS
    try:
        serve(watched.out, bind, workers=1, threads=threads,
              overrides={CONFIG_KEY: str(status_path(watched.out))}, on_exit=stop)
    finally:
        stop()


def _main(arguments: str) -> None:
    """The watcher process: `python -m kgbuild.watch JSON` (serve_watching starts it)."""
    given = json.loads(arguments)
    ready_fd = given["ready"]
    watched = Watched(facts=Path(given["facts"]), ontology=Path(given["ontology"]), queries=Path(given["queries"]),
                      out=Path(given["out"]), base=given["base"])

    def ready() -> None:
        os.write(ready_fd, b"ready\n")
        os.close(ready_fd)

    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(0))  # unwinds a running build: see build_in_child
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the whole process group: the server says goodbye
        watch(watched, ready, parent=os.getppid())


if __name__ == "__main__":
    _main(sys.argv[1])
