"""Search index over the curated build: every name finds its resource, ranked exact > prefix > fuzzy.

The names come from the sources (facts/sources.yaml, /work/shared/sources): Astana was Nur-Sultan
2019-2022, Indonesian calls China Tiongkok and South Korea Korea Selatan, Turkey is now Türkiye.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgbuild.iris import KG, RDF_TYPE, RDFS_LABEL, SKOS
from kgbuild.search import INDEX_FILE, LabelIndex, NameRow, SearchIndexError, write_index

ID = "https://w3id.org/kgbuild/id/"
NAME_PROPERTIES = {RDFS_LABEL, SKOS + "altLabel", SKOS + "prefLabel", KG + "isoCode"}


@pytest.fixture(scope="module")
def index(built: Path) -> LabelIndex:
    return LabelIndex(built / INDEX_FILE)


def first(index: LabelIndex, query: str, **options):
    hits = index.search(query, **options)
    assert hits, f"nothing found for {query!r}"
    return hits[0]


@pytest.mark.parametrize(("query", "resource"), [
    ("turkiye", "country/tr"),
    ("Türkiye", "country/tr"),
    ("Turkey", "country/tr"),  # its former name
    ("Turki", "country/tr"),  # Indonesian
    ("Nur-Sultan", "place/astana"),
    ("nur sultan", "place/astana"),
    ("Tiongkok", "country/cn"),
    ("Republik Rakyat Tiongkok", "country/cn"),
    ("Korea Selatan", "country/kr"),
    ("ASEAN", "organisation/asean"),
    ("CICA", "organisation/cica"),
    ("Konferensi Interaksi dan Langkah-Langkah Membangun Kepercayaan di Asia", "organisation/cica"),
    ("Konferensi Interaksi dan Keyakinan Asia", "organisation/cica"),  # the MINA article's wording
    ("KZ", "country/kz"),  # ISO 3166-1 code
])
def test_a_name_finds_its_resource_first(index, query, resource):
    hit = first(index, query)
    assert (hit.iri, hit.match) == (ID + resource, "exact")


def test_a_former_name_is_found_with_its_kind_and_the_current_label(index):
    hit = first(index, "Nur-Sultan")
    assert (hit.label, hit.name, hit.name_kind) == ("Astana", "Nur-Sultan", "former")


@pytest.mark.parametrize(("typo", "resource"), [
    ("Kazakstan", "country/kz"),
    ("Tiongok", "country/cn"),
    ("Malaysa", "country/my"),
    ("Nur-Sulta", "place/astana"),  # as the MINA article's dateline spells it
    ("Tajikstan", "country/tj"),
])
def test_a_typo_still_finds_the_resource(index, typo, resource):
    assert first(index, typo).iri == ID + resource


def test_a_typo_is_a_fuzzy_match_scored_below_any_exact_or_prefix_match(index):
    hit = first(index, "Kazakstan")
    assert hit.match == "fuzzy" and hit.score < first(index, "Kazakh").score < first(index, "Kazakhstan").score


def test_a_prefix_finds_the_country_before_its_memberships_and_chairmanships(index):
    hits = index.search("Kaz", limit=20)
    assert hits[0].iri == ID + "country/kz" and hits[0].match == "prefix"
    kinds = [hit.iri[len(ID):].split("/")[0] for hit in hits]
    assert kinds.index("country") < kinds.index("membership") and kinds.index("country") < kinds.index("chairmanship")


def test_exact_matches_come_before_prefix_matches(index):
    tiers = [hit.match for hit in index.search("Tiongkok", limit=20)]
    assert tiers == sorted(tiers, key=["exact", "prefix", "fuzzy"].index)


def test_short_queries_match_no_typos(index):
    assert [hit for hit in index.search("kaz", limit=50) if hit.match == "fuzzy"] == []
    assert index.search("qz") == []  # two letters: no acronym or code starts so


def test_two_letters_find_acronyms_and_codes_by_prefix_only(index):
    hits = index.search("un", limit=50)
    assert hits[0].iri == ID + "organisation/un"
    assert {hit.name_kind for hit in hits} <= {"acronym", "code"}


def test_the_type_filter_keeps_only_that_class(index):
    hits = index.search("Kazakhstan", types=[KG + "Membership"], limit=50)
    assert hits and {hit.type for hit in hits} == {KG + "Membership"}


def test_the_language_filter_matches_names_in_that_language_and_shows_its_label(index):
    assert first(index, "Tiongkok", lang="id").label == "Tiongkok"
    assert first(index, "Tiongkok").label == "China"  # English by default
    assert [hit for hit in index.search("Tiongkok", lang="en") if hit.iri == ID + "country/cn"] == []


def test_limit_caps_the_hits(index):
    assert len(index.search("Kazakhstan", limit=3)) == 3


def test_lookup_returns_every_resource_of_a_name(index):
    # Astana's page and the kg:Name of its former name both carry "Nur-Sultan"
    assert [hit.iri for hit in index.lookup("nur-sultan")][:1] == [ID + "place/astana"]
    assert [hit.iri for hit in index.lookup("Republic of Korea", types=[KG + "Country"])] == [ID + "country/kr"]
    assert index.lookup("Atlantis") == []


def rows() -> list[NameRow]:
    return [NameRow(ID + "place/astana", "Astana", "en", "label"),
            NameRow(ID + "place/astana", "Nur-Sultan", "en", "former")]


def test_the_same_names_write_the_same_bytes(tmp_path):
    classes = {ID + "place/astana": [KG + "Place"]}
    write_index(tmp_path / "a.sqlite", rows(), classes)
    write_index(tmp_path / "b.sqlite", list(reversed(rows())), classes)
    assert (tmp_path / "a.sqlite").read_bytes() == (tmp_path / "b.sqlite").read_bytes()


def test_a_name_of_an_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ValueError, match="kind 'nickname'; use one of label, official"):
        write_index(tmp_path / "a.sqlite", [NameRow(ID + "place/astana", "Akmola", "en", "nickname")], {})


def test_a_missing_index_says_how_to_make_one(tmp_path):
    with pytest.raises(SearchIndexError, match="rebuild with `kgbuild build`"):
        LabelIndex(tmp_path / INDEX_FILE)


def test_every_name_in_the_graph_finds_its_resource(built, index):
    # read from the served dump with a real parser, not from the index: each label, altLabel and ISO code
    # of a resource must give that resource back (a resource of a kg: class: a link's rdf:Statement,
    # labelled "Türkiye is Wikidata Q43", is provenance, not a thing one looks up)
    triples = list(ox.parse(path=str(built / "kg.nt"), format=ox.RdfFormat.N_TRIPLES))
    ours = {quad.subject.value for quad in triples
            if quad.predicate.value == RDF_TYPE and quad.object.value.startswith(KG)}
    names = [(quad.subject.value, quad.object.value) for quad in triples
             if quad.predicate.value in NAME_PROPERTIES and quad.subject.value in ours
             and quad.subject.value.startswith(ID)]
    assert len(names) > 500
    missing = [(iri, name) for iri, name in names if iri not in {hit.iri for hit in index.lookup(name)}]
    assert missing == []


def test_a_link_to_wikidata_is_not_a_thing_one_finds(index):
    # Türkiye's owl:sameAs statement is labelled "Türkiye is Wikidata Q43": provenance, not a resource
    assert [hit.iri for hit in index.search("Türkiye", limit=50) if "/id/link/" in hit.iri] == []


def test_a_meeting_filter_finds_summits(index):
    hits = index.search("CICA", types=[KG + "Meeting"], limit=50)
    assert hits and KG + "Summit" in {hit.type for hit in hits}
