"""`kgbuild new`: one record added in the file's own style, every other line untouched, undone on a problem."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from kgbuild.authoring import format_record, yaml_scalar
from kgbuild.cli import cli
from kgbuild.facts import load_facts
from kgbuild.facts.schema import facts_schema
from kgbuild.facts.yamlread import FactsLoader

from ..conftest import REAL_FACTS


def added_lines(before: bytes, after: bytes) -> tuple[list[int], list[bytes]]:
    """Which lines (0-based, in `after`) were inserted, asserting every other line is byte for byte the same."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    inserted = len(new) - len(old)
    assert inserted > 0
    start = next((index for index, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    assert new[:start] == old[:start] and new[start + inserted:] == old[start:]
    return list(range(start, start + inserted)), new[start:start + inserted]


def test_new_observer_goes_after_the_last_observer_state_and_nothing_else_moves(runner, real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    # planted test data: Georgia is no CICA observer that any source names
    result = runner.invoke(cli, ["new", "member", "--facts", str(real_facts_copy), "--org", "cica", "--country", "GE",
                                 "--status", "observer", "--since", "2024-03-01", "--source", "theicaf-2022-02-09"])
    assert result.exit_code == 0, result.output
    lines, inserted = added_lines(before, cica.read_bytes())
    assert inserted == [b"  - {member: ge, status: observer, since: 2024-03-01, source: theicaf-2022-02-09}\n"]
    previous = before.splitlines()[lines[0] - 1]
    assert previous.startswith(b"  - {member: la, status: observer")  # the last observer state
    assert f"cica.yaml:{lines[0] + 1}:" in result.stdout


def test_new_full_member_with_two_sources_goes_after_the_last_member_state(runner, real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    result = runner.invoke(cli, ["new", "member", "--facts", str(real_facts_copy), "--org", "cica", "--country", "ge",
                                 "--since", "2024", "--source", "theicaf-2022-02-09", "--source", "lokmat-2022-10-13"])
    assert result.exit_code == 0, result.output
    lines, inserted = added_lines(before, cica.read_bytes())
    assert inserted == [b"  - {member: ge, since: 2024, source: [theicaf-2022-02-09, lokmat-2022-10-13]}\n"]
    assert before.splitlines()[lines[0] - 1].startswith(b"  - {member: kw, since: 2022-10-13")


def test_a_record_that_brings_a_problem_is_undone_and_the_problem_named(runner, real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    result = runner.invoke(cli, ["new", "member", "--facts", str(real_facts_copy), "--org", "cica", "--country", "xk",
                                 "--since", "2024", "--source", "theicaf-2022-02-09"])
    assert result.exit_code == 1
    assert cica.read_bytes() == before
    assert "cica.yaml:" in result.stderr and "unknown country code 'xk'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_member_counted_by_a_claim_must_agree_with_it(runner, real_facts_copy):
    # A full member since 2020 would make 28 on 2021-10-07, where MINA says 27: refused, the claim's line named.
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    result = runner.invoke(cli, ["new", "member", "--facts", str(real_facts_copy), "--org", "cica", "--country", "ge",
                                 "--since", "2020", "--source", "theicaf-2022-02-09"])
    assert result.exit_code == 1 and cica.read_bytes() == before
    assert "claim of 27 (mina-2021-10-07) disagrees" in result.stderr


def test_unknown_organisation_names_the_ones_with_a_file(runner, real_facts_copy):
    result = runner.invoke(cli, ["new", "member", "--facts", str(real_facts_copy), "--org", "sco", "--country", "kz",
                                 "--since", "2001", "--source", "theicaf-2022-02-09"])
    assert result.exit_code == 1 and "organisations with a file: asean, cica" in result.stderr


def test_new_source_is_a_block_like_its_neighbours(runner, real_facts_copy):
    sources = real_facts_copy / "sources.yaml"
    before = sources.read_bytes()
    result = runner.invoke(
        cli,
        [
            "new",
            "source",
            "--facts",
            str(real_facts_copy),
            "--id",
            "planted-test-source",
            "--title",
            "Planted: a test source",
            "--publisher",
            "kgbuild tests",
            "--issued",
            "2024-03",
            "--language",
            "en",
            "--url",
            "https://example.org/planted",
        ],
    )
    assert result.exit_code == 0, result.output
    _, inserted = added_lines(before, sources.read_bytes())
    assert b"".join(inserted).decode() == (
        "\n"
        "  - id: planted-test-source\n"
        '    title: "Planted: a test source"\n'
        "    publisher: kgbuild tests\n"
        "    issued: 2024-03\n"
        "    language: en\n"
        "    url: https://example.org/planted\n")
    assert load_facts(real_facts_copy).sources["planted-test-source"].title == "Planted: a test source"


def test_new_meeting_and_chair_are_one_line_each(runner, real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    # planted test data: no source names an eighth ministerial meeting
    result = runner.invoke(cli, ["new", "meeting", "--facts", str(real_facts_copy), "--org", "cica", "--series",
                                 "ministerial", "--ordinal", "8", "--start", "2025-12-17", "--place", "astana",
                                 "--theme-en", "Planted: theme", "--source", "astanatimes-2024-12-17"])
    assert result.exit_code == 0, result.output
    lines, inserted = added_lines(before, cica.read_bytes())
    assert inserted == [b'  - {series: ministerial, ordinal: 8, start: 2025-12-17, place: astana, '
                        b'theme: {en: "Planted: theme"}, source: astanatimes-2024-12-17}\n']
    assert before.splitlines()[lines[0] - 1].startswith(b"    source: [s-cica-press-2024-12-17, trend-2024-12-17")
    assert "cica-ministerial-8" in load_facts(real_facts_copy).meetings
    middle = cica.read_bytes()
    result = runner.invoke(cli, ["new", "chair", "--facts", str(real_facts_copy), "--org", "cica", "--country", "az",
                                 "--since", "2024-12-17", "--source", "astanatimes-2024-12-17"])
    assert result.exit_code == 1 and "overlaps" in result.stderr  # Azerbaijan already chairs from that day
    assert cica.read_bytes() == middle


def test_a_current_schema_is_kept_current(runner, tmp_path):
    # facts/ points editors at ../schema/facts.schema.json; when that was written from these facts, a new id reaches it.
    shutil.copytree(REAL_FACTS, tmp_path / "facts")
    schema = tmp_path / "schema" / "facts.schema.json"
    schema.parent.mkdir()
    schema.write_text(
        json.dumps(facts_schema(load_facts(tmp_path / "facts")), indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    result = runner.invoke(cli, ["new", "source", "--facts", str(tmp_path / "facts"), "--id", "planted-test-source",
                                 "--title", "Planted", "--publisher", "kgbuild tests", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "planted-test-source" in schema.read_text("utf-8")


@pytest.mark.parametrize("value", ["no", "yes", "2019", "a: b", "#tag", "x, y", "[x]", "O'Brien", 'say "hi"', " pad",
                                   "null", "~", "Mi'raj News Agency (MINA)", "https://example.org/a?b=c#d", "Ünïcode"])
def test_every_value_reads_back_as_written(value):
    assert yaml.load(f"key: {yaml_scalar(value)}", Loader=FactsLoader) == {"key": value}


def test_plain_values_stay_plain():
    assert [yaml_scalar(value) for value in ("kz", "2022-10-13", "United Nations", 7)] == [
        "kz",
        "2022-10-13",
        "United Nations",
        "7",
    ]
    assert format_record({"member": "no", "since": 2024, "source": "x"}, "  ", block=False) == [
        '  - {member: "no", since: 2024, source: x}'
    ]


def test_new_online_meeting_has_no_place(runner, real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    # planted test data: no source names an eighth ministerial meeting
    result = runner.invoke(cli, ["new", "meeting", "--facts", str(real_facts_copy), "--org", "cica", "--series",
                                 "ministerial", "--ordinal", "8", "--start", "2025-12-17", "--online",
                                 "--source", "astanatimes-2024-12-17"])
    assert result.exit_code == 0, result.output
    _, inserted = added_lines(before, cica.read_bytes())
    assert inserted == [b"  - {series: ministerial, ordinal: 8, start: 2025-12-17, online: true, "
                        b"source: astanatimes-2024-12-17}\n"]
    meeting = load_facts(real_facts_copy).meetings["cica-ministerial-8"]
    assert meeting.online and meeting.place is None
    both = runner.invoke(
        cli,
        [
            "new",
            "meeting",
            "--facts",
            str(real_facts_copy),
            "--org",
            "cica",
            "--series",
            "ministerial",
            "--ordinal",
            "9",
            "--start",
            "2025-12-18",
            "--online",
            "--place",
            "astana",
            "--source",
            "astanatimes-2024-12-17",
        ],
    )
    assert both.exit_code == 2 and "--place PLACE_ID, or --online" in both.output


def test_new_initiative_goes_after_the_last_initiative(runner, real_facts_copy):
    cica = real_facts_copy / "cica.yaml"
    before = cica.read_bytes()
    # planted test data: a proposal no source reports
    result = runner.invoke(cli, ["new", "initiative", "--facts", str(real_facts_copy), "--org", "cica",
                                 "--id", "planted-initiative", "--label-en", "Planted: a proposal",
                                 "--proposed-by", "kassym-jomart-tokayev", "--proposed-at", "cica-6",
                                 "--proposed-on", "2022-10-13", "--source", "inform-kz-2022-10-13-summit"])
    assert result.exit_code == 0, result.output
    lines, inserted = added_lines(before, cica.read_bytes())
    assert inserted == [
        b'  - {id: planted-initiative, label: {en: "Planted: a proposal"}, proposed_by: kassym-jomart-tokayev, '
        b'proposed_at: cica-6, proposed_on: 2022-10-13, source: inform-kz-2022-10-13-summit}\n'
    ]
    initiative = load_facts(real_facts_copy).initiatives["planted-initiative"]
    assert initiative.proposed_at == "cica-6" and initiative.organisation == "cica"
