"""The answer a stored query's header expects (its `# expect-*:` lines, taken from the sources), held
against rows as people read them: one check for the store, the web pages and the browser alike."""

from __future__ import annotations

from kgbuild.storedqueries import StoredQuery


def mismatches(stored: StoredQuery, rows: list[dict[str, str]]) -> list[str]:
    """What in rows ({variable: text}, in order) differs from the header's expected answer; [] when it agrees."""
    problems = []
    if stored.expect_rows is not None:
        columns = list(stored.expect_rows[0]) if stored.expect_rows else []
        shown = [{name: row.get(name, "") for name in columns} for row in rows]
        if shown != stored.expect_rows:
            problems.append(f"{stored.name}: rows {shown} are not the expected {stored.expect_rows}")
    for expected in stored.expect_includes or []:
        if not any(all(row.get(name) == value for name, value in expected.items()) for row in rows):
            problems.append(f"{stored.name}: no row like {expected} in {rows}")
    if stored.expect_count is not None and len(rows) != stored.expect_count:
        problems.append(f"{stored.name}: {len(rows)} rows, not the expected {stored.expect_count}")
    return problems
