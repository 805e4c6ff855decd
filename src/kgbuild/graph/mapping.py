"""Graph stage: records -> triples, one function per record kind; every subject remembers its file:line.

Triples are tuples of N-Triples terms (`<iri>`, `"text"@en`, `"5"^^<xsd:integer>`): cheap to make,
hash and compare, and written to the store as N-Quads text in one bulk load (DESIGN.md §6). The
origin is kept per subject (the record that made it), not per triple: every triple of a subject comes
from the same record, and at a million triples a per-triple table would be the biggest thing in memory.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph

from .. import vocab
from ..facts import Facts
from ..facts.countries import ISO_SOURCE
from ..facts.models import Chairmanship, Claim, Document, Meeting, Membership
from ..vocab import KG
from .emitter import _BOOLEAN, _DATE, _INTEGER, _T, Mapped
from .events import Events
from .links import LinksOut
from .ntriples import k, nt_iri, nt_literal, to_graph
from .ranked import RankedValues

STATUS = {"full": k(KG.FullMember), "observer": k(KG.Observer), "partner": k(KG.Partner)}
STATUS_WORDS = {
    "full": {"en": "full member", "id": "anggota penuh"},
    "observer": {"en": "observer", "id": "pengamat"},
    "partner": {"en": "partner", "id": "mitra"},
}
MEETING_CLASS = {"summit": k(KG.Summit), "ministerial": k(KG.MinisterialMeeting)}


class Mapper(RankedValues, Events, LinksOut):
    """Writes the triples of one Facts, one function per record kind."""

    def map_all(self) -> Mapped:
        for source in self.facts.sources.values():
            self.map_source(source)
        if ISO_SOURCE not in self.facts.sources:
            self.map_iso_source()
        for country in self.facts.countries.values():
            self.map_country(country)
        for place in self.facts.places.values():
            self.start(self.iri("place", place.id), place.origin, k(KG.Place))
            self.labels(place.label)
            self.add(k(KG.country), self.iri("country", place.country))
            self.sources(place.source)
            self.names("place", place.id, place.names)
            if place.wikidata:
                self.same_as("place", place.id, place.wikidata.id, place.wikidata.source, place.source)
        for organisation in self.facts.organisations.values():
            self.map_organisation(organisation)
        for person in self.facts.people.values():
            self.start(self.iri("person", person.id), person.origin, k(KG.Person))
            self.labels(person.label)
            self.labels(person.role, k(KG.role))
            if person.country:
                self.add(k(KG.country), self.iri("country", person.country))
            self.sources(person.source)
            for source_id in person.source:
                self.add(k(KG.mentionedIn), self.iri("source", source_id))
            self.names("person", person.id, person.names)
        self.map_memberships()
        for chairmanship in self.facts.chairmanships:
            self.map_chairmanship(chairmanship)
        for slug, meeting in self.facts.meetings.items():
            self.map_meeting(slug, meeting)
        for document in self.facts.documents.values():
            self.map_document(document)
        for initiative in self.facts.initiatives.values():
            self.map_initiative(initiative)
        for claim in self.facts.claims:
            self.map_claim(claim)
        return self.out

    def map_source(self, source) -> None:
        self.start(self.iri("source", source.id), source.origin, k(KG.Source))
        title = nt_literal(source.title, source.language)  # a title is in the source's language
        self.add(_T["label"], title)
        self.add(_T["title"], title)
        self.add(_T["publisher"], nt_literal(source.publisher))
        if source.issued is not None:
            self.add(_T["issued"], nt_literal(source.issued.value.isoformat(), datatype=_DATE))
        if source.accessed is not None:
            self.add(k(KG.accessedOn), nt_literal(source.accessed.value.isoformat(), datatype=_DATE))
        self.add(_T["language"], nt_literal(source.language))
        if source.url:
            self.add(_T["page"], nt_iri(source.url))
        if source.note:
            self.add(_T["comment"], nt_literal(source.note, "en"))

    def map_iso_source(self) -> None:
        self.start(self.iri("source", ISO_SOURCE), None, k(KG.Source))
        title = nt_literal("ISO 3166-1 country codes and names (via the pycountry package)", "en")
        self.add(_T["label"], title)
        self.add(_T["title"], title)
        self.add(_T["publisher"], nt_literal("International Organization for Standardization"))
        self.add(_T["language"], nt_literal("en"))
        self.add(_T["page"], nt_iri("https://www.iso.org/iso-3166-country-codes.html"))

    def map_country(self, country) -> None:
        self.start(self.iri("country", country.code), country.origin, k(KG.Country))
        self.labels(country.label)
        self.add(k(KG.isoCode), nt_literal(country.code.upper()))
        self.sources(country.source)
        self.names("country", country.code, country.names)
        self.same_as("country", country.code, country.wikidata, country.wikidata_source, country.source)

    def map_organisation(self, organisation) -> None:
        self.start(self.iri("organisation", organisation.id), organisation.origin, k(KG.Organisation))
        self.labels(organisation.label)
        if organisation.acronym:
            self.add(_T["altLabel"], nt_literal(organisation.acronym))
        self.labels(organisation.description, k(KG.description))
        self.date("founded", organisation.founded)
        self.sources(organisation.source)
        self.names("organisation", organisation.id, organisation.names)
        if organisation.wikidata:
            self.same_as("organisation", organisation.id, organisation.wikidata.id, organisation.wikidata.source,
                         organisation.source)
        self.aims(organisation.id, organisation.aims)
        self.statements("organisation", organisation.id, organisation, organisation.alternatives)

    def map_memberships(self) -> None:
        statuses: dict[tuple[str, str], set[str]] = defaultdict(set)
        for membership in self.facts.memberships:
            statuses[(membership.organisation, membership.member)].add(membership.status)
        for membership in self.facts.memberships:
            several = len(statuses[(membership.organisation, membership.member)]) > 1
            self.map_membership(membership, several)

    def map_membership(self, membership: Membership, several_statuses: bool) -> None:
        slug = vocab.membership_slug(membership.organisation, membership.member, membership.status, several_statuses)
        self.start(self.iri("membership", slug), membership.origin, k(KG.Membership))
        org = self.org_name(membership.organisation)
        for language, connective in (("en", "in"), ("id", "di")):
            words = STATUS_WORDS[membership.status][language]
            name = self.country_name(membership.member, language)
            self.add(_T["label"], nt_literal(f"{name} {connective} {org} ({words})", language))
        self.add(k(KG.organisation), self.iri("organisation", membership.organisation))
        self.add(k(KG.member), self.member_iri(membership.member))
        self.add(k(KG.status), STATUS[membership.status])
        self.date("since", membership.since)
        self.date("attested", membership.attested)
        if membership.since is None and membership.attested is not None:
            # the start is unknown, but it was no later than the attestation (kgbuild.temporal)
            self.add(k(KG.latestStartDate), nt_literal(membership.attested.last_day.isoformat(), datatype=_DATE))
        self.date("until", membership.until)
        if membership.note:
            self.add(_T["comment"], nt_literal(membership.note, "en"))
        self.sources(membership.source)
        self.statements("membership", slug, membership, membership.alternatives)

    def map_chairmanship(self, chairmanship: Chairmanship) -> None:
        slug = vocab.chairmanship_slug(chairmanship.organisation, chairmanship.chair, chairmanship.since.value.year)
        self.start(self.iri("chairmanship", slug), chairmanship.origin, k(KG.Chairmanship))
        org = self.org_name(chairmanship.organisation)
        year = chairmanship.since.value.year
        on = chairmanship.since.last_day  # the country's name when the term began
        english, indonesian = (
            self.country_name(chairmanship.chair, "en", on),
            self.country_name(chairmanship.chair, "id", on),
        )
        self.add(_T["label"], nt_literal(f"{english}'s chairmanship of {org} from {year}", "en"))
        self.add(_T["label"], nt_literal(f"Keketuaan {indonesian} di {org} sejak {year}", "id"))
        self.add(k(KG.chairOf), self.iri("organisation", chairmanship.organisation))
        self.add(k(KG.chair), self.iri("country", chairmanship.chair))
        self.date("since", chairmanship.since)
        self.date("until", chairmanship.until)
        self.labels(chairmanship.theme, k(KG.theme))
        for priority in chairmanship.priorities:
            self.labels(priority, k(KG.priority))
        self.sources(chairmanship.source)
        self.statements("chairmanship", slug, chairmanship, chairmanship.alternatives)

    def map_meeting(self, slug: str, meeting: Meeting) -> None:
        kind = vocab.meeting_kind(meeting.series)
        subject = self.start(self.iri(kind, slug), meeting.origin, MEETING_CLASS.get(meeting.series, k(KG.Meeting)))
        names = self.meeting_names(meeting)
        for language in ("en", "id"):
            self.add(_T["label"], nt_literal(names[language], language))
        self.add(k(KG.organisedBy), self.iri("organisation", meeting.organisation))
        self.add(k(KG.series), nt_literal(meeting.series))
        self.add(k(KG.ordinal), nt_literal(str(meeting.ordinal), datatype=_INTEGER))
        self.date("start", meeting.start)
        self.date("end", meeting.end)
        if meeting.place:
            self.add(k(KG.location), self.iri("place", meeting.place))
        if meeting.online:
            self.add(k(KG.online), nt_literal("true", datatype=_BOOLEAN))
        self.labels(meeting.venue, k(KG.venue))
        self.labels(meeting.theme, k(KG.theme))
        self.sources(meeting.source)
        self.statements(kind, slug, meeting, meeting.alternatives)
        self.map_participations(subject, slug, meeting, names)
        self.map_agenda(subject, slug, meeting)
        self.map_decisions(subject, slug, meeting, names)
        self._subject = subject

    def map_document(self, document: Document) -> None:
        kind = "declaration" if document.kind == "declaration" else "document"
        subject = self.start(self.iri(kind, document.id), document.origin,
                             k(KG.Declaration) if kind == "declaration" else k(KG.Document))
        self.labels(document.label)
        self.labels(document.description, k(KG.description))
        self.add(k(KG.issuedBy), self.iri("organisation", document.organisation))
        if document.adopted_at:
            meeting = self.facts.meetings[document.adopted_at]
            self.add(k(KG.adoptedAt), self.iri(vocab.meeting_kind(meeting.series), document.adopted_at))
        self.date("adopted_on", document.adopted_on)
        self.sources(document.source)
        self.names(kind, document.id, document.names)
        self.aims(document.id, document.aims)
        self.statements(kind, document.id, document, document.alternatives)
        for position, texts in enumerate(document.components, start=1):
            component = self.iri("component", vocab.component_slug(document.id, position))
            self.add(k(KG.hasComponent), component, subject=subject)
            self.start(component, document.origin, k(KG.DeclarationComponent))
            self.labels(texts)
            self.add(k(KG.position), nt_literal(str(position), datatype=_INTEGER))
            self.add(k(KG.componentOf), subject)
            self.sources(document.source)
            self._subject = subject

    def map_claim(self, claim: Claim) -> None:
        if claim.count == "components":
            about_slug = claim.document or ""
            document = self.facts.documents[about_slug]
            about = self.iri("declaration" if document.kind == "declaration" else "document", about_slug)
        else:
            about_slug = claim.organisation
            about = self.iri("organisation", about_slug)
        slug = vocab.claim_slug(about_slug, claim.count, claim.status, claim.kind,
                                str(claim.as_of.value) if claim.as_of else None)
        if slug in self._claim_slugs:  # sources that disagree on one figure: each claim by its value
            slug = f"{slug}-{claim.value}"
        self._claim_slugs.add(slug)
        self.start(self.iri("claim", slug), claim.origin, k(KG.Claim))
        subject = self.org_name(about_slug) if claim.count == "members" else about_slug
        when_en = f" on {claim.as_of}" if claim.as_of else ""
        when_id = f" per {claim.as_of}" if claim.as_of else ""
        if claim.count == "components":
            what_en, what_id = "components", "komponen"
        else:
            status = claim.status or "full"
            kind_en, kind_id = {"country": ("states", "negara"), "organisation": ("organisations", "organisasi"),
                                None: ("members", "anggota")}[claim.kind]
            what_en = f"{STATUS_WORDS[status]['en']} {kind_en}"
            what_id = f"{kind_id} berstatus {STATUS_WORDS[status]['id']}"
        self.add(_T["label"], nt_literal(f"{subject}: {claim.value} {what_en}{when_en}", "en"))
        self.add(_T["label"], nt_literal(f"{subject}: {claim.value} {what_id}{when_id}", "id"))
        self.add(k(KG.claimAbout), about)
        self.add(k(KG.claimKind), nt_literal(claim.count))
        self.add(k(KG.claimComplete), nt_literal("true" if claim.complete else "false", datatype=_BOOLEAN))
        if claim.count == "members":
            self.add(k(KG.claimStatus), STATUS[claim.status or "full"])
            if claim.kind:
                self.add(k(KG.claimMemberKind), nt_literal(claim.kind))
        self.add(k(KG.claimedValue), nt_literal(str(claim.value), datatype=_INTEGER))
        if claim.as_of:
            self.add(k(KG.asOf), nt_literal(claim.as_of.value.isoformat(), datatype=_DATE))
        self.sources(claim.source)


def map_records(facts: Facts, base: str = vocab.DEFAULT_BASE) -> Mapped:
    """Turn every record of facts into triples of N-Triples terms, with the origin of every subject."""
    return Mapper(facts, base).map_all()


def map_facts(facts: Facts, graph: Graph, base: str = vocab.DEFAULT_BASE) -> Mapped:
    """Write every record of facts into an rdflib graph too; return the mapping with graph set to it."""
    mapped = map_records(facts, base)
    mapped.graph = to_graph(mapped.triples, graph)
    return mapped
