"""Facts stage: the records maintainers write, as pydantic models (shape only; cross-checks live in checks.py)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, WithJsonSchema,
    model_validator,
)

from .problems import Origin

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN), Field(examples=["cica", "nur-sultan"])]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$"),
                        Field(description="ISO 3166-1 alpha-2 code, lower-case", examples=["kz", "tj"])]
Precision = Literal["day", "month", "year"]


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, month or year; `value` is the first day of that period (Wikidata's model)."""

    value: date
    precision: Precision

    @property
    def last_day(self) -> date:
        """The last day the period could mean: 2019 -> 2019-12-31, for 'ends before it begins' checks."""
        if self.precision == "year":
            return date(self.value.year, 12, 31)
        if self.precision == "month":
            return date(self.value.year, self.value.month,
                        calendar.monthrange(self.value.year, self.value.month)[1])
        return self.value

    def __str__(self) -> str:
        text = self.value.isoformat()
        return {"year": text[:4], "month": text[:7], "day": text}[self.precision]


def parse_partial_date(raw: Any) -> PartialDate:
    """Read `2019`, `2019-06` or `2019-06-15` (number or text) as a PartialDate."""
    if isinstance(raw, PartialDate):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ValueError(f"{raw!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    text = str(raw).strip()
    if not re.match(DATE_PATTERN, text):
        raise ValueError(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(part) for part in text.split("-")]
    try:
        value = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a real date ({error}); check the day and month") from None
    return PartialDate(value, ("year", "month", "day")[len(parts) - 1])


DateField = Annotated[
    PartialDate,
    BeforeValidator(parse_partial_date),
    WithJsonSchema({"type": ["string", "integer"], "pattern": DATE_PATTERN,
                    "description": "ISO date of any precision: YYYY, YYYY-MM or YYYY-MM-DD",
                    "examples": ["2019-06-15", "2020-09", "2002"]}),
]


def _as_list(raw: Any) -> Any:
    return [raw] if isinstance(raw, str) else raw


SourceIds = Annotated[
    list[Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]],
    BeforeValidator(_as_list),
    Field(min_length=1, description="one source id from facts/sources.yaml, or a list of them"),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": SLUG_PATTERN},
                              {"type": "array", "items": {"type": "string", "pattern": SLUG_PATTERN}, "minItems": 1}],
                    "description": "one source id from facts/sources.yaml, or a list of them"}),
]


def _require_english(labels: dict[str, str]) -> dict[str, str]:
    if "en" not in labels:
        raise ValueError("a label needs English text; add `en: ...`")
    return labels


LanguageMap = Annotated[
    dict[Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)], Annotated[str, StringConstraints(min_length=1)]],
    Field(description="text by BCP 47 language tag", examples=[{"en": "Kazakhstan", "id": "Kazakhstan"}]),
]
Label = Annotated[LanguageMap, AfterValidator(_require_english),
                  Field(description="names by language tag; `en` is required")]


