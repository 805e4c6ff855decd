"""Facts stage: the records maintainers write, as pydantic models (shape only; cross-checks live in checks.py)."""

from __future__ import annotations

import re
from collections.abc import ItemsView, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from ..temporal import Period, last_day
from .problems import Origin

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN), Field(examples=["cica", "nur-sultan"])]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$"),
                        Field(description="ISO 3166-1 alpha-2 code, lower-case", examples=["kz", "tj"])]
Precision = Literal["day", "month", "year"]
WikidataId = Annotated[str, StringConstraints(pattern=WIKIDATA_PATTERN),
                       Field(description="a Wikidata entity id: Q and digits, as in https://www.wikidata.org/wiki/Q7768",
                             examples=["Q7768", "Q232"])]


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, month or year; `value` is the first day of that period (Wikidata's model)."""

    value: date
    precision: Precision

    @property
    def last_day(self) -> date:
        """The last day the date could mean: 2019 -> 2019-12-31."""
        return last_day(self.value, self.precision)

    def __str__(self) -> str:
        text = self.value.isoformat()
        return {"year": text[:4], "month": text[:7], "day": text}[self.precision]


def parse_partial_date(raw: Any) -> PartialDate:
    """Read `2019`, `2019-06` or `2019-06-15` (number or text) as a PartialDate."""
    if isinstance(raw, PartialDate):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ValueError(f"{raw!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    return _parse_date_text(str(raw).strip())


@lru_cache(maxsize=65536)  # the same days recur across records; a PartialDate is immutable, so shared
def _parse_date_text(text: str) -> PartialDate:
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


_NOWHERE = Origin("?", 1)  # a record the loader did not read (a nested one, or one made in code)


class Record(BaseModel):
    """Base of every record: unknown keys are errors, and the loader notes where the record was written.

    The loader's notes (where the record starts, the line of each key, the organisation whose file
    holds it) are set in one go by locate(), into the slot pydantic keeps for private values. They
    are not declared as PrivateAttr: pydantic would then initialise them after validating every
    record and nested record, 5 us each, a second over the million-triple facts. A record the
    loader did not locate reads as written nowhere ("?:1").
    """

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)

    def locate(self, origin: Origin, key_lines: Mapping[str, int], organisation: str = "") -> None:
        """Note where the record was written, the line of each of its keys (in that file), and whose file holds it."""
        object.__setattr__(self, "__pydantic_private__",
                           {"origin": origin, "key_lines": key_lines, "organisation": organisation})

    def fields(self) -> ItemsView[str, Any]:
        """(key, value) of every field, as iterating the model gives them, without its per-item detour."""
        return self.__dict__.items()  # extra keys are forbidden, so the dict holds the fields and nothing else

    def value_of(self, key: str) -> Any:
        """A field's value, or None for a kind of record that has no such field (where getattr's
        default goes through pydantic's __getattr__, microseconds a miss)."""
        return self.__dict__.get(key)

    @property
    def origin(self) -> Origin:
        private = self.__pydantic_private__
        return _NOWHERE if private is None else private["origin"]

    def origin_of(self, key: str) -> Origin:
        """Where one key of the record was written (its line), else where the record starts."""
        private = self.__pydantic_private__
        if private is None:
            return _NOWHERE
        origin, line = private["origin"], private["key_lines"].get(key)
        return origin if line is None else Origin(origin.file, line)

    @property
    def organisation(self) -> str:
        """The organisation whose file holds this record (memberships, meetings, ...)."""
        private = self.__pydantic_private__
        return "" if private is None else private["organisation"]


class Sourced(Record):
    source: SourceIds


class Planned(Record):
    """A record that may announce what is to come: only then may its dates lie after the build day."""

    planned: bool = Field(default=False, description="true when the record announces what is to come "
                          "(a meeting ahead): its dates may then lie after the build day")


class Name(Sourced):
    """Another name of a resource: an official form, a former name, an acronym or a spelling a source uses.

    A name that held only for a period has `since:` / `until:`, so a query can give the name in force
    on an event's date (the capital of Kazakhstan was Nur-Sultan from 2019 to 2022).
    """

    label: LanguageMap = Field(description="the name by language tag", examples=[{"en": "Nur-Sultan"}])
    kind: Literal["official", "former", "acronym", "short", "variant"] = Field(
        default="variant", description="official: the full official form; former: no longer used (give until:); "
        "acronym; short: a common short form; variant: another spelling a source uses")
    since: DateField | None = None
    until: DateField | None = None

    @property
    def period(self) -> Period:
        return period_of(self.since, self.until)


Rank = Literal["normal", "deprecated"]


class Alternative(Sourced):
    """A value another source gives for some of a record's keys; the record's own values are preferred.

    Ranked as Wikidata ranks statements: the record's value is preferred, an alternative is `normal`
    (a credible reading the record does not follow) or `deprecated` (known to be wrong).
    """

    rank: Rank = "normal"
    note: str | None = Field(default=None, description="why the sources differ, or why this value is not preferred")

    def values(self) -> dict[str, Any]:
        """The keys this alternative gives a value for."""
        return {key: value for key in type(self).model_fields
                if key not in ALTERNATIVE_META and (value := getattr(self, key)) is not None}

    @model_validator(mode="after")
    def _gives_a_value(self) -> Alternative:
        if not any(getattr(self, key) is not None for key in type(self).model_fields if key not in ALTERNATIVE_META):
            keys = ", ".join(key for key in type(self).model_fields if key not in ALTERNATIVE_META)
            raise ValueError(f"an alternative gives another value for at least one of: {keys}")
        return self


ALTERNATIVE_META = ("source", "rank", "note")


def period_of(since: PartialDate | None, until: PartialDate | None, attested: PartialDate | None = None) -> Period:
    """The bounds a start (or, failing that, an attestation) and an end give (see kgbuild.temporal)."""
    earliest: date | None
    latest: date | None
    if since is not None:
        earliest, latest = since.value, since.last_day
    else:
        earliest, latest = None, attested.last_day if attested is not None else None
    return Period(earliest, latest, until.value if until else None, until.last_day if until else None)


class Source(Record):
    """A publication facts are taken from; cited by id."""

    id: Slug
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    issued: DateField | None = None
    accessed: DateField | None = Field(default=None, description="for an undated page: the day it was read; it "
                                       "attests the state of affairs on that day")
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = Field(examples=["id", "en"])
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    note: str | None = None


class WikidataLink(Sourced):
    """The Wikidata entity a resource is the same as (owl:sameAs), with the source that gives its id."""

    id: WikidataId


class CountryLink(Sourced):
    """One row of a table that maps ISO 3166-1 codes to Wikidata, with the name the table gives the entity."""

    code: CountryCode
    wikidata: WikidataId
    label: str = Field(min_length=1, description="the entity's name as the table gives it; the tests check it "
                       "names the same country as ISO 3166")


Names = Annotated[list[Name], Field(description="other names: official forms, former names (with since/until), "
                                    "acronyms and the spellings sources use")]


class CountryOverride(Record):
    """Names of a country that replace or add to the ISO 3166 ones."""

    code: CountryCode
    label: LanguageMap | None = None
    names: Names = Field(default_factory=list)
    source: SourceIds | None = None


class Place(Sourced):
    """A city where meetings take place, under its present name (earlier names in `names:`)."""

    id: Slug
    label: Label
    country: CountryCode
    names: Names = Field(default_factory=list)
    wikidata: WikidataLink | None = Field(default=None, description="its Wikidata entity, with the source that "
                                          "gives the id: {id: Q7768, source: <id>}")


class Aim(Sourced):
    """A stated aim of an organisation or a document, in the words of its source."""

    label: Label


class OrganisationAlternative(Alternative):
    founded: DateField | None = None


class Organisation(Sourced):
    """An international organisation."""

    id: Slug
    acronym: str | None = None
    label: Label
    names: Names = Field(default_factory=list)
    description: LanguageMap | None = None
    founded: DateField | None = None
    aims: list[Aim] = Field(default_factory=list, description="what the organisation says it aims at, each sourced")
    alternatives: list[OrganisationAlternative] = Field(default_factory=list)
    wikidata: WikidataLink | None = Field(default=None, description="its Wikidata entity, with the source that "
                                          "gives the id: {id: Q7768, source: <id>}")


class Person(Sourced):
    id: Slug
    label: Label
    names: Names = Field(default_factory=list)
    role: LanguageMap | None = None
    country: CountryCode | None = None


class MembershipAlternative(Alternative):
    since: DateField | None = None
    attested: DateField | None = None
    until: DateField | None = None


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
    alternatives: list[MembershipAlternative] = Field(default_factory=list, description="values other sources give "
                                                      "(since, attested, until), each with its source and rank")

    @model_validator(mode="after")
    def _needs_a_date(self) -> Membership:
        if self.since is None and self.attested is None:
            raise ValueError("a membership needs `since:` (when it began) or, if no source gives that, "
                             "`attested:` (a day a source shows it held)")
        return self

    @property
    def known_from(self) -> PartialDate:
        """The earliest day the facts know the membership held: its start, else the day it is attested."""
        return self.since or self.attested  # type: ignore[return-value]

    @property
    def period(self) -> Period:
        return period_of(self.since, self.until, self.attested)


class ChairmanshipAlternative(Alternative):
    since: DateField | None = None
    until: DateField | None = None
    theme: LanguageMap | None = None


class Chairmanship(Planned, Sourced):
    chair: CountryCode
    since: DateField
    until: DateField | None = None
    theme: LanguageMap | None = None
    priorities: list[Label] = Field(default_factory=list, description="what the chair said its term would focus on")
    alternatives: list[ChairmanshipAlternative] = Field(default_factory=list)

    @property
    def period(self) -> Period:
        return period_of(self.since, self.until)


class Participant(Sourced):
    """Who took part in a meeting: a person, a country, an organisation, or a group the graph does not
    hold as a resource (`group:`), with the role they had and on whose behalf they came."""

    person: Slug | None = Field(default=None, description="a person id from facts/people.yaml")
    country: CountryCode | None = None
    # `organisation:` in YAML; named apart from Record.organisation, the organisation whose file holds it
    body: Slug | None = Field(default=None, alias="organisation", description="an organisation id")
    group: LanguageMap | None = Field(default=None, description="participants named only as a group, by language")
    role: LanguageMap | None = None
    on_behalf_of: Slug | None = Field(
        default=None, description="a country code or organisation id the participant represented"
    )

    @model_validator(mode="after")
    def _names_one_participant(self) -> Participant:
        given = [key for key, value in (("person", self.person), ("country", self.country),
                                        ("organisation", self.body), ("group", self.group)) if value is not None]
        if len(given) != 1:
            raise ValueError("a participant is exactly one of `person:`, `country:`, `organisation:` or `group:`"
                             + (f"; this one gives {', '.join(given)}" if given else ""))
        return self


class AgendaItem(Sourced):
    """One thing a meeting discussed, in order, with what it was about (documents, initiatives, organisations)."""

    label: Label
    description: LanguageMap | None = Field(default=None, description="what was said or decided on it")
    about: list[Slug] = Field(default_factory=list, description="ids of the documents, initiatives, meetings or "
                              "organisations the item was about")


class DocumentDecision(Sourced):
    """What a meeting did with a document: adopted it, reviewed it, or was (announced) to adopt it."""

    document: Slug = Field(description="a document id")
    outcome: Literal["adopted", "reviewed", "to-adopt"] = Field(description="adopted; reviewed; to-adopt: "
                                                                "a source announced it for adoption")


class MeetingAlternative(Alternative):
    start: DateField | None = None
    end: DateField | None = None
    theme: LanguageMap | None = None


class Meeting(Planned, Sourced):
    """A summit, ministerial meeting or other numbered meeting of the file's organisation."""

    series: Slug = Field(
        description="summit, ministerial, or another series slug", examples=["summit", "ministerial", "soc-com"]
    )
    ordinal: int = Field(ge=1)
    start: DateField
    end: DateField | None = None
    place: Slug | None = Field(default=None, description="a place id from facts/places.yaml; "
                               "leave out for a meeting held online")
    online: bool = Field(default=False, description="true for a meeting held by video conference (no place)")
    venue: LanguageMap | None = None
    theme: LanguageMap | None = None
    label: LanguageMap | None = None
    participants: list[Participant] = Field(default_factory=list)
    agenda: list[AgendaItem] = Field(default_factory=list, description="what the meeting discussed, in order")
    documents: list[DocumentDecision] = Field(default_factory=list, description="documents the meeting adopted, "
                                              "reviewed or was to adopt")
    alternatives: list[MeetingAlternative] = Field(default_factory=list)

    @model_validator(mode="after")
    def _held_somewhere(self) -> Meeting:
        if self.place is None and not self.online:
            raise ValueError("a meeting needs `place:` (a place id), or `online: true` if it was held online")
        if self.place is not None and self.online:
            raise ValueError("a meeting held online has no `place:`; remove one of `place:` and `online: true`")
        return self


class DocumentAlternative(Alternative):
    adopted_on: DateField | None = None


class Document(Planned, Sourced):
    """A declaration or other document of the file's organisation, with its ordered components (if any)."""

    id: Slug
    kind: Literal["declaration", "document"] = "document"
    label: Label
    names: Names = Field(default_factory=list)
    description: LanguageMap | None = None
    aims: list[Aim] = Field(default_factory=list, description="what the document says it aims at, each sourced")
    adopted_at: Slug | None = Field(default=None, description="a meeting id: cica-5, asean-31, cica-ministerial-6")
    adopted_on: DateField | None = None
    components: list[Label] = Field(default_factory=list, description="the components in order; position n is the n-th")
    alternatives: list[DocumentAlternative] = Field(default_factory=list)


class Initiative(Sourced):
    """A proposal someone made, usually at a meeting: an idea the organisation's sources name and follow."""

    id: Slug
    label: Label
    description: LanguageMap | None = None
    proposed_by: Slug | None = Field(default=None, description="a person id (or a country code) who proposed it")
    on_behalf_of: Slug | None = Field(default=None, description="a country code or organisation id")
    proposed_at: Slug | None = Field(default=None, description="the meeting id where it was proposed (cica-5)")
    proposed_on: DateField | None = None


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
    "wikidata_countries": (CountryLink, True),
    "places": (Place, True),
    "organisations": (Organisation, True),
    "people": (Person, True),
    "organisation": (Organisation, False),
    "memberships": (Membership, True),
    "chairmanships": (Chairmanship, True),
    "meetings": (Meeting, True),
    "documents": (Document, True),
    "initiatives": (Initiative, True),
    "claims": (Claim, True),
}
# Sections that belong to the organisation a file is about.
ORGANISATION_SECTIONS = ("memberships", "chairmanships", "meetings", "documents", "initiatives", "claims")
