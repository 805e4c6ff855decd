"""An analyst's spreadsheet reconciled as OpenRefine does it: batches of 10 queries POSTed as the form
field `queries` to the real server, each row's top candidate and match flag held to the answer written
beside it in tests/web/data/reconcile-countries.csv (from well-known names, not from this program)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from .test_reconcile import valid

SPREADSHEET = Path(__file__).parent / "data" / "reconcile-countries.csv"
OPENREFINE_BATCH = 10  # OpenRefine's default batch size
CERTAIN_KINDS = ("english", "indonesian", "former", "other", "acronym")  # a name the entity really has, as written


@dataclass(frozen=True)
class Row:
    line: int
    name: str
    type: str
    expected: str  # the entity id, or '' when no entity in the graph is right
    kind: str  # english, indonesian, former, other, acronym, misspelling, absent, ambiguous

    def query(self) -> dict:
        return {"query": self.name, "type": self.type} if self.type else {"query": self.name}


def read_spreadsheet() -> list[Row]:
    with SPREADSHEET.open(encoding="utf-8", newline="") as sheet:
        return [Row(line, r["name"], r["type"], r["expected"], r["kind"])
                for line, r in enumerate(csv.DictReader(sheet), start=2)]


ROWS = read_spreadsheet()


@pytest.fixture(scope="module")
def answers(server) -> dict[int, list[dict]]:
    """Each row's candidates (by line), asked in batches of 10 as OpenRefine sends them."""
    found: dict[int, list[dict]] = {}
    for start in range(0, len(ROWS), OPENREFINE_BATCH):
        batch = ROWS[start:start + OPENREFINE_BATCH]
        response = server.post("/reconcile", data={"queries": json.dumps({f"q{r.line}": r.query() for r in batch})})
        assert response.status_code == 200, response.text
        result = valid(response.json(), "result-batch.json")
        found.update({row.line: result[f"q{row.line}"]["result"] for row in batch})
    return found


def test_the_spreadsheet_is_an_analysts():
    kinds = {row.kind for row in ROWS}
    assert len(ROWS) >= 40
    assert {"english", "indonesian", "former", "misspelling", "absent", "ambiguous"} <= kinds


def _label(row: Row) -> str:
    return f"line {row.line}: {row.name!r}"


@pytest.mark.parametrize("row", [r for r in ROWS if r.expected], ids=_label)
def test_the_right_entity_is_the_top_candidate(answers, row):
    candidates = answers[row.line]
    assert candidates, f"{row.name!r}: no candidate; expected {row.expected}"
    assert candidates[0]["id"] == row.expected


@pytest.mark.parametrize("row", ROWS, ids=_label)
def test_no_confident_wrong_match(answers, row):
    confident = [c["id"] for c in answers[row.line] if c["match"]]
    assert confident in ([], [row.expected] if row.expected else [])


@pytest.mark.parametrize("row", [r for r in ROWS if r.kind in CERTAIN_KINDS], ids=_label)
def test_a_name_the_entity_has_is_a_certain_match(answers, row):
    assert answers[row.line][0]["match"] is True


@pytest.mark.parametrize("row", [r for r in ROWS if r.kind in ("absent", "ambiguous")], ids=_label)
def test_a_name_not_in_the_graph_is_never_a_match(answers, row):
    assert not any(candidate["match"] for candidate in answers[row.line])
