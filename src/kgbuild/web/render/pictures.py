"""Serve -> an organisation's pictures: chairmanships and summits on a timeline, membership over time.

The store is asked with SPARQL; this module turns the answers into shapes with coordinates, and
templates/charts.html draws them as SVG (autoescaped), so the page needs no JavaScript. The shapes
are the same for every request on a build, so each organisation's are drawn once per worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyoxigraph as ox

from ...store import Store
from ...temporal import Period
from ...vocab import KG
from ..dataset import build_cache, current_build, keep, local_href
from .labels import labels_of
from .terms import pick_label

WIDTH, LEFT, RIGHT = 820, 90, 30
PICTURES_KEPT = 4_000  # organisations x languages a worker keeps drawn (a few kB each)
PREFIX = f"PREFIX kg: <{KG._NS}>\n"
# The organisation comes first in each pattern: it is what makes the query selective.
# A period's four bounds (kgbuild.temporal): what the pictures draw as certain and as uncertain.
BOUNDS = """OPTIONAL {{ ?period kg:startDate ?start }} OPTIONAL {{ ?period kg:latestStartDate ?latestStart }}
  OPTIONAL {{ ?period kg:endDate ?end }} OPTIONAL {{ ?period kg:latestEndDate ?latestEnd }}"""
CHAIRS = PREFIX + """SELECT DISTINCT ?period ?chair ?start ?latestStart ?end ?latestEnd WHERE {{
  ?period kg:chairOf {org} . ?period kg:chair ?chair
  """ + BOUNDS + """ }}"""
SUMMITS = PREFIX + """SELECT DISTINCT ?summit ?ordinal ?start ?place WHERE {{
  ?summit kg:organisedBy {org} . ?summit a kg:Summit ; kg:startDate ?start
  OPTIONAL {{ ?summit kg:ordinal ?ordinal }} OPTIONAL {{ ?summit kg:location ?place }} }}"""
MEMBERSHIPS = PREFIX + """SELECT DISTINCT ?period ?status ?start ?latestStart ?end ?latestEnd WHERE {{
  ?period kg:organisation {org} . ?period kg:status ?status
  """ + BOUNDS + """ }}"""
STATUSES = ((str(KG.FullMember), "full members", "full"), (str(KG.Observer), "observers", "observer"),
            (str(KG.Partner), "partners", "partner"))


def _date(term: object) -> dt.date | None:
    if isinstance(term, ox.Literal):
        try:
            return dt.date.fromisoformat(term.value[:10])
        except ValueError:
            return None
    return None


@dataclass
class Scale:
    """Dates onto x coordinates across the plot."""

    start: dt.date
    end: dt.date

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(LEFT + (day - self.start).days / span * (WIDTH - LEFT - RIGHT), 1)

    def year_ticks(self) -> list[tuple[float, int]]:
        years = range(self.start.year + (self.start.month > 1 or self.start.day > 1), self.end.year + 1)
        step = max(1, len(years) // 12 + 1)
        return [(self.x(dt.date(year, 1, 1)), year) for year in years if year % step == 0]


@dataclass
class Bar:
    x: float
    width: float
    label: str
    title: str
    href: str
    uncertain: list[tuple[float, float]] = field(
        default_factory=list
    )  # (x, width) stretches of an uncertain start or end


@dataclass
class Marker:
    x: float
    label: str
    title: str
    href: str
    above: bool


@dataclass
class Series:
    name: str
    css: str
    points: str
    latest: int


@dataclass
class Pictures:
    """What the organisation page draws; empty lists draw nothing."""

    width: int = WIDTH
    left: int = LEFT
    ticks: list[tuple[float, int]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    chart_ticks: list[tuple[float, int]] = field(default_factory=list)

    @property
    def has_timeline(self) -> bool:
        return bool(self.bars or self.markers)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def organisation_pictures(org_iri: str, language: str) -> Pictures:
    """An organisation's timeline and membership chart; the same for every request on a build, so kept."""
    build = current_build()
    cache = build_cache(build, "pictures")
    key = (org_iri, language)
    pictures = cache.get(key)
    if pictures is None:
        pictures = _draw(build, ox.NamedNode(org_iri), language)
        keep(cache, {key: pictures}, PICTURES_KEPT)
    return pictures


def _build_day(report: dict) -> dt.date:
    """The build's date: open periods (a chair still in office) run to it, so pictures are stable."""
    try:
        return dt.datetime.fromisoformat(str(report.get("built_at"))).date()
    except ValueError:
        return dt.date.today()


def _period(row) -> Period:
    return Period(_date(row["start"]), _date(row["latestStart"]), _date(row["end"]), _date(row["latestEnd"]))


