"""Dereferenceable IRIs: /id/{kind}/{slug} by Accept and by suffix, languages, 304s, 404s; /ontology."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import rdflib

KG = rdflib.Namespace("https://w3id.org/kgbuild/ontology#")
CICA = rdflib.URIRef("https://w3id.org/kgbuild/id/organisation/cica")
CICA_5 = rdflib.URIRef("https://w3id.org/kgbuild/id/summit/cica-5")
DUSHANBE = rdflib.URIRef("https://w3id.org/kgbuild/id/place/dushanbe")
FORMATS = [("text/turtle", "ttl", "turtle"), ("application/ld+json", "jsonld", "json-ld"),
           ("application/n-triples", "nt", "nt"), ("application/rdf+xml", "rdf", "xml")]


class Links(HTMLParser):
    """The hrefs of a page and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href"]

    def handle_data(self, data):
        self.text.append(data)


def page(response) -> Links:
    links = Links()
    links.feed(response.text)
    return links


@pytest.mark.parametrize("accept, suffix, rdflib_format", FORMATS)
def test_resource_by_accept(server, accept, suffix, rdflib_format):
    response = server.get("/id/summit/cica-5", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(accept)
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert (CICA_5, KG.location, DUSHANBE) in graph
    assert (DUSHANBE, rdflib.RDFS.label, rdflib.Literal("Dushanbe", lang="en")) in graph  # label of what it points to


@pytest.mark.parametrize("accept, suffix, rdflib_format", FORMATS)
def test_resource_by_suffix(server, accept, suffix, rdflib_format):
    response = server.get(f"/id/summit/cica-5.{suffix}", headers={"Accept": "text/html"})
    assert response.headers["Content-Type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert (CICA_5, KG.organisedBy, CICA) in graph


def test_resource_description_includes_what_points_at_it(server):
    graph = rdflib.Graph().parse(data=server.get("/id/organisation/cica.ttl").content, format="turtle")
    assert (CICA_5, KG.organisedBy, CICA) in graph


def test_browser_gets_html_with_labels_in_both_languages(server):
    response = server.get("/id/organisation/cica", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response.headers
    text = " ".join(page(response).text)
    # CICA's official names (CICA Secretariat; the Indonesian MFA's kemlu-cica page)
    assert "Conference on Interaction and Confidence-Building Measures in Asia" in text
    assert "Konferensi Interaksi dan Langkah-Langkah Membangun Kepercayaan di Asia" in text


def test_html_links_internal_iris_to_this_server(server):
    links = page(server.get("/id/summit/cica-5.html"))
    assert "/id/organisation/cica" in links.hrefs
    assert "/id/place/dushanbe" in links.hrefs
    assert not any(href.startswith("https://w3id.org/kgbuild/id/") for href in links.hrefs)


def test_html_shows_sources_with_title_and_publisher(server):
    text = " ".join(page(server.get("/id/summit/cica-5.html")).text)
    # the 5th summit is sourced to the Tajik MFA's page on cooperation with CICA (issued 2022-05-04)
    assert "Cooperation between Tajikistan and Conference on Interaction" in text
    assert "Ministry of Foreign Affairs of the Republic of Tajikistan" in text
    assert "2022-05-04" in text


INDONESIAN_NAME = "Konferensi Interaksi dan Langkah-Langkah Membangun Kepercayaan di Asia"
ENGLISH_NAME = "Conference on Interaction and Confidence-Building Measures in Asia"


@pytest.mark.parametrize("how, expected, language", [
    ({"params": {"lang": "id"}}, INDONESIAN_NAME, "id"),
    ({"headers": {"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}}, INDONESIAN_NAME, "id"),
    ({"headers": {"Accept-Language": "en-GB"}}, ENGLISH_NAME, "en"),
    ({"headers": {"Accept-Language": "fr"}}, ENGLISH_NAME, "en"),
])
def test_labels_follow_the_language_asked_for(server, how, expected, language):
    headers = {"Accept": "text/html", **how.get("headers", {})}
    response = server.get("/id/organisation/cica", headers=headers, params=how.get("params"))
    heading = response.text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading == expected
    assert response.headers["Content-Language"] == language
    assert "Accept-Language" in response.headers["Vary"]


def test_rdf_labels_of_linked_things_follow_the_language(server):
    graph = rdflib.Graph().parse(data=server.get("/id/summit/cica-5.ttl", params={"lang": "id"}).content,
                                 format="turtle")
    assert (CICA, rdflib.RDFS.label, rdflib.Literal(INDONESIAN_NAME, lang="id")) in graph
    assert (CICA, rdflib.RDFS.label, rdflib.Literal(ENGLISH_NAME, lang="en")) not in graph


def test_every_response_carries_the_build_id_and_answers_304(server):
    build_id = json.loads((server.dist / "report.json").read_text())["build_id"]
    for path in ("/id/organisation/cica", "/id/organisation/cica.ttl", "/ontology", "/", "/dumps/kg.ttl",
                 "/.well-known/void", "/queries/"):
        first = server.get(path)
        assert build_id in first.headers["ETag"], path
        again = server.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path


def test_different_representations_have_different_etags(server):
    turtle = server.get("/id/organisation/cica", headers={"Accept": "text/turtle"})
    html = server.get("/id/organisation/cica", headers={"Accept": "text/html"})
    assert turtle.headers["ETag"] != html.headers["ETag"]
    stale = server.get(
        "/id/organisation/cica", headers={"Accept": "text/html", "If-None-Match": turtle.headers["ETag"]}
    )
    assert stale.status_code == 200


@pytest.mark.parametrize("path", ["/id/organisation/no-such-org", "/id/organisation/no-such-org.ttl",
                                  "/id/spaceship/cica"])
def test_unknown_iris_are_404_with_a_helpful_page(server, path):
    response = server.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "/id/" in response.text and ("organisation" in response.text)


def test_kind_index_lists_resources(server):
    links = page(server.get("/id/summit/"))
    assert "/id/summit/cica-5" in links.hrefs


@pytest.mark.parametrize("accept, suffix, rdflib_format", FORMATS)
def test_ontology_in_every_rdf_format(server, accept, suffix, rdflib_format):
    for response in (server.get("/ontology", headers={"Accept": accept}), server.get(f"/ontology.{suffix}")):
        assert response.headers["Content-Type"].startswith(accept)
        graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
        assert (KG.Summit, rdflib.RDFS.subClassOf, KG.Meeting) in graph


def test_ontology_html_documents_every_term(server):
    response = server.get("/ontology", headers={"Accept": "text/html"})
    text = " ".join(page(response).text)
    # from ontology/kgbuild.ttl, the ontology's source
    for expected in ("kg:Summit", "konferensi tingkat tinggi", "kg:organisedBy", "diselenggarakan oleh", "kg:Meeting",
                     "The organisation whose meeting this is."):
        assert expected in text
    assert 'id="Summit"' in response.text
