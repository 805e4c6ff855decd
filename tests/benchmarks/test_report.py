"""make bench's table goes into docs/performance.md between its markers, and only after a full run."""

from __future__ import annotations

from .report import DOC, END, START, Row, docs_target, table, with_table


def test_the_table_replaces_what_lies_between_the_markers_and_nothing_else():
    document = f"# Performance\n\nprose before\n\n{START}\nold table\n{END}\n\nprose after\n"
    text = table([Row("build 10k, s", 2.0, 0.1, 20.0, "(info)", None)])
    new = with_table(document, text, "Measured today:")
    assert new.startswith("# Performance\n\nprose before\n\n") and new.endswith(f"{END}\n\nprose after\n")
    assert "old table" not in new and f"{START}\nMeasured today:\n\n{text}\n{END}" in new
    assert with_table(new, text, "Measured today:") == new


def test_only_a_full_run_rewrites_the_page():
    assert docs_target({}) == DOC
    assert docs_target({"BENCH_SIZES": "10k, 100k, 1M"}) == DOC
    for partial in ({"BENCH_SIZES": "10k,100k"}, {"BENCH_DIST": "dist"}, {"BENCH_QUERIES": "0"},
                    {"BENCH_RDFLIB_SIZE": "none"}, {"BENCH_QUERY_SIZE": "100k"}):
        assert docs_target(partial) is None, partial
    assert docs_target({"BENCH_SIZES": "10k", "BENCH_DOCS": "docs/performance.md"}).name == "performance.md"
    assert docs_target({"BENCH_DOCS": "none"}) is None


def test_the_page_has_the_markers():
    text = DOC.read_text("utf-8")
    assert text.count(START) == 1 and text.count(END) == 1 and text.index(START) < text.index(END)
