"""Plausibility checks and one-mistake-one-message, on small hand-written facts folders."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kgbuild.facts import collect_facts

SOURCES = """\
sources:
  - {id: mina-2021-10-07, title: Kazakhstan chairs CICA, publisher: MINA, issued: 2021-10-07, language: id}
  - {id: cica-site, title: About CICA, publisher: CICA, language: en}
"""
PLACES = "places:\n  - {id: dushanbe, label: {en: Dushanbe}, country: tj, source: mina-2021-10-07}\n"
CICA = "organisation: {id: cica, acronym: CICA, label: {en: CICA}, source: mina-2021-10-07}\n"


def report(tmp_path: Path, **files: str) -> tuple[list[str], list[str]]:
    """The problems and the warnings of a facts folder, as `file:line: message` with the file's bare name."""
    folder = tmp_path / "facts"
    folder.mkdir(exist_ok=True)
    for name, text in {"sources": SOURCES, "places": PLACES, **files}.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), "utf-8")
    facts, problems = collect_facts(folder)
    shown = [[f"{Path(p.origin.file).name}:{p.origin.line}: {p.message}" for p in found]
             for found in (problems, sorted(facts.warnings))]
    return shown[0], shown[1]


def epoch_of(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def test_a_planned_meeting_may_lie_ahead(tmp_path):
    problems, _ = report(tmp_path, cica=CICA + "meetings:\n  - {series: summit, ordinal: 9, start: 2097-06, "
                                                "place: dushanbe, planned: true, source: mina-2021-10-07}\n")
    assert problems == []


def test_the_build_day_comes_from_source_date_epoch(tmp_path, monkeypatch):
    # a meeting of 2019-06-15 is in the future for a build pinned to 2019-01-01
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch_of(date(2019, 1, 1)))
    problems, _ = report(
        tmp_path,
        sources=SOURCES.replace("issued: 2021-10-07", "issued: 2018-10-07"),
        cica=CICA.replace("source: mina-2021-10-07", "source: cica-site")
        + "meetings:\n  - {series: summit, ordinal: 5, start: 2019-06-15, place: dushanbe, source: cica-site}\n",
    )
    assert problems == ["cica.yaml:3: start: 2019-06-15 is after the build day set by SOURCE_DATE_EPOCH (2019-01-01); "
                        "correct the date, or add `planned: true` if the record announces what is to come"]


def test_an_undated_page_is_dated_by_when_it_was_read(tmp_path):
    sources = SOURCES.replace("publisher: CICA, language: en", "publisher: CICA, accessed: 2010-03-01, language: en")
    _, warnings = report(tmp_path, sources=sources, cica=CICA + "memberships:\n"
                         "  - {member: kz, since: 1999-09-14, source: cica-site}\n"
                         "  - {member: th, since: 2011-01, source: cica-site}\n")
    assert warnings == [
        "cica.yaml:4: every dated source appeared before since: 2011-01: cica-site (accessed 2010-03-01); "
        "a source cannot attest what came after it, so cite one from 2011-01 or later, or add "
        "`planned: true` if the record is an announcement"
    ]


def test_an_undated_source_is_left_out_of_the_source_dates_check(tmp_path):
    _, warnings = report(tmp_path, cica=CICA + "memberships:\n  - {member: kw, since: 2022-10-13, source: cica-site}\n")
    assert warnings == []


def test_an_announcement_that_says_so_is_no_warning(tmp_path):
    _, warnings = report(tmp_path, cica=CICA + "meetings:\n  - {series: ministerial, ordinal: 6, start: 2021-10-11, "
                                               "place: dushanbe, planned: true, source: mina-2021-10-07}\n")
    assert warnings == []


def test_a_chair_that_became_a_member_later_in_its_start_month_is_fine(tmp_path):
    # since: 2010-06 may mean any day of June 2010, the month Iraq joined
    problems, _ = report(
        tmp_path,
        cica=CICA + "memberships:\n  - {member: iq, since: 2010-06-08, source: mina-2021-10-07}\n"
        "chairmanships:\n  - {chair: iq, since: 2010-06, source: mina-2021-10-07}\n",
    )
    assert problems == []


def test_an_observer_cannot_chair(tmp_path):
    problems, _ = report(tmp_path, cica=CICA + "memberships:\n"
                         "  - {member: tm, status: observer, since: 2021-06, source: mina-2021-10-07}\n"
                         "chairmanships:\n  - {chair: tm, since: 2021-09, source: mina-2021-10-07}\n")
    assert problems == ["cica.yaml:5: chair: 'tm' (Turkmenistan) is not a full member of cica when its term starts "
                        "(2021-09); check the chair's code and the dates, or add its membership"]


