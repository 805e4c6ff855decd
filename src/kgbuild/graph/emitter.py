"""Graph stage: what every mapping step shares: the IRIs minted once, the subject being written and its
YAML origin, labels and dates with their precision and last day, sources, and the names of things."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, XSD, Graph
from rdflib.namespace import DCTERMS, FOAF

from .. import vocab
from ..facts import Facts, Origin
from ..facts.models import Meeting, PartialDate
from ..vocab import KG, PROV
from .ntriples import Triple, k, nt_iri, nt_literal, nt_term

_T = {name: nt_iri(str(term)) for name, term in {
    "type": RDF.type, "label": RDFS.label, "comment": RDFS.comment, "altLabel": SKOS.altLabel,
    "title": DCTERMS.title, "publisher": DCTERMS.publisher, "issued": DCTERMS.issued,
    "language": DCTERMS.language, "page": FOAF.page, "wasDerivedFrom": PROV.wasDerivedFrom}.items()}
_DATE = str(XSD.date)
_INTEGER = str(XSD.integer)
_BOOLEAN = str(XSD.boolean)


PRECISION = {"day": k(KG.Day), "month": k(KG.Month), "year": k(KG.Year)}
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


class Emitter:
    """Writes triples into a list, noting the origin of each subject as it goes (one Facts, one base IRI)."""

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
