"""Graph stage: records -> triples, one function per record kind; every triple remembers its file:line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from .. import vocab
from ..facts import Facts, Origin
from ..facts.countries import ISO_SOURCE
from ..facts.models import Chairmanship, Claim, Document, Meeting, Membership, PartialDate
from ..vocab import KG, PROV

PRECISION = {"day": KG.Day, "month": KG.Month, "year": KG.Year}
STATUS = {"full": KG.FullMember, "observer": KG.Observer, "partner": KG.Partner}
STATUS_WORDS = {
    "full": {"en": "full member", "id": "anggota penuh"},
    "observer": {"en": "observer", "id": "pengamat"},
    "partner": {"en": "partner", "id": "mitra"},
}
MEETING_CLASS = {"summit": KG.Summit, "ministerial": KG.MinisterialMeeting}


@dataclass
class Mapped:
    """The facts as triples, plus where each subject and triple was written."""

    graph: Graph
    subject_origin: dict[URIRef, Origin] = field(default_factory=dict)
    triple_origin: dict[tuple, Origin] = field(default_factory=dict)
    subjects_by_origin: dict[Origin, set[URIRef]] = field(default_factory=lambda: defaultdict(set))

    def origin_of(self, subject, predicate=None, value=None) -> Origin | None:
        """The YAML line behind a triple, or behind its subject."""
        if predicate is not None:
            found = self.triple_origin.get((subject, predicate, value))
            if found:
                return found
        return self.subject_origin.get(subject)


def ordinal_en(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class Mapper:
    """Writes the triples of one Facts into a graph, noting origins as it goes."""

    def __init__(self, facts: Facts, graph: Graph, base: str):
        self.facts = facts
        self.base = base
        self.out = Mapped(graph=graph)
        self._origin: Origin | None = None
        self._subject: URIRef | None = None

    # -- helpers -------------------------------------------------------------------------------
    def iri(self, kind: str, slug: str) -> URIRef:
        return vocab.resource_iri(kind, slug, self.base)

    def start(self, subject: URIRef, origin: Origin | None, *types: URIRef) -> URIRef:
        self._subject, self._origin = subject, origin
        if origin is not None:
            self.out.subject_origin.setdefault(subject, origin)
            self.out.subjects_by_origin[origin].add(subject)
        for rdf_type in types:
            self.add(RDF.type, rdf_type)
        return subject

    def add(self, predicate: URIRef, value, subject: URIRef | None = None) -> None:
        triple = (subject or self._subject, predicate, value)
        self.out.graph.add(triple)
        if self._origin is not None:
            self.out.triple_origin.setdefault(triple, self._origin)

    def labels(self, texts: dict[str, str] | None, predicate: URIRef = RDFS.label) -> None:
        for language, text in sorted((texts or {}).items()):
            self.add(predicate, Literal(text, lang=language))

    def date(self, predicate: URIRef, precision_predicate: URIRef, moment: PartialDate | None) -> None:
        if moment is not None:
            self.add(predicate, Literal(moment.value.isoformat(), datatype=XSD.date))
            self.add(precision_predicate, PRECISION[moment.precision])

    def sources(self, source_ids) -> None:
        for source_id in source_ids or []:
            self.add(PROV.wasDerivedFrom, self.iri("source", source_id))

    def member_iri(self, member: str) -> URIRef:
        kind = "organisation" if member in self.facts.organisations else "country"
        return self.iri(kind, member)

    def org_name(self, organisation: str) -> str:
        record = self.facts.organisations.get(organisation)
        return (record.acronym or record.label["en"]) if record else organisation.upper()

    def country_name(self, code: str, language: str = "en") -> str:
        country = self.facts.countries.get(code)
        if country is None:
            return self.org_name(code)
        return country.label.get(language, country.label["en"])

    # -- record kinds --------------------------------------------------------------------------
    def map_all(self) -> Mapped:
        for source in self.facts.sources.values():
            self.map_source(source)
        if ISO_SOURCE not in self.facts.sources:
            self.map_iso_source()
        for country in self.facts.countries.values():
            self.map_country(country)
        for place in self.facts.places.values():
            self.start(self.iri("place", place.id), place.origin, KG.Place)
            self.labels(place.label)
            self.add(KG.country, self.iri("country", place.country))
            self.sources(place.source)
        for organisation in self.facts.organisations.values():
            self.map_organisation(organisation)
        for person in self.facts.people.values():
            self.start(self.iri("person", person.id), person.origin, KG.Person)
            self.labels(person.label)
            self.labels(person.role, KG.role)
            if person.country:
                self.add(KG.country, self.iri("country", person.country))
            self.sources(person.source)
            for source_id in person.source:
                self.add(KG.mentionedIn, self.iri("source", source_id))
        self.map_memberships()
        for chairmanship in self.facts.chairmanships:
            self.map_chairmanship(chairmanship)
        for slug, meeting in self.facts.meetings.items():
            self.map_meeting(slug, meeting)
        for document in self.facts.documents.values():
            self.map_document(document)
        for claim in self.facts.claims:
            self.map_claim(claim)
        return self.out

    def map_source(self, source) -> None:
        self.start(self.iri("source", source.id), source.origin, KG.Source)
        self.add(RDFS.label, Literal(source.title, lang=source.language))  # a title is in the source's language
        self.add(DCTERMS.title, Literal(source.title, lang=source.language))
        self.add(DCTERMS.publisher, Literal(source.publisher))
        if source.issued is not None:
            self.add(DCTERMS.issued, Literal(source.issued.value.isoformat(), datatype=XSD.date))
        self.add(DCTERMS.language, Literal(source.language))
        if source.url:
            self.add(FOAF.page, URIRef(source.url))
        if source.note:
            self.add(RDFS.comment, Literal(source.note, lang="en"))

    def map_iso_source(self) -> None:
        self.start(self.iri("source", ISO_SOURCE), None, KG.Source)
        title = Literal("ISO 3166-1 country codes and names (via the pycountry package)", lang="en")
        self.add(RDFS.label, title)
        self.add(DCTERMS.title, title)
        self.add(DCTERMS.publisher, Literal("International Organization for Standardization"))
        self.add(DCTERMS.language, Literal("en"))
        self.add(FOAF.page, URIRef("https://www.iso.org/iso-3166-country-codes.html"))

    def map_country(self, country) -> None:
        self.start(self.iri("country", country.code), country.origin, KG.Country)
        self.labels(country.label)
        self.add(KG.isoCode, Literal(country.code.upper()))
        self.sources(country.source)

    def map_organisation(self, organisation) -> None:
        self.start(self.iri("organisation", organisation.id), organisation.origin, KG.Organisation)
        self.labels(organisation.label)
        if organisation.acronym:
            self.add(SKOS.altLabel, Literal(organisation.acronym))
        self.labels(organisation.description, KG.description)
        self.date(KG.foundingDate, KG.foundingDatePrecision, organisation.founded)
        self.sources(organisation.source)

    def map_memberships(self) -> None:
        statuses: dict[tuple[str, str], set[str]] = defaultdict(set)
        for membership in self.facts.memberships:
            statuses[(membership.organisation, membership.member)].add(membership.status)
        for membership in self.facts.memberships:
            several = len(statuses[(membership.organisation, membership.member)]) > 1
            self.map_membership(membership, several)

    def map_membership(self, membership: Membership, several_statuses: bool) -> None:
        slug = vocab.membership_slug(membership.organisation, membership.member, membership.status, several_statuses)
        self.start(self.iri("membership", slug), membership.origin, KG.Membership)
        org = self.org_name(membership.organisation)
        for language, connective in (("en", "in"), ("id", "di")):
            words = STATUS_WORDS[membership.status][language]
            name = self.country_name(membership.member, language)
            self.add(RDFS.label, Literal(f"{name} {connective} {org} ({words})", lang=language))
        self.add(KG.organisation, self.iri("organisation", membership.organisation))
        self.add(KG.member, self.member_iri(membership.member))
        self.add(KG.status, STATUS[membership.status])
        self.date(KG.startDate, KG.startDatePrecision, membership.since)
        self.date(KG.attestedOn, KG.attestedOnPrecision, membership.attested)
        self.date(KG.endDate, KG.endDatePrecision, membership.until)
        if membership.note:
            self.add(RDFS.comment, Literal(membership.note, lang="en"))
        self.sources(membership.source)

    def map_chairmanship(self, chairmanship: Chairmanship) -> None:
        slug = vocab.chairmanship_slug(chairmanship.organisation, chairmanship.chair, chairmanship.since.value.year)
        self.start(self.iri("chairmanship", slug), chairmanship.origin, KG.Chairmanship)
        org = self.org_name(chairmanship.organisation)
        year = chairmanship.since.value.year
        self.add(RDFS.label, Literal(f"{self.country_name(chairmanship.chair)}'s chairmanship of {org} from {year}", lang="en"))
        self.add(RDFS.label, Literal(f"Keketuaan {self.country_name(chairmanship.chair, 'id')} di {org} sejak {year}", lang="id"))
        self.add(KG.chairOf, self.iri("organisation", chairmanship.organisation))
        self.add(KG.chair, self.iri("country", chairmanship.chair))
        self.date(KG.startDate, KG.startDatePrecision, chairmanship.since)
        self.date(KG.endDate, KG.endDatePrecision, chairmanship.until)
        self.labels(chairmanship.theme, KG.theme)
        self.sources(chairmanship.source)

    def map_meeting(self, slug: str, meeting: Meeting) -> None:
        kind = vocab.meeting_kind(meeting.series)
        self.start(self.iri(kind, slug), meeting.origin, MEETING_CLASS.get(meeting.series, KG.Meeting))
        org = self.org_name(meeting.organisation)
        if meeting.label:
            self.labels(meeting.label)
        if not meeting.label or "en" not in meeting.label:
            english = {"summit": "Summit", "ministerial": "Ministerial Meeting"}.get(meeting.series, meeting.series.upper())
            self.add(RDFS.label, Literal(f"{ordinal_en(meeting.ordinal)} {org} {english}", lang="en"))
        if not meeting.label or "id" not in meeting.label:
            indonesian = {"summit": f"KTT {org}", "ministerial": f"Pertemuan Menteri {org}"}.get(
                meeting.series, f"Pertemuan {meeting.series.upper()} {org}")
            self.add(RDFS.label, Literal(f"{indonesian} ke-{meeting.ordinal}", lang="id"))
        self.add(KG.organisedBy, self.iri("organisation", meeting.organisation))
        self.add(KG.series, Literal(meeting.series))
        self.add(KG.ordinal, Literal(meeting.ordinal, datatype=XSD.integer))
        self.date(KG.startDate, KG.startDatePrecision, meeting.start)
        self.date(KG.endDate, KG.endDatePrecision, meeting.end)
        self.add(KG.location, self.iri("place", meeting.place))
        self.labels(meeting.venue, KG.venue)
        self.labels(meeting.theme, KG.theme)
        self.sources(meeting.source)

    def map_document(self, document: Document) -> None:
        kind = "declaration" if document.kind == "declaration" else "document"
        subject = self.start(self.iri(kind, document.id), document.origin,
                             KG.Declaration if kind == "declaration" else KG.Document)
        self.labels(document.label)
        self.add(KG.issuedBy, self.iri("organisation", document.organisation))
        if document.adopted_at:
            meeting = self.facts.meetings[document.adopted_at]
            self.add(KG.adoptedAt, self.iri(vocab.meeting_kind(meeting.series), document.adopted_at))
        self.date(KG.adoptedOn, KG.adoptedOnPrecision, document.adopted_on)
        self.sources(document.source)
        for position, texts in enumerate(document.components, start=1):
            component = self.iri("component", vocab.component_slug(document.id, position))
            self.add(KG.hasComponent, component, subject=subject)
            self.start(component, document.origin, KG.DeclarationComponent)
            self.labels(texts)
            self.add(KG.position, Literal(position, datatype=XSD.integer))
            self.add(KG.componentOf, subject)
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
        self.start(self.iri("claim", slug), claim.origin, KG.Claim)
        what = claim.count if claim.count == "components" else f"{claim.status or 'full'} {claim.kind or 'member'} members"
        when = f" on {claim.as_of}" if claim.as_of else ""
        self.add(RDFS.label, Literal(f"{self.org_name(about_slug) if claim.count == 'members' else about_slug}: "
                                     f"{claim.value} {what}{when}", lang="en"))
        self.add(KG.claimAbout, about)
        self.add(KG.claimKind, Literal(claim.count))
        self.add(KG.claimComplete, Literal(claim.complete))
        if claim.count == "members":
            self.add(KG.claimStatus, STATUS[claim.status or "full"])
            if claim.kind:
                self.add(KG.claimMemberKind, Literal(claim.kind))
        self.add(KG.claimedValue, Literal(claim.value, datatype=XSD.integer))
        if claim.as_of:
            self.add(KG.asOf, Literal(claim.as_of.value.isoformat(), datatype=XSD.date))
        self.sources(claim.source)


def map_facts(facts: Facts, graph: Graph, base: str = vocab.DEFAULT_BASE) -> Mapped:
    """Write every record of facts into graph; return the graph with the origin of every triple."""
    return Mapper(facts, graph, base).map_all()
