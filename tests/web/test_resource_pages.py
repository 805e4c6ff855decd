"""Resource pages beyond the sample: a resource many things point at, unknown and malformed IRIs, a new build."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
import requests

from kgbuild.web.render.describe import INCOMING_LIMIT

from .conftest import DATA, serve_in_thread
from .fixture_dist import write_dist

KG = rdflib.Namespace("https://w3id.org/kgbuild/ontology#")
ID = "https://w3id.org/kgbuild/id/"
CROWDED = rdflib.URIRef(f"{ID}country/zz")
MEMBERSHIPS = INCOMING_LIMIT + 50
HEADER = """@prefix kg: <https://w3id.org/kgbuild/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def crowded_trig() -> str:
    """A country that more memberships point at than a page lists."""
    lines = [f'<{CROWDED}> a kg:Country ; rdfs:label "Crowdland"@en , "Negeri Ramai"@id .']
    for number in range(MEMBERSHIPS):
        lines.append(f'<{ID}membership/org{number}-zz> a kg:Membership ; kg:member <{CROWDED}> ; '
                     f'kg:organisation <{ID}organisation/org{number}> ; kg:status kg:FullMember ; '
                     f'rdfs:label "Crowdland in organisation {number}"@en .')
    return HEADER + "<https://w3id.org/kgbuild/graph/facts> {\n" + "\n".join(lines) + "\n}\n"


def organisation_trig(name: str, summit_day: str) -> str:
    """One organisation whose name and first summit differ from build to build."""
    return HEADER + f"""<https://w3id.org/kgbuild/graph/facts> {{
  <{ID}organisation/moving> a kg:Organisation ; rdfs:label "{name}"@en .
  <{ID}summit/moving-1> a kg:Summit ; kg:organisedBy <{ID}organisation/moving> ; kg:ordinal 1 ;
      kg:startDate "{summit_day}"^^xsd:date ; kg:location <{ID}place/harbour> .
  <{ID}place/harbour> a kg:Place ; rdfs:label "Harbour Town"@en .
}}
"""


def write_build(folder: Path, trig: str) -> Path:
    """A dist/ symlink in folder pointing at a build of trig (a second call switches it to a new build)."""
    facts = folder / "facts.trig"
    facts.write_text(trig, "utf-8")
    return write_dist(folder / "dist", facts, DATA / "ontology.ttl", None)


@pytest.fixture(scope="module")
def crowded_server(tmp_path_factory):
    yield from serve_in_thread(write_build(tmp_path_factory.mktemp("crowded"), crowded_trig()))


