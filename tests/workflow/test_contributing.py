"""CONTRIBUTING.md, followed to the letter: its worked example's commands, run on a copy of the repository,
add the observer, and the diff, the changelog page, the resource page and the new dump all show it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kgbuild.cli import cli
from kgbuild.web import create_app

from ..conftest import ROOT
from .conftest import git

GUIDE = ROOT / "CONTRIBUTING.md"
SERVER = "http://127.0.0.1:8000"


def worked_example() -> str:
    text = GUIDE.read_text("utf-8")
    return text.split("## Worked example", 1)[1].split("\n## ", 1)[0]


def code_blocks(section: str) -> list[tuple[str, str]]:
    """(language, body) of each fenced block, in order."""
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A copy of what a maintainer checks out (facts, ontology, queries, schema, settings), committed."""
    repo = tmp_path / "kgbuild"
    for folder in ("facts", "ontology", "queries", "schema"):
        shutil.copytree(ROOT / folder, repo / folder)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "as checked out")
    monkeypatch.chdir(repo)  # settings come from its pyproject.toml: facts/, dist/, keep_builds
    return repo


def make_build(repository, built) -> None:
    """`make build`: the first time, the session's build of the same facts stands in (it is the same build,
    hash for hash, and saves a HermiT run); later ones build for real."""
    if not (repository / "dist").exists():
        first = Path(os.path.realpath(built))
        shutil.copytree(first, repository / ".dist.builds" / first.name, symlinks=True)
        os.symlink(Path(".dist.builds") / first.name, repository / "dist")
        return
    result = CliRunner().invoke(cli, ["build", "--quiet"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_following_the_guide_adds_an_observer_that_diff_changes_and_dumps_show(repository, built):
    runner = CliRunner()
    section = worked_example()
    blocks = code_blocks(section)
    diff_output = None
    for position, (language, body) in enumerate(blocks):
        if language != "sh":
            continue
        for line in body.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command in ("make build", "make run"):  # make run builds, then serves (checked below)
                make_build(repository, built)
            elif command.startswith(".venv/bin/kgbuild "):
                result = runner.invoke(cli, shlex.split(command)[1:])
                if shlex.split(command)[1] == "diff":
                    assert result.exit_code == 1, result.output  # something changed
                    diff_output = result.stdout
                    expected = next(body for language, body in blocks[position + 1:] if language == "text")
                    assert diff_output == expected
                else:
                    assert result.exit_code == 0, result.output + result.stderr
            elif command.startswith("git "):
                subprocess.run(["git", "-c", "user.name=guide", "-c", "user.email=guide@example.org",
                                *shlex.split(command)[1:]], cwd=repository, check=True, capture_output=True)
            elif command == "make test":
                continue  # the suite this test belongs to
            else:
                pytest.fail(f"CONTRIBUTING.md has a step this test does not know how to follow: {command!r}")
    assert diff_output and "observer state Georgia" in diff_output

    # the line the guide shows is the line in the file
    shown = next(body for language, body in code_blocks(section) if language == "yaml").strip()
    assert shown in (repository / "facts" / "cica.yaml").read_text("utf-8")
    assert "example-2025-03-01" in (repository / "schema" / "facts.schema.json").read_text("utf-8")
    assert git(repository, "status", "--porcelain", "facts", "schema") == ""  # committed

    client = create_app(repository / "dist").test_client()
    pages = re.findall(re.escape(SERVER) + r"(/\S*)", section)
    assert pages == ["/changes", "/id/membership/cica-ge", "/dumps/"]
    changes = client.get("/changes", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "observer state Georgia since 2025-03-01" in changes and 'href="/id/membership/cica-ge"' in changes
    resource = client.get("/id/membership/cica-ge", headers={"Accept": "text/html"})
    assert resource.status_code == 200 and "Georgia" in resource.get_data(as_text=True)
    dumps = client.get("/dumps/").get_data(as_text=True)
    assert dumps.count('href="/dumps/') >= 2 and "+2 −0 ~0" in dumps
    assert "/membership/cica-ge>" in client.get("/dumps/kg.nt").get_data(as_text=True)


def test_pre_commit_runs_kgbuild_validate_on_the_facts():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    [local] = [repo for repo in config["repos"] if repo["repo"] == "local"]
    hooks = {hook["id"]: hook for hook in local["hooks"]}
    validate = hooks["kgbuild-validate"]
    assert validate["entry"].split()[-2:] == ["validate", "facts"] and validate["language"] == "system"
    assert re.search(validate["files"], "facts/cica.yaml") and not validate.get("pass_filenames", True)
    result = CliRunner().invoke(cli, [*validate["entry"].split()[1:-1], str(ROOT / "facts")])
    assert result.exit_code == 0, result.output
