"""The reasoner's answer kept beside the builds (.dist.cache/): reused for the same question, never for
another, ignored when damaged, and never a byte of difference in the build.

Whether HermiT ran is seen the way a user would: with no `java` on the PATH, a build that needs HermiT
fails (it names the missing Java), and a build answered from the cache does not. The edits below are
made to private copies of tests/facts: test data, not facts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kgbuild.graph.answercache import KEEP, AnswerCache, cache_folder
from kgbuild.graph.build import build
from kgbuild.graph.reasoning import ReasonerError

from .conftest import ONTOLOGY, QUERIES, SMALL_FACTS
from .test_reproducible import EPOCH, files_of


@pytest.fixture
def no_java(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH on which there is no java: HermiT cannot run."""
    empty = tmp_path / "no-java-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of tests/facts into a fresh dist/, which filled its cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        out = build(SMALL_FACTS, tmp_path_factory.mktemp("warm") / "dist", ONTOLOGY, QUERIES).out
    return out


def dist_with_cache_of(warm: Path, tmp_path: Path) -> Path:
    """A fresh dist/ path whose cache folder is a copy of warm's."""
    out = tmp_path / "dist"
    shutil.copytree(cache_folder(warm), cache_folder(out))
    return out


def test_an_answered_build_needs_no_reasoner_and_writes_the_same_bytes(warm, tmp_path, no_java):
    again = build(SMALL_FACTS, dist_with_cache_of(warm, tmp_path), ONTOLOGY, QUERIES).out
    assert files_of(again) == files_of(warm)


def test_the_cache_changes_no_byte_of_the_build(warm, tmp_path):
    uncached = build(SMALL_FACTS, tmp_path / "dist", ONTOLOGY, QUERIES, cache=False).out
    assert not cache_folder(uncached).exists()
    assert files_of(uncached) == files_of(warm)


def test_a_new_label_reuses_the_answer_and_shows_in_the_build(warm, tmp_path, facts_dir, no_java):
    cica = facts_dir / "cica.yaml"
    old = "theme: {id: Kemitraan untuk Keamanan dan Pembangunan di Asia, en: Partnership"
    assert cica.read_text("utf-8").count(old) == 2
    cica.write_text(cica.read_text("utf-8").replace(old, "theme: {id: Kemitraan Baru, en: Partnership", 1), "utf-8")
    out = build(facts_dir, dist_with_cache_of(warm, tmp_path), ONTOLOGY, QUERIES).out
    assert '"Kemitraan Baru"@id' in (out / "kg.nt").read_text("utf-8")


def test_an_edit_the_reasoner_sees_is_never_answered_from_the_cache(warm, tmp_path, facts_dir, no_java):
    cica = facts_dir / "cica.yaml"
    summit = "{series: summit, ordinal: 5, start: 2019-06, place: dushanbe,"
    assert summit in cica.read_text("utf-8")
    cica.write_text(cica.read_text("utf-8").replace(summit, summit.replace("dushanbe", "nur-sultan")), "utf-8")
    with pytest.raises(ReasonerError, match="needs Java"):
        build(facts_dir, dist_with_cache_of(warm, tmp_path), ONTOLOGY, QUERIES)


@pytest.mark.parametrize("damage", ["cut short", "one byte changed", "empty"])
def test_a_damaged_entry_is_ignored_and_written_again(warm, tmp_path, monkeypatch, damage):
    out = dist_with_cache_of(warm, tmp_path)
    [entry] = (cache_folder(out) / "reasoner").iterdir()
    whole = entry.read_bytes()
    damaged = {"cut short": whole[: len(whole) // 2], "empty": b"",
               "one byte changed": whole[:-5] + bytes([whole[-5] ^ 1]) + whole[-4:]}[damage]
    entry.write_bytes(damaged)
    with monkeypatch.context() as patch:
        patch.setenv("PATH", str(tmp_path))  # no java here
        with pytest.raises(ReasonerError, match="needs Java"):
            build(SMALL_FACTS, out, ONTOLOGY, QUERIES)
    rebuilt = build(SMALL_FACTS, out, ONTOLOGY, QUERIES).out  # HermiT runs, and files its answer afresh
    assert files_of(rebuilt) == files_of(warm)
    assert entry.read_bytes() == whole


def test_a_cache_that_cannot_be_written_never_fails_a_build(warm, tmp_path):
    out = tmp_path / "dist"
    cache_folder(out).write_text("a file where the cache folder would go\n", "utf-8")
    built = build(SMALL_FACTS, out, ONTOLOGY, QUERIES).out
    assert files_of(built) == files_of(warm)


def test_the_cache_keeps_the_most_recently_used_answers(tmp_path):
    answers = AnswerCache(tmp_path, "reasoner")
    answers.write("first", b"the first answer")
    for number in range(KEEP + 8):
        if number % 4 == 0:
            assert answers.read("first") == b"the first answer"  # in use: kept
        answers.write(f"other-{number}", f"answer {number}".encode())
    kept = sorted(path.name for path in (tmp_path / "reasoner").iterdir())
    assert len(kept) == KEEP
    assert "first" in kept and "other-0" not in kept and f"other-{KEEP + 7}" in kept
