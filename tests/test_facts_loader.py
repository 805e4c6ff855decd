"""The loader: each kind of mistake, its message and its line; every mistake at once."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from kgbuild.facts import FactsError, collect_facts, load_facts
from kgbuild.facts.models import parse_partial_date

from .conftest import ROOT

SOURCES = """\
sources:
  - {id: mina-2021-10-07, title: Kazakhstan chairs CICA, publisher: MINA, issued: 2021-10-07, language: id}
"""
PLACES = """\
places:
  - {id: dushanbe, label: {en: Dushanbe}, country: tj, source: mina-2021-10-07}
"""


def problems_of(tmp_path: Path, **files: str) -> list[str]:
    folder = tmp_path / "facts"
    folder.mkdir(exist_ok=True)
    files.setdefault("sources", SOURCES)
    files.setdefault("places", PLACES)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), "utf-8")
    _, problems = collect_facts(folder)
    return [f"{Path(problem.origin.file).name}:{problem.origin.line}: {problem.message}" for problem in problems]


def cica(body: str) -> str:
    return "organisation: {id: cica, acronym: CICA, label: {en: CICA}, source: mina-2021-10-07}\n" + textwrap.dedent(
        body
    )


def test_valid_small_facts_have_no_problem():
    _, problems = collect_facts(ROOT / "tests" / "facts")
    assert problems == []


def test_unknown_key_names_the_closest_valid_key(tmp_path):
    problems = problems_of(
        tmp_path, cica=cica("memberships:\n  - {member: kz, sinse: 1992, source: mina-2021-10-07}\n")
    )
    assert problems == ["cica.yaml:3: unknown key 'sinse' (did you mean 'since'?); a membership takes: "
                        "alternatives, attested, member, note, planned, since, source, status, until"]


def test_wrong_type_names_the_key(tmp_path):
    problems = problems_of(tmp_path, cica=cica("meetings:\n  - {series: summit, ordinal: fifth, start: 2019, "
                                              "place: dushanbe, source: mina-2021-10-07}\n"))
    assert problems == ["cica.yaml:3: ordinal: expected a whole number, got 'fifth'; write digits only, e.g. 5"]


@pytest.mark.parametrize("written, words", [
    ("2019-02-30", "'2019-02-30' is not a real date"),
    ("2019-13", "'2019-13' is not a real date"),
    ("'15 June 2019'", "'15 June 2019' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_malformed_or_impossible_dates(tmp_path, written, words):
    problems = problems_of(
        tmp_path, cica=cica(f"memberships:\n  - member: kz\n    since: {written}\n    source: mina-2021-10-07\n")
    )
    assert len(problems) == 1
    assert problems[0].startswith("cica.yaml:4: since: ") and words in problems[0]


def test_unknown_country_code_suggests_the_nearest(tmp_path):
    problems = problems_of(
        tmp_path, cica=cica("memberships:\n  - {member: kx, since: 1992, source: mina-2021-10-07}\n")
    )
    assert problems == ["cica.yaml:3: member: unknown country code 'kx' (did you mean 'kz', Kazakhstan?); "
                        "use an ISO 3166-1 alpha-2 code"]


def test_unknown_source_id(tmp_path):
    problems = problems_of(tmp_path, cica=cica("memberships:\n  - {member: kz, since: 1992, source: mina-2021}\n"))
    assert problems == ["cica.yaml:3: source: unknown source id 'mina-2021' (did you mean 'mina-2021-10-07'?); "
                        "declare it in facts/sources.yaml or cite a declared one"]


def test_unknown_city(tmp_path):
    problems = problems_of(tmp_path, cica=cica("meetings:\n  - {series: summit, ordinal: 5, start: 2019-06, "
                                              "place: dushambe, source: mina-2021-10-07}\n"))
    assert problems == ["cica.yaml:3: place: unknown place 'dushambe' (did you mean 'dushanbe'?); "
                        "declare it in facts/places.yaml"]


def test_unknown_organisation_member(tmp_path):
    problems = problems_of(
        tmp_path,
        organisations="organisations:\n  - {id: un, label: {en: United Nations}, source: mina-2021-10-07}\n",
        cica=cica("memberships:\n  - {member: unn, status: observer, since: 2002, source: mina-2021-10-07}\n"),
    )
    assert problems == ["cica.yaml:3: member: 'unn' is neither a declared organisation nor an ISO 3166-1 country "
                        "code (did you mean 'un'?); declare the organisation in facts/organisations.yaml"]


def test_duplicate_id_names_both_lines(tmp_path):
    sources = SOURCES + "  - {id: mina-2021-10-07, title: again, publisher: MINA, language: id}\n"
    problems = problems_of(tmp_path, sources=sources)
    assert problems == [
        f"sources.yaml:3: source id 'mina-2021-10-07' is declared twice (first at "
        f"{tmp_path.name}/facts/sources.yaml:2); keep one".replace(f"{tmp_path.name}/", _prefix(tmp_path))
    ]


def _prefix(tmp_path: Path) -> str:
    # origins are shown relative to the working directory when below it, else absolute
    return f"{tmp_path}/"


def test_duplicate_key_in_one_map(tmp_path):
    problems = problems_of(tmp_path, cica=cica("memberships:\n  - member: kz\n    since: 1992\n    since: 1993\n"
                                              "    source: mina-2021-10-07\n"))
    assert problems == ["cica.yaml:5: key 'since' appears twice in one map (first at line 4); keep one"]


def test_period_that_ends_before_it_begins(tmp_path):
    problems = problems_of(
        tmp_path, cica=cica("memberships:\n  - {member: th, since: 2004, until: 2002, source: mina-2021-10-07}\n")
    )
    assert problems == ["cica.yaml:3: until: 2002 is before since: 2004; swap them or correct the dates"]


def test_a_year_long_period_within_one_year_is_fine(tmp_path):
    # until: 2004 may mean any day of 2004, so it does not end before since: 2004-06
    assert problems_of(tmp_path, cica=cica("memberships:\n  - {member: th, since: 2004-06, until: 2004, "
                                           "source: mina-2021-10-07}\n")) == []


CHAIRS_ARE_MEMBERS = ("memberships:\n  - {member: tr, since: 1999, source: mina-2021-10-07}\n"
                      "  - {member: cn, since: 1999, source: mina-2021-10-07}\n")


def test_overlapping_chairmanships(tmp_path):
    problems = problems_of(
        tmp_path,
        cica=cica(
            CHAIRS_ARE_MEMBERS + "chairmanships:\n"
            "  - {chair: tr, since: 2010, until: 2014-06, source: mina-2021-10-07}\n"
            "  - {chair: cn, since: 2014-01, until: 2018, source: mina-2021-10-07}\n"
        ),
    )
    assert len(problems) == 1
    assert problems[0].startswith("cica.yaml:7: chairmanship of cica by 'cn' from 2014-01 overlaps the one by 'tr'")


def test_handover_on_one_day_is_no_overlap(tmp_path):
    assert (
        problems_of(
            tmp_path,
            cica=cica(
                CHAIRS_ARE_MEMBERS + "chairmanships:\n"
                "  - {chair: tr, since: 2010, until: 2014-05, source: mina-2021-10-07}\n"
                "  - {chair: cn, since: 2014-05, until: 2018, source: mina-2021-10-07}\n"
            ),
        )
        == []
    )


def test_fact_without_a_source(tmp_path):
    problems = problems_of(tmp_path, cica=cica("memberships:\n  - {member: kz, since: 1992}\n"))
    assert problems == ["cica.yaml:3: missing required key 'source'; add `source: ...` "
                        "(one source id from facts/sources.yaml, or a list of them)"]


def test_claim_that_disagrees_names_both_places(tmp_path):
    problems = problems_of(tmp_path, cica=cica("""\
        memberships:
          - {member: kz, since: 1992, source: mina-2021-10-07}
        claims:
          - {count: members, status: full, kind: country, value: 27, as_of: 2021-10-07, source: mina-2021-10-07}
        """))
    assert problems == [
        "cica.yaml:5: claim of 27 (mina-2021-10-07) disagrees: the facts list 1 full country "
        "memberships of cica in force on 2021-10-07; add or correct the records it counts, or the claim"
    ]


def test_yaml_syntax_error_has_its_line(tmp_path):
    problems = problems_of(tmp_path, cica="organisation:\n  id: cica\n   label: [unclosed\n")
    assert len(problems) == 1 and problems[0].startswith("cica.yaml:3: YAML syntax error")


def test_python_tags_are_refused_never_run(tmp_path):
    problems = problems_of(tmp_path, cica="organisation: !!python/object/apply:os.system ['touch pwned']\n")
    assert len(problems) == 1 and "the YAML tag !!python/object/apply:os.system is not allowed" in problems[0]
    assert not Path("pwned").exists()


def test_aliases_are_refused(tmp_path):
    problems = problems_of(
        tmp_path, cica=cica("memberships:\n  - &kz {member: kz, since: 1992, source: mina-2021-10-07}\n  - *kz\n")
    )
    assert problems == ["cica.yaml:3: this value is reused through a YAML alias (&name ... *name); "
                        "aliases are not allowed in facts, write the value out each time"]


def test_records_of_an_organisation_need_its_section(tmp_path):
    problems = problems_of(tmp_path, cica="memberships:\n  - {member: kz, since: 1992, source: mina-2021-10-07}\n")
    assert problems == ["cica.yaml:1: 'memberships' belongs to an organisation, but this file has no `organisation:` "
                        "section; add one, or move these records to the organisation's file"]


def test_load_facts_raises_with_every_problem(tmp_path):
    problems_of(tmp_path, cica=cica("memberships:\n  - {member: kx, since: 1992, source: x}\n"))
    with pytest.raises(FactsError) as error:
        load_facts(tmp_path / "facts")
    assert len(error.value.problems) == 2


@pytest.mark.parametrize("raw, value, precision", [
    (2019, "2019-01-01", "year"), ("2019-06", "2019-06-01", "month"), ("2019-06-15", "2019-06-15", "day"),
])
def test_dates_keep_their_precision(raw, value, precision):
    moment = parse_partial_date(raw)
    assert (moment.value.isoformat(), moment.precision) == (value, precision)


def test_validate_reports_every_planted_mistake(runner):
    """tests/planted/ holds twenty-odd mistakes, each on a line marked `# MISTAKE: words`."""
    from kgbuild.cli import cli

    planted = ROOT / "tests" / "planted"
    expected = []
    for path in sorted(planted.glob("*.yaml")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            match = re.search(r"\S.*#\s*MISTAKE:\s*(.+)$", line)
            if match and not line.lstrip().startswith("#"):
                expected.append((path.name, number, match.group(1).strip()))
    assert len(expected) >= 20
    result = runner.invoke(cli, ["validate", str(planted)])
    assert result.exit_code == 1
    reported = [line for line in result.output.splitlines() if re.match(r"\S+\.yaml:\d+: ", line)]
    for name, number, words in expected:
        at_line = [line for line in reported if re.search(rf"{re.escape(name)}:{number}: ", line)]
        assert any(words in line for line in at_line), f"{name}:{number} should report '{words}'; got {at_line}"
    assert len(reported) == len(expected), "every reported problem should be one of the planted ones"


def test_membership_needs_a_start_or_an_attestation(tmp_path):
    problems = problems_of(
        tmp_path, cica=cica("memberships:\n  - {member: my, status: observer, source: mina-2021-10-07}\n")
    )
    assert problems == ["cica.yaml:3: a membership needs `since:` (when it began) or, if no source gives that, "
                        "`attested:` (a day a source shows it held)"]


def test_attested_membership_counts_from_its_attestation(tmp_path):
    # MINA, 7 October 2021: Malaysia and Indonesia are CICA observers; no source here gives since when
    problems = problems_of(tmp_path, cica=cica("""\
        memberships:
          - {member: my, status: observer, attested: 2021-10-07, source: mina-2021-10-07}
          - {member: id, status: observer, attested: 2021-10-07, source: mina-2021-10-07}
        claims:
          - {count: members, status: observer, kind: country, value: 2, as_of: 2021-10-07, source: mina-2021-10-07}
          - {count: members, status: observer, kind: country, value: 0, as_of: 2021-10-06, source: mina-2021-10-07}
        """))
    assert problems == []


def test_incomplete_claim_warns_of_the_gap_and_still_fails_on_too_many(tmp_path):
    folder = tmp_path / "facts"
    problems = problems_of(
        tmp_path,
        cica=cica("""\
        memberships:
          - {member: my, status: observer, attested: 2021-10-07, source: mina-2021-10-07}
        claims:
          - {count: members, status: observer, kind: country, value: 9, as_of: 2021-10-07, source: mina-2021-10-07, complete: false}
          - {count: members, status: observer, kind: country, value: 0, as_of: 2021-10-08, source: mina-2021-10-07, complete: false}
        """),  # noqa: E501 - the YAML as a maintainer writes it, one record a line (the lines are asserted)
    )
    assert problems == [
        "cica.yaml:6: claim of 0 (mina-2021-10-07) disagrees: the facts list 1 observer country "
        "memberships of cica in force on 2021-10-08; add or correct the records it counts, or the claim"
    ]
    facts, _ = collect_facts(folder)
    assert [f"{Path(w.origin.file).name}:{w.origin.line}: {w.message}" for w in facts.warnings] == [
        "cica.yaml:5: claim of 9 (mina-2021-10-07) is enumerated only in part: the facts list 1; "
        "add the other 8 when a source gives them"]
