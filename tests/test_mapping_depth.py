"""The curated facts -> triples for what the sources say beyond the dated skeleton: uncertain dates,
names over time, disagreeing sources, what meetings did. Expected values come from the sources cited."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from kgbuild.facts import load_facts
from kgbuild.graph.mapping import map_facts
from kgbuild.vocab import KG, PROV

from .conftest import REAL_FACTS

BASE = "https://w3id.org/kgbuild/"


def iri(path: str) -> URIRef:
    return URIRef(f"{BASE}id/{path}")


def date(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return map_facts(load_facts(REAL_FACTS), Graph()).graph


def test_a_month_precise_start_keeps_both_bounds(graph):
    # chinadaily-2014-05-20: Iraq admitted at the summit of June 2010
    iraq = iri("membership/cica-iq")
    assert (iraq, KG.startDate, date("2010-06-01")) in graph
    assert (iraq, KG.latestStartDate, date("2010-06-30")) in graph
    assert (iraq, KG.startDatePrecision, KG.Month) in graph


def test_an_attested_membership_has_no_start_and_its_attestation_as_latest_start(graph):
    # mid-ru-2002-06-06: Malaysia an observer in June 2002; no source gives when it became one
    malaysia = iri("membership/cica-my")
    assert (malaysia, KG.startDate, None) not in graph
    assert (malaysia, KG.attestedOn, date("2002-06-06")) in graph
    assert (malaysia, KG.latestStartDate, date("2002-06-06")) in graph


def test_a_former_name_has_its_period_and_source(graph):
    # tass-2022-09-19: Nur-Sultan from 23 March 2019 until Astana came back on 19 September 2022
    astana, name = iri("place/astana"), iri("name/place-astana-nur-sultan")
    assert (astana, SKOS.altLabel, Literal("Nur-Sultan", lang="en")) in graph
    assert (astana, KG.hasName, name) in graph
    assert (name, RDF.type, KG.Name) in graph
    assert (name, KG.nameKind, Literal("former")) in graph
    assert (name, KG.startDate, date("2019-03-23")) in graph
    assert (name, KG.endDate, date("2022-09-19")) in graph
    assert (name, PROV.wasDerivedFrom, iri("source/tass-2022-09-19")) in graph


def test_a_chairmanship_is_named_with_the_chair_s_name_of_the_time(graph):
    # theicaf-2022-02-09: Turkey chaired 2010-2014; allnews-2022-06-02: Türkiye at the UN from 1 June 2022
    term = iri("chairmanship/cica-tr-2010")
    assert (term, RDFS.label, Literal("Turkey's chairmanship of CICA from 2010", lang="en")) in graph
    assert (iri("country/tr"), RDFS.label, Literal("Türkiye", lang="en")) in graph


def test_indonesian_names_follow_the_indonesian_government(graph):
    # bisnis-2014-03-18: Presidential Decree 12/2014, Republik Rakyat Tiongkok; kemlu-2018-soc-com-13: "PBB"
    assert (iri("country/cn"), RDFS.label, Literal("Tiongkok", lang="id")) in graph
    assert (iri("country/cn"), SKOS.altLabel, Literal("Republik Rakyat Tiongkok", lang="id")) in graph
    assert (iri("organisation/un"), SKOS.altLabel, Literal("PBB", lang="id")) in graph
    assert (
        iri("organisation/cica"),
        SKOS.altLabel,
        Literal("Konferensi Interaksi dan Keyakinan Asia", lang="id"),
    ) in graph


def test_a_disagreement_keeps_the_preferred_triple_and_ranks_every_value(graph):
    # s-cica-second-ministerial: Thailand admitted on 22 October 2004; chinadaily-2014-05-20: at the 2006 summit
    thailand = iri("membership/cica-th")
    assert set(graph.objects(thailand, KG.startDate)) == {date("2004-10-22")}
    statements = {
        statement: dict(graph.predicate_objects(statement)) for statement in graph.objects(thailand, KG.hasStatement)
    }
    ranks = {(facts[KG.statementValue], facts[KG.rank]) for facts in statements.values()}
    assert ranks == {(date("2004-10-22"), KG.PreferredRank), (date("2006-06-17"), KG.NormalRank)}
    preferred = next(s for s, facts in statements.items() if facts[KG.rank] == KG.PreferredRank)
    normal = next(s for s, facts in statements.items() if facts[KG.rank] == KG.NormalRank)
    assert (preferred, KG.statementProperty, KG.startDate) in graph
    assert set(graph.objects(normal, PROV.wasDerivedFrom)) == {iri("source/chinadaily-2014-05-20")}
    assert iri("source/chinadaily-2014-05-20") not in set(graph.objects(preferred, PROV.wasDerivedFrom))


def test_an_online_meeting_has_no_place(graph):
    # s-cica-press-2024-12-17: the seventh Ministerial Council, hosted online by Azerbaijan
    meeting = iri("meeting/cica-ministerial-7")
    assert (meeting, KG.online, Literal(True)) in graph
    assert (meeting, KG.location, None) not in graph
    assert (meeting, KG.startDate, date("2024-12-17")) in graph


def test_who_took_part_and_on_whose_behalf(graph):
    # kemlu-2018-soc-com-13: Riaz J.P. Saehu, representing Indonesia's SOCA Leader; the CPR among those present
    meeting = iri("meeting/asean-soc-com-13")
    taking_part = [dict(graph.predicate_objects(p)) for p in graph.objects(meeting, KG.hasParticipation)]
    riaz = next(p for p in taking_part if p.get(KG.participant) == iri("person/riaz-j-p-saehu"))
    assert riaz[KG.onBehalfOf] == iri("country/id") and riaz[KG.participationIn] == meeting
    groups = {
        str(text) for p in graph.objects(meeting, KG.hasParticipation) for text in graph.objects(p, KG.participantGroup)
    }
    assert "The Committee of Permanent Representatives to ASEAN (CPR)" in groups


def test_agenda_items_in_order_and_what_they_were_about(graph):
    # kemlu-2018-soc-com-13: the Culture of Prevention declaration, then the ASCC Blueprint 2025 framework
    meeting = iri("meeting/asean-soc-com-13")
    items = {int(graph.value(item, KG.position)): item for item in graph.objects(meeting, KG.hasAgendaItem)}
    assert (items[1], KG.about, iri("declaration/asean-culture-of-prevention")) in graph
    assert (items[2], KG.about, iri("document/ascc-blueprint-2025")) in graph


def test_documents_a_meeting_was_to_adopt_and_adopted(graph):
    # mina-2021-10-07: the updated Catalogue to be adopted; s-cica-council-of-eminent-persons: the Regulations adopted
    meeting = iri("meeting/cica-ministerial-6")
    outcomes = {
        graph.value(d, KG.decidedDocument): graph.value(d, KG.outcome) for d in graph.objects(meeting, KG.hasDecision)
    }
    assert outcomes[iri("document/cica-catalogue-of-cbms-2021")] == KG.ToBeAdopted
    assert outcomes[iri("document/cica-regulations-council-of-eminent-persons")] == KG.Adopted


def test_an_initiative_names_who_proposed_it_where_and_when(graph):
    # mina-2021-10-07 and s-cica-evolution-2010: Nazarbayev, 47th UN General Assembly, 5 October 1992
    proposal = iri("initiative/cica-proposal-1992")
    assert (proposal, KG.proposedBy, iri("person/nursultan-nazarbayev")) in graph
    assert (proposal, KG.proposedAt, iri("meeting/un-general-assembly-47")) in graph
    assert (proposal, KG.proposedOn, date("1992-10-05")) in graph


def test_an_organisation_s_stated_aims_carry_their_source_and_language(graph):
    aims = list(graph.objects(iri("organisation/cica"), KG.hasAim))
    assert len(aims) == 2  # mina-2021-10-07: "CICA bertujuan ..." twice
    for aim in aims:
        assert {label.language for label in graph.objects(aim, RDFS.label)} == {"en", "id"}
        assert (aim, PROV.wasDerivedFrom, iri("source/mina-2021-10-07")) in graph


def test_claims_and_memberships_are_labelled_in_indonesian_too(graph):
    for kind in (KG.Claim, KG.Membership, KG.Statement, KG.Participation, KG.DocumentDecision, KG.Initiative):
        for resource in graph.subjects(RDF.type, kind):
            assert {label.language for label in graph.objects(resource, RDFS.label)} >= {"en", "id"}, resource