def _draw(build: Store, org: ox.NamedNode, language: str) -> Pictures:
    """Gather and lay out an organisation's timeline and membership chart."""
    today = _build_day(build.report)
    chairs = {row["period"]: row for row in build.query(CHAIRS.format(org=org))}
    summits = {row["summit"]: row for row in build.query(SUMMITS.format(org=org))}
    memberships = [_Held(str(row["status"].value), _period(row)) for row in build.query(MEMBERSHIPS.format(org=org))]
    labels = labels_of(build, [*(row["chair"] for row in chairs.values()), *(row["place"] for row in summits.values())])
    chair_periods = {iri: _period(row) for iri, row in chairs.items()}
    dates = [d for period in [*chair_periods.values(), *(held.period for held in memberships)]
             for d in (period.earliest_start, period.latest_start, period.earliest_end, period.latest_end) if d]
    dates += [d for row in summits.values() if (d := _date(row["start"]))]
    if not dates:
        return Pictures()
    scale = Scale(dt.date(min(dates).year, 1, 1), dt.date(max(max(dates), today).year + 1, 1, 1))
    pictures = Pictures(ticks=scale.year_ticks(), chart_ticks=scale.year_ticks())
    for iri, row in sorted(chairs.items(), key=lambda item: chair_periods[item[0]].latest_start or today):
        period = chair_periods[iri]
        start = period.earliest_start or period.latest_start or today
        end = period.latest_end or today
        name = pick_label(labels.get(row["chair"], ()), language) or row["chair"].value.rsplit("/", 1)[-1]
        until = period.earliest_end.isoformat() if period.earliest_end else "now"
        if period.uncertain_end and period.earliest_end and period.latest_end:
            until = f"{period.earliest_end.isoformat()}..{period.latest_end.isoformat()}"
        begun = start.isoformat() if not period.uncertain_start else f"{start.isoformat()}..{period.latest_start}"
        x0, x1 = scale.x(start), scale.x(max(end, start))
        bar = Bar(x0, max(x1 - x0, 2.0), name, f"{name}: chair {begun} to {until}", local_href(row["chair"].value))
        # the stretches where the sources leave the start or end open to a month or a year
        if period.uncertain_start and period.latest_start:
            bar.uncertain.append((x0, scale.x(period.latest_start) - x0))
        if period.uncertain_end and period.earliest_end and period.latest_end:
            bar.uncertain.append(
                (scale.x(period.earliest_end), scale.x(period.latest_end) - scale.x(period.earliest_end))
            )
        pictures.bars.append(bar)
    dated = [(day, row) for row in summits.values() if (day := _date(row["start"])) is not None]  # kg:startDate
    for position, (start, row) in enumerate(sorted(dated, key=lambda pair: pair[0])):
        ordinal = int(row["ordinal"].value) if row["ordinal"] is not None else position + 1
        place = pick_label(labels.get(row["place"], ()), language) or ""
        title = f"{_ordinal(ordinal)} summit, {place + ', ' if place else ''}{start.isoformat()}"
        pictures.markers.append(Marker(scale.x(start), f"{_ordinal(ordinal)} {place}".strip(), title,
                                       local_href(row["summit"].value), above=position % 2 == 0))
    _membership_series(pictures, scale, memberships, today)
    return pictures


@dataclass(frozen=True)
class _Held:
    status: str
    period: Period


def _membership_series(pictures: Pictures, scale: Scale, memberships: list[_Held], today: dt.date) -> None:
    """Step lines of how many members held each status: certainly (solid) and, where the sources leave a
    date open to a month or a year or know a status only from a later page, possibly (dashed)."""
    if not memberships:
        return
    bounds = {d for held in memberships for d in (held.period.earliest_start, held.period.latest_start,
                                                  held.period.earliest_end, held.period.latest_end) if d}
    changes = sorted({scale.start, today, *bounds})
    certain = {status: [sum(1 for held in memberships if held.status == status and held.period.certainly(day))
                        for day in changes] for status, _, _ in STATUSES}
    possible = {status: [sum(1 for held in memberships if held.status == status and held.period.possibly(day))
                         for day in changes] for status, _, _ in STATUSES}
    top = max([max(values) for values in possible.values()] + [1])
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if top / s <= 6)
    ceiling = -(-top // step) * step
    height, base = 160.0, 180.0

    def y(value: int) -> float:
        return round(base - value / ceiling * height, 1)

    def line(values: list[int]) -> str:
        points = []
        for index, day in enumerate(changes):
            if index:
                points.append(f"{scale.x(day)},{y(values[index - 1])}")
            points.append(f"{scale.x(day)},{y(values[index])}")
        points.append(f"{scale.x(scale.end)},{y(values[-1])}")
        return " ".join(points)

    pictures.y_ticks = [(y(value), value) for value in range(0, ceiling + 1, step)]
    now = changes.index(today)
    for status, name, css in STATUSES:
        if not any(possible[status]):
            continue
        pictures.series.append(Series(name, css, line(certain[status]), certain[status][now]))
        if possible[status] != certain[status]:
            pictures.series.append(Series(f"{name}, possibly", f"{css} possible", line(possible[status]),
                                          possible[status][now]))
