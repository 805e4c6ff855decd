"""Graph stage: records -> triples, one function per record kind; every subject remembers its file:line.

Triples are tuples of N-Triples terms (`<iri>`, `"text"@en`, `"5"^^<xsd:integer>`): cheap to make,
hash and compare, and written to the store as N-Quads text in one bulk load (DESIGN.md §6). The
origin is kept per subject (the record that made it), not per triple: every triple of a subject comes
from the same record, and at a million triples a per-triple table would be the biggest thing in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from .. import vocab
from ..facts import Facts, Origin
from ..facts.countries import ISO_SOURCE
from ..facts.models import (
    Alternative,
    Chairmanship,
    Claim,
    Document,
    Initiative,
    Meeting,
    Membership,
    Name,
    PartialDate,
)
from ..vocab import KG, PROV

Triple = tuple[str, str, str]
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_iri(iri: str) -> str:
    """`<iri>`: an IRI as an N-Triples term."""
    return f"<{iri}>"


def nt_literal(text: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as an N-Triples term: `"text"@en`, `"2019-01-01"^^<...#date>`, or `"text"` (xsd:string)."""
    quoted = '"' + text.translate(_ESCAPES) + '"'
    if language:
        return f"{quoted}@{language.lower()}"  # as Oxigraph stores a tag
    if datatype and datatype != str(XSD.string):
        return f"{quoted}^^<{datatype}>"
    return quoted


def nt_term(term) -> str:
    """Any rdflib term as an N-Triples term (the ontology and the tests speak rdflib)."""
    if isinstance(term, str) and not isinstance(term, (URIRef, BNode, Literal)):
        return term  # already an N-Triples term
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return nt_literal(str(term), term.language, str(term.datatype) if term.datatype else None)


def nt_triples(graph: Graph) -> list[Triple]:
    return [(nt_term(s), nt_term(p), nt_term(o)) for s, p, o in graph]


def to_graph(triples: Iterable[Triple], graph: Graph | None = None) -> Graph:
    """Parse N-Triples term tuples into an rdflib graph (for the small inputs of HermiT and pySHACL)."""
    graph = Graph() if graph is None else graph
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    if text:
        graph.parse(data=text, format="nt")
    return graph


_T = {name: nt_iri(str(term)) for name, term in {
    "type": RDF.type, "label": RDFS.label, "comment": RDFS.comment, "altLabel": SKOS.altLabel,
    "title": DCTERMS.title, "publisher": DCTERMS.publisher, "issued": DCTERMS.issued,
    "language": DCTERMS.language, "page": FOAF.page, "wasDerivedFrom": PROV.wasDerivedFrom}.items()}
_DATE = str(XSD.date)
_INTEGER = str(XSD.integer)
_BOOLEAN = str(XSD.boolean)


def k(term: URIRef) -> str:
    """A kg: (or any rdflib) IRI as an N-Triples term."""
    return _kg(str(term))


@cache
def _kg(iri: str) -> str:
    return f"<{iri}>"


PRECISION = {"day": k(KG.Day), "month": k(KG.Month), "year": k(KG.Year)}
STATUS = {"full": k(KG.FullMember), "observer": k(KG.Observer), "partner": k(KG.Partner)}
STATUS_WORDS = {
    "full": {"en": "full member", "id": "anggota penuh"},
    "observer": {"en": "observer", "id": "pengamat"},
    "partner": {"en": "partner", "id": "mitra"},
}
MEETING_CLASS = {"summit": k(KG.Summit), "ministerial": k(KG.MinisterialMeeting)}
RANK = {"preferred": k(KG.PreferredRank), "normal": k(KG.NormalRank), "deprecated": k(KG.DeprecatedRank)}
RANK_WORDS = {"preferred": ("preferred", "diutamakan"), "normal": ("normal", "normal"),
              "deprecated": ("deprecated", "usang")}
OUTCOME = {"adopted": k(KG.Adopted), "reviewed": k(KG.Reviewed), "to-adopt": k(KG.ToBeAdopted)}
OUTCOME_WORDS = {"adopted": ("adopted at", "diadopsi pada"), "reviewed": ("reviewed at", "dibahas pada"),
                 "to-adopt": ("to be adopted at", "akan diadopsi pada")}
