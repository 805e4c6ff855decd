"""Facts stage: the records of one facts folder, as the loader files them and the checks read them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .countries import Country
from .models import (
    Chairmanship,
    Claim,
    CountryLink,
    CountryOverride,
    Document,
    Initiative,
    Meeting,
    Membership,
    Organisation,
    Person,
    Place,
    Record,
    Source,
)
from .problems import Problem


@dataclass
class Facts:
    """Every record of a facts folder, validated and cross-checked, each knowing its file:line."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    country_overrides: dict[str, CountryOverride] = field(default_factory=dict)
    country_links: dict[str, CountryLink] = field(default_factory=dict)  # code -> its Wikidata entity
    countries: dict[str, Country] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    chairmanships: list[Chairmanship] = field(default_factory=list)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    initiatives: dict[str, Initiative] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # true but worth saying: gaps the sources leave
    # One mistake, one message: ids of records rejected for a bad field, by section, so that what
    # refers to them is not reported again; and the organisations whose memberships hold a mistake,
    # so that no count over them (claims, a chair's membership) reports its consequences.
    rejected: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    doubtful: set[str] = field(default_factory=set)
    incomplete: bool = False  # a file or section could not be read: references and counts may miss records

    def count(self) -> dict[str, int]:
        """How many records of each kind, for reports and the closing note."""
        return {
            "sources": len(self.sources), "countries": len(self.countries), "places": len(self.places),
            "organisations": len(self.organisations), "people": len(self.people),
            "memberships": len(self.memberships), "chairmanships": len(self.chairmanships),
            "meetings": len(self.meetings), "documents": len(self.documents),
            "components": sum(len(document.components) for document in self.documents.values()),
            "initiatives": len(self.initiatives), "claims": len(self.claims),
        }

    def records(self) -> Iterator[Record]:
        """Every record a maintainer wrote, section by section (countries resolved from ISO are not records)."""
        yield from self.sources.values()
        yield from self.country_overrides.values()
        yield from self.country_links.values()
        yield from self.places.values()
        yield from self.organisations.values()
        yield from self.people.values()
        yield from self.memberships
        yield from self.chairmanships
        yield from self.meetings.values()
        yield from self.documents.values()
        yield from self.initiatives.values()
        yield from self.claims

    def declares(self, section: str, key: str) -> bool:
        """Whether a record of that section has the id key, valid or rejected (so a reference to it is no mistake)."""
        rejected = self.rejected[section]
        return key in getattr(self, section) or key in rejected or "*" in rejected