@pytest.mark.parametrize("first_error, broken, line", [
    ("a place rejected for its label", "  - {id: dushanbe, label: Dushanbe, country: tj, source: mina-2021-10-07}\n",
     "places.yaml:2"),
    ("a place without an id", "  - {label: {en: Dushanbe}, country: tj, source: mina-2021-10-07}\n", "places.yaml:2"),
])
def test_a_rejected_place_is_still_declared(tmp_path, first_error, broken, line):
    problems, _ = report(
        tmp_path,
        places="places:\n" + broken,
        cica=CICA + "meetings:\n"
        "  - {series: summit, ordinal: 5, start: 2019-06-15, place: dushanbe, source: mina-2021-10-07}\n",
    )
    assert len(problems) == 1 and problems[0].startswith(f"{line}: "), problems


def test_a_rejected_source_is_still_declared(tmp_path):
    sources = SOURCES.replace("language: id}", "language: ID}")
    problems, _ = report(tmp_path, sources=sources)
    assert problems == ["sources.yaml:2: language: 'ID' is not a language tag; write a BCP 47 tag in lower case, "
                        "such as en or id"]


def test_a_rejected_organisation_keeps_its_records_checked_and_quiet(tmp_path):
    problems, _ = report(tmp_path, cica="organisation: {id: cica, label: CICA, source: mina-2021-10-07}\n"
                         "memberships:\n  - {member: kz, since: 1999, source: mina-2021-10-07}\n"
                         "  - {member: tj, since: 1999, source: mina-2022}\n")
    assert [problem.split(": ")[0] for problem in problems] == ["cica.yaml:1", "cica.yaml:4"]
    assert "unknown source id 'mina-2022'" in problems[1]


def test_a_rejected_membership_does_not_upset_the_claims(tmp_path):
    problems, _ = report(tmp_path, cica=CICA + "memberships:\n"
                         "  - {member: kz, since: 1999, source: mina-2021-10-07}\n"
                         "  - {member: tj, sinse: 1999, source: mina-2021-10-07}\n"
                         "claims:\n  - {count: members, value: 2, as_of: 2021-10-07, source: mina-2021-10-07}\n")
    assert len(problems) == 1 and problems[0].startswith("cica.yaml:4: unknown key 'sinse'")


def test_an_empty_list_entry_declares_nothing(tmp_path):
    problems, _ = report(tmp_path, sources=SOURCES + "  -\n", cica=CICA + "memberships:\n"
                         "  - {member: kz, since: 1999, source: mina-2012}\n")
    assert [problem.split(": ")[0] for problem in problems] == ["cica.yaml:3", "sources.yaml:4"]


def test_a_meeting_rejected_for_its_ordinal_is_still_declared(tmp_path):
    problems, _ = report(
        tmp_path,
        cica=CICA + "meetings:\n"
        "  - {series: summit, ordinal: first, start: 2002-06-04, place: dushanbe, source: mina-2021-10-07}\n"
        "documents:\n  - {id: cica-almaty-act, label: {en: Almaty Act}, adopted_at: cica-1, "
        "source: mina-2021-10-07}\n",
    )
    assert len(problems) == 1 and problems[0].startswith("cica.yaml:3: ordinal:")


def test_an_unreadable_file_silences_what_could_refer_into_it(tmp_path):
    problems, _ = report(
        tmp_path,
        places="places:\n\t- {id: dushanbe}\n",
        cica=CICA + "meetings:\n"
        "  - {series: summit, ordinal: 5, start: 2019-06-15, place: dushanbe, source: mina-2021-10-07}\n",
    )
    assert problems == ["places.yaml:2: YAML syntax error: a tab character; YAML indents with spaces only, "
                        "so replace the tab with spaces"]


def test_did_you_mean_never_offers_another_number(tmp_path):
    problems, _ = report(
        tmp_path,
        cica=CICA + "meetings:\n"
        "  - {series: summit, ordinal: 5, start: 2019-06-15, place: dushanbe, source: mina-2021-10-07}\n"
        "documents:\n  - {id: d, label: {en: D}, adopted_at: cica-9, source: mina-2021-10-07}\n",
    )
    assert problems == ["cica.yaml:5: adopted_at: unknown meeting 'cica-9'; meetings are named {org}-{ordinal} for "
                        "summits and {org}-{series}-{ordinal} otherwise"]
