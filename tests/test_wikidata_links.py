"""Links out to Wikidata: the curated ids checked code by code, and what the build makes of them
(owl:sameAs, the statement naming each link's source, the VoID linkset, nothing of it in the reasoner).

Expected ids come from the tables the facts cite (Our World in Data's countries table, SupraVerden's
list of international organisations, Natural Earth's populated places), never from the build's output.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
import rdflib
from rdflib import OWL, RDF, URIRef
from rdflib.namespace import PROV, VOID

from kgbuild.facts import load_facts
from kgbuild.facts.countries import iso_country
from kgbuild.facts.models import WIKIDATA_PATTERN
from kgbuild.graph.links import without_links
from kgbuild.graph.mapping import map_records

from .conftest import REAL_FACTS

ID = "https://w3id.org/kgbuild/id/"
WD = rdflib.Namespace("http://www.wikidata.org/entity/")
FACTS_GRAPH = URIRef("https://w3id.org/kgbuild/graph/facts")
INFERRED_GRAPH = URIRef("https://w3id.org/kgbuild/graph/inferred")

# Rows of OWID's table whose label is neither an ISO 3166 name of the code nor one of the facts' names,
# each read by a person and found to name the same country, and why the names differ.
KNOWN_DIFFERENCES = {
    "bn": ("Brunei", "the short form of Brunei Darussalam, the ISO 3166 name"),
    "ps": ("State of Palestine", "ISO 3166 inverts it: 'Palestine, State of'"),
    "tl": ("East Timor", "the English name of Timor-Leste, the ISO 3166 name"),
}
# Countries of the graph deliberately without a Wikidata id (none: OWID's table has every one we use).
COUNTRIES_WITHOUT = {}
# Organisations no openly licensed table we found gives a Wikidata id for: left out, never guessed
# (docs/facts-format.md, "Links to Wikidata").
ORGANISATIONS_WITHOUT = {
    "cica": "not in SupraVerden's table, and no other source found that states its id",
    "sco-rats": "a body of the SCO; not in SupraVerden's table",
    "unodc": "not in SupraVerden's table (nor in its UN bodies list)",
    "unaoc": "not in SupraVerden's table",
    "apk": "a national body of Kazakhstan, outside tables of international organisations",
    "eec": "the Eurasian Economic Commission; the table lists only the Eurasian Economic Union, another entity",
}
# Each place's id as read by a person in Natural Earth's ne_110m_populated_places.geojson at commit 117488dc
# (source natural-earth-populated-places; 626,853 characters): the feature's NAME and country (ADM0NAME),
# its WIKIDATAID, and the offset of the 16,000-character window of the file the feature was read in.
NATURAL_EARTH_PLACES = {
    "astana": "Q1520",  # NAME Nur-Sultan, NAMEPAR Astana, Kazakhstan, 51.18 N 71.43 E; window 272,000
    "dushanbe": "Q9365",  # NAME Dushanbe, Tajikistan; window 144,000
    "manila": "Q1461",  # NAME Manila, Philippines; window 494,000
    "new-york": "Q60",  # NAME New York, United States of America; window 556,000
    "istanbul": "Q406",  # NAME Istanbul, Turkey; window 556,000
    "beijing": "Q956",  # NAME Beijing, China; window 578,000
    "jakarta": "Q3630",  # NAME Jakarta, Indonesia; window 586,000
    "shanghai": "Q8686",  # NAME Shanghai, China; window 586,000
}
# Places no openly licensed table we read gives a Wikidata id for.
PLACES_WITHOUT = {
    "almaty": "not among the features of Natural Earth's 1:110m populated places (the whole file was read)",
}


@pytest.fixture(scope="module")
def facts():
    return load_facts(REAL_FACTS)


def _plain(text: str) -> str:
    """Letters and digits only, accents dropped: 'Viet Nam' and 'Vietnam' read the same."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", ascii_text)


def _names_of(code: str, facts) -> set[str]:
    """What ISO 3166 (pycountry) and the facts call a country, in any language, over time."""
    record = iso_country(code)
    names = {getattr(record, key, None) for key in ("name", "official_name", "common_name")} - {None}
    country = facts.countries.get(code)
    if country is not None:
        names |= set(country.label.values())
        for name in country.names:
            names |= set(name.label.values())
    return names


