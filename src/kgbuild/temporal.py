"""The one definition of "in force on a day", for dates known to the day, the month or the year.

A date written `2010-06` means some day in June 2010, so a period has two bounds at each end: the
earliest and the latest day it could have begun, and the earliest and the latest day it could have
ended. A period is in force from its start up to, not including, its end (a hand-over on one day is no
overlap). With uncertain bounds there are two strengths:

- *certainly* in force on a day: whatever the uncertain days turn out to be, it is in force
  (it began on or before the day at the latest, and ends after the day at the earliest);
- *possibly* in force on a day: some reading of the uncertain days puts it in force.

An unknown start (a membership only *attested* on a day) has no earliest start: it is possibly in
force on any day before its attestation and certainly from the attestation on. An open end (still in
force) has neither end bound.

The graph carries these four bounds as `kg:startDate` / `kg:latestStartDate` and `kg:endDate` /
`kg:latestEndDate`; certainly_sparql and possibly_sparql below are the same rule as SPARQL, for
stored queries, checks and pictures alike. This module imports nothing of kgbuild, so the query processes can use it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def certainly_sparql(day: str) -> str:
    """The SPARQL condition 'certainly in force on day', over ?start ?latestStart ?end ?latestEnd (BOUNDS).

    >>> certainly_sparql("?asOf")
    '(BOUND(?latestStart) && ?latestStart <= ?asOf && (!BOUND(?end) || ?asOf < ?end))'
    """
    return f"(BOUND(?latestStart) && ?latestStart <= {day} && (!BOUND(?end) || {day} < ?end))"


def possibly_sparql(day: str) -> str:
    """The SPARQL condition 'possibly in force on day' (see certainly_sparql).

    >>> possibly_sparql("?asOf")
    '((!BOUND(?start) || ?start <= ?asOf) && (!BOUND(?latestEnd) || ?asOf < ?latestEnd))'
    """
    return f"((!BOUND(?start) || ?start <= {day}) && (!BOUND(?latestEnd) || {day} < ?latestEnd))"


# The OPTIONAL patterns that bind those variables for a period ?period. (A stored query compares with
# its parameter directly: a value bound by substitution is not seen by BIND in pyoxigraph.)
BOUNDS = """OPTIONAL { ?period kg:startDate ?start }
  OPTIONAL { ?period kg:latestStartDate ?latestStart }
  OPTIONAL { ?period kg:endDate ?end }
  OPTIONAL { ?period kg:latestEndDate ?latestEnd }"""


def last_day(first: date, precision: str) -> date:
    """The last day a date of this precision could mean.

    >>> last_day(date(2010, 6, 1), "month"), last_day(date(2011, 1, 1), "year")
    (datetime.date(2010, 6, 30), datetime.date(2011, 12, 31))
    """
    if precision == "year":
        return date(first.year, 12, 31)
    if precision == "month":
        return date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    return first


@dataclass(frozen=True)
class Period:
    """What the sources know of when something held: each bound None when unknown (start) or open (end)."""

    earliest_start: date | None
    latest_start: date | None
    earliest_end: date | None = None
    latest_end: date | None = None

    def certainly(self, day: date) -> bool:
        """In force on day however the uncertain days fall.

        >>> june = Period(date(2010, 6, 1), date(2010, 6, 30))
        >>> june.certainly(date(2010, 6, 1)), june.certainly(date(2010, 7, 1))
        (False, True)
        """
        return (self.latest_start is not None and self.latest_start <= day
                and (self.earliest_end is None or day < self.earliest_end))

    def possibly(self, day: date) -> bool:
        """In force on day for some reading of the uncertain days.

        >>> june = Period(date(2010, 6, 1), date(2010, 6, 30))
        >>> june.possibly(date(2010, 6, 1)), june.possibly(date(2010, 5, 31))
        (True, False)
        """
        return ((self.earliest_start is None or self.earliest_start <= day)
                and (self.latest_end is None or day < self.latest_end))

    @property
    def uncertain_start(self) -> bool:
        return self.earliest_start != self.latest_start

    @property
    def uncertain_end(self) -> bool:
        return self.earliest_end != self.latest_end
