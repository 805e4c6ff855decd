"""Records -> triples: each record kind lands on the contract's IRIs and terms (DESIGN.md §2)."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kgbuild.facts import load_facts
from kgbuild.graph.mapping import map_facts
from kgbuild.vocab import KG, PROV

from .conftest import SMALL_FACTS

BASE = "https://w3id.org/kgbuild/"


def iri(path: str) -> URIRef:
    return URIRef(f"{BASE}id/{path}")


@pytest.fixture(scope="module")
def mapped():
    return map_facts(load_facts(SMALL_FACTS), Graph())


@pytest.fixture(scope="module")
def graph(mapped) -> Graph:
    return mapped.graph


def test_organisation(graph):
    cica = iri("organisation/cica")
    assert (cica, RDF.type, KG.Organisation) in graph
    assert (cica, SKOS.altLabel, Literal("CICA")) in graph
    assert (
        cica,
        RDFS.label,
        Literal("Conference on Interaction and Confidence-Building Measures in Asia", lang="en"),
    ) in graph
    # the MINA article: 29th anniversary on 5 October 2021
    assert (cica, KG.foundingDate, Literal("1992-10-05", datatype=XSD.date)) in graph
    assert (cica, KG.foundingDatePrecision, KG.Day) in graph


def test_country_named_in_english_and_indonesian(graph):
    philippines = iri("country/ph")
    assert (philippines, RDF.type, KG.Country) in graph
    assert (philippines, KG.isoCode, Literal("PH")) in graph
    assert (philippines, RDFS.label, Literal("Philippines", lang="en")) in graph
    assert (philippines, RDFS.label, Literal("Filipina", lang="id")) in graph


def test_membership(graph):
    membership = iri("membership/cica-kz")
    assert (membership, RDF.type, KG.Membership) in graph
    assert (membership, KG.organisation, iri("organisation/cica")) in graph
    assert (membership, KG.member, iri("country/kz")) in graph
    assert (membership, KG.status, KG.FullMember) in graph
    assert (membership, KG.startDatePrecision, KG.Year) in graph
    observer = iri("membership/cica-my")
    assert (observer, KG.status, KG.Observer) in graph


def test_several_statuses_get_distinct_slugs(facts_dir):
    # planted: Malaysia an observer first, then a full member (DESIGN.md: cica-th-observer before cica-th)
    (facts_dir / "cica.yaml").write_text(
        "organisation: {id: cica, acronym: CICA, label: {en: CICA}, source: mina-2021-10-07}\n"
        "memberships:\n"
        "  - {member: my, status: observer, since: 2002, until: 2021, source: mina-2021-10-07}\n"
        "  - {member: my, since: 2021, source: mina-2021-10-07}\n", "utf-8")
    graph = map_facts(load_facts(facts_dir), Graph()).graph
    assert (iri("membership/cica-my-observer"), KG.status, KG.Observer) in graph
    assert (iri("membership/cica-my"), KG.status, KG.FullMember) in graph


def test_chairmanship(graph):
    chair = iri("chairmanship/cica-kz-2020")  # {org}-{chair}-{startyear}
    assert (chair, KG.chairOf, iri("organisation/cica")) in graph
    assert (chair, KG.chair, iri("country/kz")) in graph
    assert (chair, KG.startDate, Literal("2020-09-01", datatype=XSD.date)) in graph
    assert (chair, KG.startDatePrecision, KG.Month) in graph
    assert (chair, KG.theme, Literal("Kemitraan untuk Keamanan dan Pembangunan di Asia", lang="id")) in graph


def test_summit_and_other_meetings(graph):
    summit = iri("summit/cica-5")
    assert (summit, RDF.type, KG.Summit) in graph
    assert (summit, KG.ordinal, Literal(5, datatype=XSD.integer)) in graph
    assert (summit, KG.location, iri("place/dushanbe")) in graph
    assert (iri("place/dushanbe"), KG.country, iri("country/tj")) in graph
    ministerial = iri("meeting/cica-ministerial-6")
    assert (ministerial, RDF.type, KG.MinisterialMeeting) in graph
    assert (ministerial, KG.startDate, Literal("2021-10-11", datatype=XSD.date)) in graph
    assert (ministerial, KG.endDate, Literal("2021-10-12", datatype=XSD.date)) in graph
    soc_com = iri("meeting/asean-soc-com-13")
    assert (soc_com, KG.venue, Literal("ASEAN Secretariat", lang="en")) in graph


def test_declaration_and_its_components_in_order(graph):
    declaration = iri("declaration/asean-culture-of-prevention")
    assert (declaration, RDF.type, KG.Declaration) in graph
    assert (declaration, KG.adoptedAt, iri("summit/asean-31")) in graph
    components = {int(graph.value(component, KG.position)): str(graph.value(component, RDFS.label))
                  for component in graph.objects(declaration, KG.hasComponent)}
    assert components[1] == "Culture of Peace and Intercultural Understanding"
    assert components[6] == "Culture of Supporting the Values of Moderation"
    assert (iri("component/asean-culture-of-prevention-3"), KG.componentOf, declaration) in graph


def test_person(graph):
    person = iri("person/kassym-jomart-tokayev")
    assert (person, RDF.type, KG.Person) in graph
    assert (person, KG.role, Literal("Presiden Kazakhstan", lang="id")) in graph


def test_source_and_provenance(graph):
    source = iri("source/mina-2021-10-07")
    assert (source, RDF.type, KG.Source) in graph
    assert (source, DCTERMS.publisher, Literal("Mi'raj News Agency (MINA)")) in graph
    assert (source, DCTERMS.issued, Literal("2021-10-07", datatype=XSD.date)) in graph
    assert (iri("membership/cica-kz"), PROV.wasDerivedFrom, source) in graph


def test_every_fact_bearing_resource_has_a_source(graph):
    for kind in (KG.Organisation, KG.Membership, KG.Meeting, KG.Summit, KG.MinisterialMeeting, KG.Declaration,
                 KG.DeclarationComponent, KG.Chairmanship, KG.Person, KG.Place, KG.Country, KG.Claim):
        for subject in graph.subjects(RDF.type, kind):
            assert (subject, PROV.wasDerivedFrom, None) in graph, subject


def test_claim(graph):
    claim = iri("claim/asean-culture-of-prevention-components")
    assert (claim, KG.claimedValue, Literal(6, datatype=XSD.integer)) in graph
    assert (claim, KG.claimAbout, iri("declaration/asean-culture-of-prevention")) in graph


def test_every_triple_knows_its_yaml_line(mapped):
    origin = mapped.origin_of(iri("summit/cica-5"), KG.location, iri("place/dushanbe"))
    assert origin.file.endswith("tests/facts/cica.yaml")
    lines = (SMALL_FACTS / "cica.yaml").read_text("utf-8").splitlines()
    assert "ordinal: 5" in lines[origin.line - 1]