def test_every_country_in_the_graph_has_a_wikidata_id(facts):
    missing = sorted(set(facts.countries) - set(facts.country_links) - set(COUNTRIES_WITHOUT))
    assert missing == [], "copy their rows from OWID's table (source owid-countries-regions)"


def test_every_organisation_has_a_wikidata_id_or_a_reason_it_has_none(facts):
    without = {slug for slug, record in facts.organisations.items() if record.wikidata is None}
    assert without == set(ORGANISATIONS_WITHOUT)


def test_every_place_has_a_wikidata_id_or_a_reason_it_has_none(facts):
    without = {slug for slug, record in facts.places.items() if record.wikidata is None}
    assert without == set(PLACES_WITHOUT)


def test_each_place_has_the_id_natural_earth_gives_its_city(facts):
    given = {slug: record.wikidata.id for slug, record in facts.places.items() if record.wikidata}
    assert given == NATURAL_EARTH_PLACES
    assert {source for record in facts.places.values() if record.wikidata
            for source in record.wikidata.source} == {"natural-earth-populated-places"}


@pytest.mark.parametrize("code", ["kz", "cn", "id", "tr", "vn"])
def test_the_owid_label_names_the_country_of_its_code(facts, code):
    # a sample a reader can check against the table at a glance; the next test goes through every row
    assert _plain(facts.country_links[code].label) in {_plain(name) for name in _names_of(code, facts)}


def test_every_owid_row_names_the_same_country_as_iso_3166(facts):
    unexplained, stale = [], []
    for code, row in sorted(facts.country_links.items()):
        matches = _plain(row.label) in {_plain(name) for name in _names_of(code, facts)}
        if code in KNOWN_DIFFERENCES:
            if matches or KNOWN_DIFFERENCES[code][0] != row.label:
                stale.append(f"{row.origin}: {code} is listed as a known difference, but its label is {row.label!r}")
        elif not matches:
            names = sorted(_names_of(code, facts))
            unexplained.append(f"{row.origin}: {code} is {row.label!r} in the table, not one of {names}")
    assert unexplained == []
    assert stale == []


def _records_with_links(facts) -> list:
    """Every organisation and place that carries a `wikidata:` link."""
    return [record for table in (facts.organisations, facts.places) for record in table.values() if record.wikidata]


def _all_ids(facts) -> list[str]:
    return [row.wikidata for row in facts.country_links.values()] + [r.wikidata.id for r in _records_with_links(facts)]


def test_every_wikidata_id_has_the_shape_of_an_entity_id(facts):
    ids = _all_ids(facts)
    assert ids and [qid for qid in ids if not re.fullmatch(WIKIDATA_PATTERN, qid)] == []
    assert all(re.fullmatch(r"Q[1-9][0-9]*", qid) for qid in ids)  # the pattern, spelt out again


def test_no_two_resources_share_a_wikidata_id(facts):
    ids = _all_ids(facts)
    assert len(ids) == len(set(ids))


def test_every_link_cites_a_source_that_gives_wikidata_ids(facts):
    cited = {source for row in facts.country_links.values() for source in row.source}
    cited |= {source for record in _records_with_links(facts) for source in record.wikidata.source}
    assert cited == {"owid-countries-regions", "supraverden-all-bodies", "natural-earth-populated-places"}
    assert all("wikidata" in facts.sources[source].note.lower() for source in cited)


# -- what the build makes of them -----------------------------------------------------------------

@pytest.fixture(scope="module")
def dataset(built) -> rdflib.Dataset:
    """The whole build as served in its dump, read back by rdflib's own N-Quads parser."""
    read = rdflib.Dataset()
    read.parse(built / "kg.nq", format="nquads")
    return read


def test_kazakhstan_is_wikidata_q232_on_owid_s_word(dataset):
    # Q232: the wikidata_uri of row KAZ in OWID's table
    kz = URIRef(f"{ID}country/kz")
    facts = dataset.graph(FACTS_GRAPH)
    assert (kz, OWL.sameAs, WD.Q232) in facts
    statements = set(facts.subjects(RDF.subject, kz))
    assert len(statements) == 1
    statement = statements.pop()
    assert (statement, RDF.type, RDF.Statement) in facts
    assert (statement, RDF.predicate, OWL.sameAs) in facts
    assert (statement, RDF.object, WD.Q232) in facts
    assert set(facts.objects(statement, PROV.wasDerivedFrom)) == {URIRef(f"{ID}source/owid-countries-regions")}
    assert (kz, PROV.wasDerivedFrom, URIRef(f"{ID}source/owid-countries-regions")) in facts


