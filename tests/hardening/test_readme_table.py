"""docs/hardening.md's table is what the hardening tests last observed (tests/hardening/results.json).

(The table lived in README.md until issue 15; the file keeps its name.)"""

from __future__ import annotations

from .table import DOC, END, START, main


def test_the_hardening_table_is_what_the_tests_observed():
    assert main(["--check"]) == 0, "run `make hardening-table` after the hardening tests"


def test_the_table_lives_in_docs_not_in_the_readme():
    assert START in DOC.read_text("utf-8") and END in DOC.read_text("utf-8")
    assert START not in (DOC.parents[1] / "README.md").read_text("utf-8"), "the README links to docs/hardening.md"
