"""Hostile facts files: each gives a clear file:line problem, quickly and in bounded memory, never a traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kgbuild.cli import cli
from kgbuild.facts import collect_facts

from .observations import observe

AREA = "facts YAML"
LOCATED = re.compile(r"^(?P<file>[^:\n]+\.ya?ml):(?P<line>\d+): \S")
SECONDS = 2.0  # each hostile file is judged well within this
MEGABYTES = 64  # and within this much Python memory


def problems_in(folder: Path, name: str) -> tuple[list[str], float, float]:
    """The problems collect_facts reports for one file, with the seconds and MiB it took."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        _, problems = collect_facts(folder)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return [str(p) for p in problems if Path(p.origin.file).name == name], elapsed, peak


def hostile_file(tmp_path: Path, content: bytes, name: str = "hostile.yaml") -> Path:
    folder = tmp_path / "facts"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    return folder


def billion_laughs(levels: int = 9) -> bytes:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def deep_block(levels: int) -> bytes:
    return ("\n".join(" " * i + f"k{i}:" for i in range(levels)) + "\n" + " " * levels + "v\n").encode()


HOSTILE = {
    # kind of input: (content, words the message must hold)
    "python object tag (!!python/object/apply)":
        (b"organisation: !!python/object/apply:os.system ['touch pwned']\n", "plain maps"),
    "alias bomb (billion laughs, 9 levels x 9)": (billion_laughs(), "alias"),
    "alias to a map in a list": (b"memberships:\n  - &m {member: kz}\n  - *m\n", "alias"),
    "merge key (<<)": (b"base: &b {a: 1}\nother:\n  <<: *b\n", "alias"),
    "flow nesting 100,000 deep ([[[...]]])": (b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nest"),
    "block nesting 1,000 deep": (deep_block(1000), "nest"),
    "a 4 MB string": (b"organisation:\n  id: " + b"x" * (4 * 2**20) + b"\n", "characters"),
    "binary garbage (64 KiB random bytes)": (bytes(range(256)) * 256, "UTF-8"),
    "Latin-1 text (not UTF-8)": ("organisation:\n  id: caf\u00e9\n".encode("latin-1"), "UTF-8"),
    "control characters in UTF-8 (NUL, BEL)": (b"organisation:\n  id: a\x00b\x07\n", "character"),
    "two YAML documents in one file": (b"a: 1\n---\nb: 2\n", "document"),
    "unclosed bracket": (b"organisation: {id: cica\nmemberships: [\n", "YAML syntax error"),
    "duplicate key": (b"organisation: {id: a}\norganisation: {id: b}\n", "twice"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_file_gives_a_located_problem_quickly(tmp_path, kind):
    content, words = HOSTILE[kind]
    problems, elapsed, peak = problems_in(hostile_file(tmp_path, content), "hostile.yaml")
    assert problems, f"{kind}: no problem reported"
    for problem in problems:
        assert LOCATED.match(problem), problem
    assert any(words.lower() in problem.lower() for problem in problems), problems
    assert elapsed < SECONDS and peak < MEGABYTES, (elapsed, peak)
    assert not Path("pwned").exists()
    observe(AREA, kind, 1, "refused: `file:line` problem naming the fix, < 2 s, < 64 MiB")


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    folder = hostile_file(tmp_path, b"")
    with open(folder / "huge.yaml", "wb") as huge:  # sparse: 1 GiB on paper, nothing on disk
        huge.truncate(2**30)
    problems, elapsed, peak = problems_in(folder, "huge.yaml")
    assert len(problems) == 1 and "more than the 16,777,216" in problems[0] and "KGBUILD_YAML_MAX_BYTES" in problems[0]
    assert elapsed < SECONDS and peak < 1
    observe(AREA, "a 1 GiB file (default cap 16 MiB)", 1, "refused before reading: names the cap and the setting")


def test_the_size_cap_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_YAML_MAX_BYTES", str(2**20))
    folder = hostile_file(tmp_path, b"# padding\n" * 200_000, "padded.yaml")
    problems, _, _ = problems_in(folder, "padded.yaml")
    assert len(problems) == 1 and "is 2,000,000 bytes, more than the 1,048,576" in problems[0]
    assert problems[0].endswith("or raise yaml_max_bytes (KGBUILD_YAML_MAX_BYTES)")
    observe(AREA, "a 2 MB file with the cap set to 1 MiB", 1, "refused: names the cap and the setting")


def test_the_depth_cap_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("KGBUILD_YAML_MAX_DEPTH", "3")
    folder = hostile_file(tmp_path, b"a:\n  b:\n    c:\n      d: 1\n")
    problems, _, _ = problems_in(folder, "hostile.yaml")
    assert len(problems) == 1 and problems[0].endswith("(or raise yaml_max_depth, KGBUILD_YAML_MAX_DEPTH)")
    assert ":4: " in problems[0]


def test_a_directory_named_like_a_facts_file(tmp_path):
    folder = hostile_file(tmp_path, b"")
    (folder / "hostile.yaml").unlink()
    (folder / "hostile.yaml").mkdir()
    problems, _, _ = problems_in(folder, "hostile.yaml")
    assert len(problems) == 1 and "is a directory" in problems[0]
    observe(AREA, "a directory named *.yaml", 1, "refused: `file:1` problem naming the fix")


@pytest.mark.parametrize("kind", ["dangling symlink", "named pipe (would block a reader)"])
def test_an_unreadable_facts_file(tmp_path, kind):
    folder = hostile_file(tmp_path, b"")
    target = folder / "hostile.yaml"
    target.unlink()
    if kind == "dangling symlink":
        target.symlink_to(tmp_path / "nowhere.yaml")
    else:
        os.mkfifo(target)
    problems, elapsed, _ = problems_in(folder, "hostile.yaml")
    assert len(problems) == 1 and LOCATED.match(problems[0]) and elapsed < SECONDS, problems
    observe(AREA, f"unreadable: {kind}", 1, "refused: `file:1` problem naming the fix")


def test_a_facts_file_without_read_permission(tmp_path):
    """Root reads any file, so under root the check drops the capabilities that let it (setpriv)."""
    folder = hostile_file(tmp_path, b"")
    target = folder / "hostile.yaml"
    target.write_text("a: 1\n")
    target.chmod(0)
    command = [str(Path(sys.executable).parent / "kgbuild"), "validate", str(folder)]
    if os.geteuid() == 0:
        assert shutil.which("setpriv"), "setpriv (util-linux) is needed to test permissions as root"
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert re.search(r"hostile\.yaml:1: cannot be read", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    observe(AREA, "unreadable: no read permission", 1, "refused: `file:1` problem naming the fix")


@pytest.mark.parametrize("kind", ["alias bomb (billion laughs, 9 levels x 9)", "flow nesting 100,000 deep ([[[...]]])"])
def test_validate_reports_hostile_files_without_a_traceback(tmp_path, runner, kind):
    folder = hostile_file(tmp_path, HOSTILE[kind][0])
    result = runner.invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "hostile.yaml:" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- fuzzing: whatever the bytes, collect_facts answers with located problems, never an exception --

YAML_PIECES = st.sampled_from([
    "organisation:", "  id: cica", "memberships:", "  - {member: kz, since: 1992, source: s}", "- ", "&a ", "*a",
    "<<: ", "!!python/object:os.system", "!!binary aGk=", "? ", ": ", "[", "]", "{", "}", "'", '"', "#", "---",
    "...", "%YAML 1.1", "|", ">", "\t", "  ", "\\u0000", "2019-02-30", "~", "1e999", "0x1F", "\u00e9", "\ufeff",
])
FUZZ = settings(max_examples=150, deadline=2000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FUZZ
@given(content=st.one_of(
    st.binary(max_size=4096),
    st.lists(YAML_PIECES, max_size=60).map(lambda pieces: "\n".join(pieces).encode()),
    st.lists(st.tuples(st.integers(0, 8), YAML_PIECES), max_size=40).map(
        lambda lines: "\n".join(" " * indent + piece for indent, piece in lines).encode()),
    st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")),
))
def test_fuzzed_facts_files_give_located_problems_never_exceptions(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "fuzzed.yaml").write_bytes(content)
    started = time.monotonic()
    _, problems = collect_facts(folder)  # raising anything fails the test
    assert time.monotonic() - started < SECONDS
    for problem in problems:
        assert LOCATED.match(str(problem)) or str(problem).startswith(str(folder)), str(problem)
    observe(AREA, "fuzzed files (hypothesis: random bytes, YAML fragments, text)", 1,
            "no exception; every problem located as `file:line`")