class Page(HTMLParser):
    """The links of a page (href -> text) and its text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.text: list[str] = []
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            self.links[self._href] = self.links.get(self._href, "") + data


def referrers_section(html: str) -> str:
    start = html.index('<section class="referrers">')
    return html[start:html.index("</section>", start)]


def test_a_resource_many_things_point_at_lists_the_first_and_links_to_all(crowded_server):
    response = crowded_server.get("/id/country/zz", headers={"Accept": "text/html"})
    assert response.status_code == 200
    section = referrers_section(response.text)
    assert section.count("<tr>") == INCOMING_LIMIT
    page = Page(section)
    assert f"{INCOMING_LIMIT} of {MEMBERSHIPS} shown" in " ".join(" ".join(page.text).split())
    everything = next(href for href, text in page.links.items() if text.startswith(f"all {MEMBERSHIPS}"))
    assert everything.startswith("/sparql?query=")
    answer = crowded_server.get(everything, headers={"Accept": "application/sparql-results+json"})
    assert len(answer.json()["results"]["bindings"]) == MEMBERSHIPS


def test_turtle_of_a_crowded_resource_holds_the_first_links_with_labels(crowded_server):
    response = crowded_server.get("/id/country/zz.ttl")
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert "@prefix kg: <https://w3id.org/kgbuild/ontology#>" in response.text
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    members = set(graph.subjects(KG.member, CROWDED))
    assert len(members) == INCOMING_LIMIT
    assert all(graph.value(member, rdflib.RDFS.label) is not None for member in members)
    assert (CROWDED, rdflib.RDFS.label, rdflib.Literal("Crowdland", lang="en")) in graph
    # RDF cannot say "and more": the Link header names the query for all of them
    related = response.links["related"]
    assert str(MEMBERSHIPS) in related["title"]
    answer = crowded_server.get(related["url"], headers={"Accept": "application/sparql-results+json"})
    assert len(answer.json()["results"]["bindings"]) == MEMBERSHIPS


def test_a_head_request_answers_like_get_without_a_body(crowded_server):
    response = requests.head(crowded_server.url("/id/country/zz"), headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert response.content == b""


def test_an_unknown_resource_is_404_even_with_the_build_s_etag(server):
    etag = server.get("/id/organisation/cica.ttl").headers["ETag"]
    response = server.get("/id/organisation/no-such-org.ttl", headers={"If-None-Match": etag})
    assert response.status_code == 404
    assert server.get("/id/organisation/cica.ttl", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", ["/id/organisation/a%3Eb", "/id/organisation/a%20b", "/id/organisation/%7Bx%7D.ttl"])
def test_a_slug_that_makes_no_iri_is_404(server, path):
    assert server.get(path, headers={"Accept": "text/html"}).status_code == 404


def test_a_new_build_shows_its_own_labels_and_pictures(tmp_path):
    dist = write_build(tmp_path, organisation_trig("Old Name Organisation", "2001-05-01"))
    for running in serve_in_thread(dist):
        before = running.get("/id/organisation/moving", headers={"Accept": "text/html"})
        assert "Old Name Organisation" in before.text and "1st summit, Harbour Town, 2001-05-01" in before.text
        write_build(tmp_path, organisation_trig("New Name Organisation", "2005-09-09"))
        after = running.get("/id/organisation/moving", headers={"Accept": "text/html"})
        assert "New Name Organisation" in after.text and "Old Name Organisation" not in after.text
        assert "1st summit, Harbour Town, 2005-09-09" in after.text
        assert after.headers["ETag"] != before.headers["ETag"]
        turtle = rdflib.Graph().parse(data=running.get("/id/summit/moving-1.ttl").content, format="turtle")
        assert (rdflib.URIRef(f"{ID}organisation/moving"), rdflib.RDFS.label,
                rdflib.Literal("New Name Organisation", lang="en")) in turtle


def test_documents_kept_between_requests_still_follow_accept_and_language(crowded_server):
    """Pages are rendered once per build and kept: a kept page must never answer another variant."""
    for _ in range(2):  # the second round is answered from what the first one kept
        in_indonesian = crowded_server.get("/id/country/zz", headers={"Accept": "text/html", "Accept-Language": "id"})
        in_english = crowded_server.get("/id/country/zz", headers={"Accept": "text/html", "Accept-Language": "en"})
        assert "<title>Negeri Ramai" in in_indonesian.text and in_indonesian.headers["Content-Language"] == "id"
        assert "<title>Crowdland" in in_english.text and in_english.headers["Content-Language"] == "en"
        as_jsonld = crowded_server.get("/id/country/zz", headers={"Accept": "application/ld+json"})
        as_turtle = crowded_server.get("/id/country/zz", headers={"Accept": "text/turtle"})
        assert as_jsonld.headers["Content-Type"].startswith("application/ld+json")
        assert as_turtle.headers["Content-Type"].startswith("text/turtle")
        for response in (as_jsonld, as_turtle):
            assert 'rel="related"' in response.headers["Link"] and response.headers["Vary"] == "Accept, Accept-Language"
        assert as_jsonld.headers["ETag"] != as_turtle.headers["ETag"]
        assert crowded_server.get("/id/country/zz", headers={"Accept": "image/png"}).status_code == 406
        assert crowded_server.get("/id/country/nowhere", headers={"Accept": "image/png"}).status_code == 404


def test_a_meeting_page_names_its_city_as_it_was_called_then(server):
    # mina-2021-10-07: the 6th ministerial meeting, 11-12 October 2021, in Nur-Sultan; tass-2022-09-19: the
    # city was Nur-Sultan from 23 March 2019 until Astana came back on 19 September 2022
    html = server.get("/id/meeting/cica-ministerial-6", headers={"Accept": "text/html"}).text
    section = html[html.index('<section class="names-then">'):]
    section = section[:section.index("</section>")]
    assert "Astana" in section and "<strong>Nur-Sultan</strong> on 2021-10-11" in section
    # the 4th (Astana, 12 September 2012, kemlu-astana-2012-09) was held before the renaming
    assert (
        'class="names-then"' not in server.get("/id/meeting/cica-ministerial-4", headers={"Accept": "text/html"}).text
    )