# Each YAML date key: the property of its first day, of its last day, and of its precision.
DATE_KEYS = {
    "since": (KG.startDate, KG.latestStartDate, KG.startDatePrecision),
    "start": (KG.startDate, KG.latestStartDate, KG.startDatePrecision),
    "until": (KG.endDate, KG.latestEndDate, KG.endDatePrecision),
    "end": (KG.endDate, KG.latestEndDate, KG.endDatePrecision),
    "attested": (KG.attestedOn, None, KG.attestedOnPrecision),
    "founded": (KG.foundingDate, KG.latestFoundingDate, KG.foundingDatePrecision),
    "adopted_on": (KG.adoptedOn, KG.latestAdoptedOn, KG.adoptedOnPrecision),
    "proposed_on": (KG.proposedOn, None, KG.proposedOnPrecision),
}
TEXT_KEYS = {"theme": KG.theme}


@dataclass
class Mapped:
    """The facts as triples of N-Triples terms, plus where each subject was written.

    `graph` is an rdflib view, filled only when map_facts is given one.
    """

    triples: list[Triple] = field(default_factory=list)
    subject_origin: dict[str, Origin] = field(default_factory=dict)
    graph: Graph | None = None

    def origin_of(self, subject, predicate=None, value=None) -> Origin | None:
        """The YAML line behind a triple: its subject's (terms as rdflib terms or N-Triples)."""
        return self.subject_origin.get(nt_term(subject))


