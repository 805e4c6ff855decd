"""One definition of "in force on a day" (kgbuild.temporal): the stored queries that count or list what
was in force on a day spell exactly its SPARQL, and the checks and pictures use its Period."""

from __future__ import annotations

from datetime import date

import pytest

from kgbuild.temporal import BOUNDS, Period, certainly_sparql, possibly_sparql

from .conftest import QUERIES

DATED = [path for path in sorted(QUERIES.glob("*.rq")) if "?asOf" in path.read_text("utf-8")]


def test_some_stored_queries_ask_what_was_in_force():
    assert {path.stem for path in DATED} >= {"full-members-on-date", "observers-and-partners"}


@pytest.mark.parametrize("path", DATED, ids=[path.stem for path in DATED])
def test_a_query_on_a_day_uses_the_one_rule(path):
    text = path.read_text("utf-8")
    assert BOUNDS in text
    assert possibly_sparql("?asOf") in text
    assert certainly_sparql("?asOf") in text


def test_month_and_year_dates_make_certain_and_possible_differ():
    # chinadaily-2014-05-20: Bahrain joined during 2011 (a year); 2011-06-01 lies inside that stretch
    bahrain = Period(date(2011, 1, 1), date(2011, 12, 31))
    assert (bahrain.certainly(date(2011, 6, 1)), bahrain.possibly(date(2011, 6, 1))) == (False, True)
    assert (bahrain.certainly(date(2012, 1, 1)), bahrain.possibly(date(2010, 12, 31))) == (True, False)
    # a hand-over on one day is no overlap: a period ending on a day is not in force on it
    chair = Period(date(2018, 9, 24), date(2018, 9, 24), date(2020, 9, 24), date(2020, 9, 24))
    assert not chair.possibly(date(2020, 9, 24)) and chair.certainly(date(2020, 9, 23))


def test_an_attested_start_is_possible_before_and_certain_from_the_attestation():
    # mid-ru-2002-06-06: Malaysia an observer in June 2002, start unknown
    malaysia = Period(None, date(2002, 6, 6))
    assert (malaysia.certainly(date(2002, 6, 5)), malaysia.possibly(date(2002, 6, 5))) == (False, True)
    assert malaysia.certainly(date(2002, 6, 6))
