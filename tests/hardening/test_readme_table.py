"""README's hardening table is what the hardening tests last observed (tests/hardening/results.json)."""

from __future__ import annotations

from .table import main


def test_the_readme_table_is_what_the_tests_observed():
    assert main(["--check"]) == 0, "run `make hardening-table` after the hardening tests"
