"""Graph stage: what meetings did (participants, agenda items, decisions on documents) and initiatives."""

from __future__ import annotations

from .. import vocab
from ..facts import Origin
from ..facts.models import Initiative, Meeting
from ..vocab import KG
from .emitter import _INTEGER, _T, Emitter
from .ntriples import k, nt_literal

OUTCOME = {"adopted": k(KG.Adopted), "reviewed": k(KG.Reviewed), "to-adopt": k(KG.ToBeAdopted)}
OUTCOME_WORDS = {"adopted": ("adopted at", "diadopsi pada"), "reviewed": ("reviewed at", "dibahas pada"),
                 "to-adopt": ("to be adopted at", "akan diadopsi pada")}


class Events(Emitter):
    """Participations, agenda items and document decisions of a meeting; initiatives; ids of any kind."""

    def map_participations(self, subject: str, slug: str, meeting: Meeting, names: dict[str, str]) -> None:
        """Who took part in the meeting, in the order the facts list them."""
        for position, participant in enumerate(meeting.participants, start=1):
            self.map_participation(subject, slug, position, participant, names, meeting.origin)
        self._subject = subject

    def map_agenda(self, subject: str, slug: str, meeting: Meeting) -> None:
        """What the meeting discussed: its agenda items in order, with what each was about."""
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
        self._subject = subject

    def map_decisions(self, subject: str, slug: str, meeting: Meeting, names: dict[str, str]) -> None:
        """What the meeting did with documents: adopted, reviewed or was to adopt."""
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