class Record(BaseModel):
    """Base of every record: unknown keys are errors, and the loader notes where the record was written."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)
    _origin: Origin = PrivateAttr(default=Origin("?", 1))
    _key_origins: dict[str, Origin] = PrivateAttr(default_factory=dict)
    _organisation: str = PrivateAttr(default="")

    # The getters read pydantic's dict of private values directly: `self._origin` goes through
    # BaseModel.__getattr__, which cost seconds over the million-triple facts.

    @property
    def origin(self) -> Origin:
        return self.__pydantic_private__["_origin"]

    def origin_of(self, key: str) -> Origin:
        """Where one key of the record was written (its line), else where the record starts."""
        private = self.__pydantic_private__
        return private["_key_origins"].get(key, private["_origin"])

    @property
    def organisation(self) -> str:
        """The organisation whose file holds this record (memberships, meetings, ...)."""
        return self.__pydantic_private__["_organisation"]


class Sourced(Record):
    source: SourceIds


class Planned(Record):
    """A record that may announce what is to come: only then may its dates lie after the build day."""

    planned: bool = Field(default=False, description="true when the record announces what is to come "
                          "(a meeting ahead): its dates may then lie after the build day")


class Source(Record):
    """A publication facts are taken from; cited by id."""

    id: Slug
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    issued: DateField | None = None
    accessed: DateField | None = Field(default=None, description="for an undated page: the day it was read; "
                                       "it attests the state of affairs on that day")
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = Field(examples=["id", "en"])
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    note: str | None = None


class CountryOverride(Record):
    """Names of a country that replace the ISO 3166 ones."""

    code: CountryCode
    label: LanguageMap
    source: SourceIds | None = None


class Place(Sourced):
    """A city where meetings take place."""

    id: Slug
    label: Label
    country: CountryCode


class Organisation(Sourced):
    """An international organisation."""

    id: Slug
    acronym: str | None = None
    label: Label
    description: LanguageMap | None = None
    founded: DateField | None = None


class Person(Sourced):
    id: Slug
    label: Label
    role: LanguageMap | None = None
    country: CountryCode | None = None


class Membership(Planned, Sourced):
    """A member (country code or organisation id) of the file's organisation, for a period.

    Where no source gives the start, `attested:` records a day a source shows the membership held
    (Wikidata's 'point in time' for a statement whose start is unknown).
    """

    member: Slug = Field(description="ISO 3166-1 alpha-2 code (kz) or an organisation id (un)")
    status: Literal["full", "observer", "partner"] = "full"
    since: DateField | None = None
    attested: DateField | None = Field(default=None, description="a day a source shows the membership held, "
                                       "when its start is unknown")
    until: DateField | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _needs_a_date(self) -> "Membership":
        if self.since is None and self.attested is None:
            raise ValueError("a membership needs `since:` (when it began) or, if no source gives that, "
                             "`attested:` (a day a source shows it held)")
        return self

    @property
    def known_from(self) -> PartialDate:
        """The earliest day the facts know the membership held: its start, else the day it is attested."""
        return self.since or self.attested  # type: ignore[return-value]


class Chairmanship(Planned, Sourced):
    chair: CountryCode
    since: DateField
    until: DateField | None = None
    theme: LanguageMap | None = None


class Meeting(Planned, Sourced):
    """A summit, ministerial meeting or other numbered meeting of the file's organisation."""

    series: Slug = Field(description="summit, ministerial, or another series slug", examples=["summit", "ministerial", "soc-com"])
    ordinal: int = Field(ge=1)
    start: DateField
    end: DateField | None = None
    place: Slug = Field(description="a place id from facts/places.yaml")
    venue: LanguageMap | None = None
    theme: LanguageMap | None = None
    label: LanguageMap | None = None


class Document(Planned, Sourced):
    """A declaration or other document of the file's organisation, with its ordered components."""

    id: Slug
    kind: Literal["declaration", "document"] = "document"
    label: Label
    adopted_at: Slug | None = Field(default=None, description="a meeting id: cica-5, asean-31, cica-ministerial-6")
    adopted_on: DateField | None = None
    components: list[Label] = Field(default_factory=list, description="the components in order; position n is the n-th")


class Claim(Sourced):
    """A figure a source states, which the build checks against the enumerated facts."""

    count: Literal["members", "components"]
    status: Literal["full", "observer", "partner"] | None = None
    kind: Literal["country", "organisation"] | None = None
    document: Slug | None = None
    value: int = Field(ge=0)
    as_of: DateField | None = None
    complete: bool = Field(default=True, description="false when the facts list only some of what the source "
                           "counts: the build then checks they are not more, and reports the gap as a warning")


# What each top-level key of a facts file holds: (model, one record or a list).
SECTIONS: dict[str, tuple[type[Record], bool]] = {
    "sources": (Source, True),
    "countries": (CountryOverride, True),
    "places": (Place, True),
    "organisations": (Organisation, True),
    "people": (Person, True),
    "organisation": (Organisation, False),
    "memberships": (Membership, True),
    "chairmanships": (Chairmanship, True),
    "meetings": (Meeting, True),
    "documents": (Document, True),
    "claims": (Claim, True),
}
# Sections that belong to the organisation a file is about.
ORGANISATION_SECTIONS = ("memberships", "chairmanships", "meetings", "documents", "claims")