def ordinal_en(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class Mapper:
    """Writes the triples of one Facts into a list, noting the origin of each subject as it goes."""

    def __init__(self, facts: Facts, base: str):
        self.facts = facts
        self.base = base
        self.out = Mapped()
        self._emit = self.out.triples.append
        self._origin: Origin | None = None
        self._subject = ""  # the subject being written: set by start()
        self._iris: dict[tuple[str, str], str] = {}
        self._claim_slugs: set[str] = set()

    # -- helpers -------------------------------------------------------------------------------
    def iri(self, kind: str, slug: str) -> str:
        key = (kind, slug)
        found = self._iris.get(key)
        if found is None:
            found = self._iris[key] = nt_iri(vocab.resource_iri(kind, slug, self.base))
        return found

    def start(self, subject: str, origin: Origin | None, *types: str) -> str:
        self._subject, self._origin = subject, origin
        if origin is not None:
            self.out.subject_origin.setdefault(subject, origin)
        for rdf_type in types:
            self._emit((subject, _T["type"], rdf_type))
        return subject

    def add(self, predicate: str, value: str, subject: str | None = None) -> None:
        self._emit((subject or self._subject, predicate, value))

    def labels(self, texts: dict[str, str] | None, predicate: str = _T["label"]) -> None:
        for language, text in sorted((texts or {}).items()):
            self._emit((self._subject, predicate, nt_literal(text, language)))

    def date(self, key: str, moment: PartialDate | None) -> None:
        """A YAML date as its first day, its last day (kgbuild.temporal) and its precision."""
        if moment is None:
            return
        first, latest, precision = DATE_KEYS[key]
        self._emit((self._subject, k(first), nt_literal(moment.value.isoformat(), datatype=_DATE)))
        if latest is not None:
            self._emit((self._subject, k(latest), nt_literal(moment.last_day.isoformat(), datatype=_DATE)))
        self._emit((self._subject, k(precision), PRECISION[moment.precision]))

    def sources(self, source_ids) -> None:
        for source_id in source_ids or []:
            self._emit((self._subject, _T["wasDerivedFrom"], self.iri("source", source_id)))

    def member_iri(self, member: str) -> str:
        kind = "organisation" if member in self.facts.organisations else "country"
        return self.iri(kind, member)

    def org_name(self, organisation: str) -> str:
        record = self.facts.organisations.get(organisation)
        return (record.acronym or record.label["en"]) if record else organisation.upper()

    def country_name(self, code: str, language: str = "en", on: dt.date | None = None) -> str:
        """A country's name in a language: today's, or the one certainly in force on a day."""
        country = self.facts.countries.get(code)
        if country is None:
            return self.org_name(code)
        if on is not None:
            for name in country.names:
                # a former name possibly in force on the day is the name of the time (Turkey in 2010)
                if name.kind == "former" and language in name.label and name.period.possibly(on):
                    return name.label[language]
        return country.label.get(language, country.label["en"])

    # -- names, ranked statements -----------------------------------------------------------------
    def names(self, owner_kind: str, owner: str, names: list[Name]) -> None:
        """Other names: each text as skos:altLabel of the owner (search finds it), and a kg:Name
        resource with its kind, period and sources (the name in force on a date)."""
        subject = self._subject
        for name in names:
            for language, text in sorted(name.label.items()):
                self._emit((subject, _T["altLabel"], nt_literal(text, language)))
        for name in names:
            first_text = name.label.get("en") or next(iter(name.label.values()))
            iri = self.iri("name", vocab.name_slug(owner_kind, owner, first_text))
            self.add(k(KG.hasName), iri, subject=subject)
            self.start(iri, self._origin, k(KG.Name))
            self.labels(name.label)
            self.add(k(KG.nameOf), subject)
            self.add(k(KG.nameKind), nt_literal(name.kind))
            self.date("since", name.since)
            self.date("until", name.until)
            self.sources(name.source)
        self._subject = subject

    def statements(self, kind: str, slug: str, record, alternatives: Sequence[Alternative]) -> None:
        """Where sources disagree: every value of a disputed key as a ranked statement with its sources.

        The record's own value is preferred and stays the plain triple every simple query sees; each
        alternative is a `normal` or `deprecated` statement beside it (Wikidata's ranks)."""
        if not alternatives:
            return
        subject = self._subject
        keys = [key for key in type(alternatives[0]).model_fields if any(key in alt.values() for alt in alternatives)]
        for key in keys:
            others = [alt for alt in alternatives if key in alt.values()]
            # a source the record cites for an alternative value supports that one, not the preferred value
            against = {source for alt in others for source in alt.source}
            preferred_sources = [source for source in record.source if source not in against] or record.source
            ranked: list[tuple[str, Any, list[str], str | None]] = [
                ("preferred", getattr(record, key, None), preferred_sources, None)]
            ranked += [(alt.rank, alt.values()[key], alt.source, alt.note) for alt in others]
            for index, (rank, value, source_ids, note) in enumerate(ranked):
                if value is None:
                    continue
                iri = self.iri("statement", vocab.statement_slug(kind, slug, key, index))
                self.add(k(KG.hasStatement), iri, subject=subject)
                self.start(iri, self._origin, k(KG.Statement))
                english, indonesian = RANK_WORDS[rank]
                shown = str(value) if isinstance(value, PartialDate) else value.get("en", next(iter(value.values())))
                self.add(_T["label"], nt_literal(f"{kind}/{slug} {key}: {shown} ({english})", "en"))
                self.add(_T["label"], nt_literal(f"{kind}/{slug} {key}: {shown} ({indonesian})", "id"))
                self.add(k(KG.statementAbout), subject)
                self.add(k(KG.rank), RANK[rank])
                if isinstance(value, PartialDate):
                    first, _, _ = DATE_KEYS[key]
                    self.add(k(KG.statementProperty), k(first))
                    self.add(k(KG.statementValue), nt_literal(value.value.isoformat(), datatype=_DATE))
                    self.add(k(KG.statementValuePrecision), PRECISION[value.precision])
                else:
                    self.add(k(KG.statementProperty), k(TEXT_KEYS[key]))
                    for language, text in sorted(value.items()):
                        self.add(k(KG.statementValue), nt_literal(text, language))
                if note:
                    self.add(_T["comment"], nt_literal(note, "en"))
                self.sources(source_ids)
        self._subject = subject

    def aims(self, owner: str, aims) -> None:
        subject = self._subject
        for position, aim in enumerate(aims, start=1):
            iri = self.iri("aim", f"{owner}-{position}")
            self.add(k(KG.hasAim), iri, subject=subject)
            self.start(iri, self._origin, k(KG.Aim))
            self.labels(aim.label)
            self.add(k(KG.position), nt_literal(str(position), datatype=_INTEGER))
            self.sources(aim.source)
        self._subject = subject

    # -- record kinds --------------------------------------------------------------------------
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

    def map_organisation(self, organisation) -> None:
        self.start(self.iri("organisation", organisation.id), organisation.origin, k(KG.Organisation))
        self.labels(organisation.label)
        if organisation.acronym:
            self.add(_T["altLabel"], nt_literal(organisation.acronym))
        self.labels(organisation.description, k(KG.description))
        self.date("founded", organisation.founded)
        self.sources(organisation.source)
        self.names("organisation", organisation.id, organisation.names)
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
        for position, participant in enumerate(meeting.participants, start=1):
            self.map_participation(subject, slug, position, participant, names, meeting.origin)
        for position, item in enumerate(meeting.agenda, start=1):
            iri = self.iri("agenda-item", f"{slug}-{position}")
            self.add(k(KG.hasAgendaItem), iri, subject=subject)
            self.start(iri, meeting.origin, k(KG.AgendaItem))
            self.labels(item.label)
            self.labels(item.description, k(KG.description))
            self.add(k(KG.agendaOf), subject)
            self.add(k(KG.position), nt_literal(str(position), datatype=_INTEGER))
            for about in item.about:
                self.add(k(KG.about), self.resource_of(about))
            self.sources(item.source)
        for decision in meeting.documents:
            iri = self.iri("decision", f"{slug}-{decision.document}-{decision.outcome}")
            self.add(k(KG.hasDecision), iri, subject=subject)
            self.start(iri, meeting.origin, k(KG.DocumentDecision))
            document = self.facts.documents[decision.document]
            english, indonesian = OUTCOME_WORDS[decision.outcome]
            self.add(_T["label"], nt_literal(f"{document.label['en']}: {english} the {names['en']}", "en"))
            self.add(_T["label"], nt_literal(f"{document.label.get('id', document.label['en'])}: {indonesian} "
                                             f"{names['id']}", "id"))
            self.add(k(KG.decidedAt), subject)
            self.add(k(KG.decidedDocument), self.resource_of(decision.document))
            self.add(k(KG.outcome), OUTCOME[decision.outcome])
            self.sources(decision.source)
        self._subject = subject

    def meeting_names(self, meeting: Meeting) -> dict[str, str]:
        """The meeting's label by language: as written, else made from its ordinal, series and organisation."""
        org = self.org_name(meeting.organisation)
        names = dict(meeting.label or {})
        english = {"summit": "Summit", "ministerial": "Ministerial Meeting"}.get(meeting.series, meeting.series.upper())
        names.setdefault("en", f"{ordinal_en(meeting.ordinal)} {org} {english}")
        indonesian = {"summit": f"KTT {org}", "ministerial": f"Pertemuan Menteri {org}"}.get(
            meeting.series, f"Pertemuan {meeting.series.upper()} {org}")
        names.setdefault("id", f"{indonesian} ke-{meeting.ordinal}")
        return names

    def map_participation(self, meeting_iri: str, slug: str, position: int, participant, meeting_names: dict[str, str],
                          origin: Origin) -> None:
        iri = self.iri("participation", f"{slug}-{position}")
        self.add(k(KG.hasParticipation), iri, subject=meeting_iri)
        self.start(iri, origin, k(KG.Participation))
        if participant.group:
            who = participant.group
        else:
            agent = participant.person or participant.country or participant.body
            who = {language: self.agent_name(agent, language) for language in ("en", "id")}
            self.add(k(KG.participant), self.resource_of(agent) if not participant.country
                     else self.iri("country", participant.country))
        self.add(
            _T["label"], nt_literal(f"{who.get('en', next(iter(who.values())))} at the {meeting_names['en']}", "en")
        )
        self.add(_T["label"], nt_literal(f"{who.get('id', who.get('en'))} pada {meeting_names['id']}", "id"))
        self.add(k(KG.participationIn), meeting_iri)
        self.labels(participant.group, k(KG.participantGroup))
        self.labels(participant.role, k(KG.participantRole))
        if participant.on_behalf_of:
            self.add(k(KG.onBehalfOf), self.resource_of(participant.on_behalf_of))
        self.sources(participant.source)

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

    def map_initiative(self, initiative: Initiative) -> None:
        self.start(self.iri("initiative", initiative.id), initiative.origin, k(KG.Initiative))
        self.labels(initiative.label)
        self.labels(initiative.description, k(KG.description))
        if initiative.proposed_by:
            self.add(k(KG.proposedBy), self.resource_of(initiative.proposed_by))
        if initiative.on_behalf_of:
            self.add(k(KG.onBehalfOf), self.resource_of(initiative.on_behalf_of))
        if initiative.proposed_at:
            self.add(k(KG.proposedAt), self.resource_of(initiative.proposed_at))
        self.date("proposed_on", initiative.proposed_on)
        self.sources(initiative.source)

    def resource_of(self, slug: str) -> str:
        """The IRI an id names, whatever its kind: person, organisation, meeting, document, initiative or country."""
        if slug in self.facts.people:
            return self.iri("person", slug)
        if slug in self.facts.organisations:
            return self.iri("organisation", slug)
        if slug in self.facts.meetings:
            return self.iri(vocab.meeting_kind(self.facts.meetings[slug].series), slug)
        if slug in self.facts.documents:
            return self.iri("declaration" if self.facts.documents[slug].kind == "declaration" else "document", slug)
        if slug in self.facts.initiatives:
            return self.iri("initiative", slug)
        return self.iri("country", slug)

    def agent_name(self, slug: str, language: str) -> str:
        person = self.facts.people.get(slug)
        if person is not None:
            return person.label.get(language, person.label["en"])
        organisation = self.facts.organisations.get(slug)
        if organisation is not None:
            return organisation.label.get(language, organisation.label["en"])
        return self.country_name(slug, language)

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