def test_asean_is_wikidata_q7768_on_supraverden_s_word(dataset):
    # Q7768: the Wikidata code SupraVerden's table gives the Association of Southeast Asian Nations
    asean = URIRef(f"{ID}organisation/asean")
    facts = dataset.graph(FACTS_GRAPH)
    assert set(facts.objects(asean, OWL.sameAs)) == {WD.Q7768}
    statement = next(iter(facts.subjects(RDF.subject, asean)))
    assert set(facts.objects(statement, PROV.wasDerivedFrom)) == {URIRef(f"{ID}source/supraverden-all-bodies")}


def test_astana_is_wikidata_q1520_on_natural_earth_s_word(dataset):
    # Q1520: the WIKIDATAID of Natural Earth's feature Nur-Sultan (NAMEPAR Astana), Kazakhstan
    astana = URIRef(f"{ID}place/astana")
    facts = dataset.graph(FACTS_GRAPH)
    assert set(facts.objects(astana, OWL.sameAs)) == {WD.Q1520}
    statements = set(facts.subjects(RDF.subject, astana))
    assert len(statements) == 1
    statement = statements.pop()
    assert (statement, RDF.object, WD.Q1520) in facts
    assert set(facts.objects(statement, PROV.wasDerivedFrom)) == {URIRef(f"{ID}source/natural-earth-populated-places")}


@pytest.mark.parametrize("resource", ["organisation/cica", "place/almaty"])
def test_a_resource_without_a_sourced_id_has_no_link(dataset, resource):
    assert list(dataset.objects(URIRef(f"{ID}{resource}"), OWL.sameAs)) == []


def test_the_links_stay_out_of_what_the_reasoner_inferred(dataset):
    inferred = dataset.graph(INFERRED_GRAPH)
    assert len(inferred) > 0
    assert list(inferred.triples((None, OWL.sameAs, None))) == []
    touching = [triple for triple in inferred if any(str(term).startswith(str(WD)) for term in triple)]
    assert touching == []


def test_the_reasoner_input_leaves_out_links_and_their_statements(facts):
    mapped = map_records(facts).triples
    kept = without_links(mapped)
    same_as = f"<{OWL.sameAs}>"
    assert any(predicate == same_as for _, predicate, _ in mapped)
    assert not any(predicate == same_as for _, predicate, _ in kept)
    assert not any(subject.startswith(f"<{ID}link/") for subject, _, _ in kept)
    assert len(kept) < len(mapped)
    assert any(subject == f"<{ID}country/kz>" for subject, _, _ in kept)  # the country itself still reasons


def test_void_describes_the_linkset_with_its_size(built, facts):
    void = rdflib.Graph().parse(built / "void.ttl", format="turtle")
    linksets = list(void.subjects(RDF.type, VOID.Linkset))
    assert len(linksets) == 1
    linkset = linksets[0]
    dataset_iri = URIRef("https://w3id.org/kgbuild/dataset")
    assert (linkset, VOID.subjectsTarget, dataset_iri) in void
    assert (linkset, VOID.linkPredicate, OWL.sameAs) in void
    target = void.value(linkset, VOID.objectsTarget)
    assert (target, VOID.uriSpace, rdflib.Literal(str(WD))) in void
    # one link per country of the graph and per organisation or place with a sourced id, counted from the YAML
    expected = len(facts.countries) + len(_records_with_links(facts))
    assert int(void.value(linkset, VOID.triples)) == expected


def test_a_changed_country_id_shows_in_the_changelog(real_facts_copy, runner):
    from kgbuild.cli import cli

    table = real_facts_copy / "wikidata-countries.yaml"
    table.write_text(table.read_text("utf-8").replace("{code: kz, wikidata: Q232,", "{code: kz, wikidata: Q233,"),
                     "utf-8")
    result = runner.invoke(cli, ["diff", str(REAL_FACTS), str(real_facts_copy)])
    assert result.exit_code == 1  # as diff(1): there are changes
    assert "Wikidata entity of Kazakhstan" in result.output and "Q232 → Q233" in result.output
