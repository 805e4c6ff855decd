"""/search over the real server on loopback: any name of a resource finds it, as JSON or as a page.

Names from the sources: Astana was Nur-Sultan 2019-2022 (the MINA article of 7 October 2021 holds the
6th CICA ministerial meeting there), Indonesian says Tiongkok for China and Korea Selatan for the
Republic of Korea, and Turkey is Türkiye since the UN renamed it in 2022.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from kgbuild.iris import KG

ID = "https://w3id.org/kgbuild/id/"
JSON = {"Accept": "application/json"}


class Page(HTMLParser):
    """What a reader of a page sees of search: the forms that go to /search, and the result links."""

    def __init__(self) -> None:
        super().__init__()
        self.search_forms: list[dict] = []
        self.results: list[tuple[str, str]] = []  # (href, text)
        self._in_results = False
        self._link: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("action") == "/search":
            self.search_forms.append(attributes)
        elif tag == "ol" and "search-results" in (attributes.get("class") or ""):
            self._in_results = True
        elif tag == "a" and self._in_results:
            self._link, self._text = attributes.get("href"), ""

    def handle_data(self, data):
        if self._link is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.results.append((self._link, self._text))
            self._link = None
        elif tag == "ol":
            self._in_results = False


def page_of(response) -> Page:
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    parsed = Page()
    parsed.feed(response.text)
    return parsed


def found(server, q: str, **params) -> list[dict]:
    response = server.get("/search", params={"q": q, **params}, headers=JSON)
    assert response.status_code == 200, response.text
    return response.json()


def test_json_is_a_list_of_id_label_type_score(server):
    response = server.get("/search", params={"q": "Kazakhstan"}, headers=JSON)
    assert response.headers["Content-Type"].startswith("application/json")
    assert "Accept" in response.headers["Vary"]
    hits = response.json()
    assert hits and all({"id", "label", "type", "score"} <= set(hit) for hit in hits)
    assert all(isinstance(hit["score"], float) and 0 <= hit["score"] <= 100 for hit in hits)
    first = hits[0]
    assert (first["id"], first["label"], first["type"]) == (ID + "country/kz", "Kazakhstan", KG + "Country")


def test_format_json_overrides_accept(server):
    response = server.get("/search", params={"q": "ASEAN", "format": "json"}, headers={"Accept": "text/html"})
    assert response.json()[0]["id"] == ID + "organisation/asean"


@pytest.mark.parametrize(("query", "resource", "label"), [
    ("turkiye", "country/tr", "Türkiye"),
    ("Nur-Sultan", "place/astana", "Astana"),
    ("Tiongkok", "country/cn", "China"),
    ("Korea Selatan", "country/kr", "Republic of Korea"),
    ("Kazakstan", "country/kz", "Kazakhstan"),  # a typo
    ("Tiongok", "country/cn", "China"),  # a typo
])
def test_any_name_finds_the_resource_first(server, query, resource, label):
    hit = found(server, query)[0]
    assert (hit["id"], hit["label"]) == (ID + resource, label)


def test_a_prefix_gives_kazakhstan_first_among_countries(server):
    countries = [hit["id"] for hit in found(server, "Kaz") if hit["type"] == KG + "Country"]
    assert countries[0] == ID + "country/kz"


def test_the_type_filter_takes_a_local_name_or_an_iri(server):
    by_name = found(server, "Kazakhstan", type="Membership", limit=50)
    by_iri = found(server, "Kazakhstan", type=KG + "Membership", limit=50)
    assert by_name and by_name == by_iri
    assert {hit["type"] for hit in by_name} == {KG + "Membership"}


def test_the_language_filter_shows_labels_in_that_language(server):
    assert found(server, "Korea Selatan", lang="id")[0]["label"] == "Korea Selatan"
    assert ID + "country/cn" not in [hit["id"] for hit in found(server, "Tiongkok", lang="en")]


@pytest.mark.parametrize("limit", [1, 3])
def test_limit_caps_the_results(server, limit):
    assert len(found(server, "Kazakhstan", limit=limit)) == limit


@pytest.mark.parametrize(("params", "named"), [
    ({"limit": "0"}, "limit='0'"), ({"limit": "101"}, "limit='101'"), ({"limit": "ten"}, "limit='ten'"),
    ({"limit": "²"}, "limit='²'"),  # a digit to str.isdigit(), but no number to int()
    ({"lang": "fr"}, "lang='fr'"), ({"type": "Countyr"}, "type='Countyr'"), ({"format": "xml"}, "format='xml'"),
])
def test_a_bad_parameter_is_a_400_naming_it(server, params, named):
    response = server.get("/search", params={"q": "Kazakhstan", **params}, headers=JSON)
    assert response.status_code == 400 and named in response.text


def test_the_page_lists_results_linking_to_resource_pages(server):
    page = page_of(server.get("/search", params={"q": "Nur-Sultan"}))
    href, text = page.results[0]
    assert (href, text) == ("/id/place/astana", "Astana")
    assert server.get(href, headers={"Accept": "text/html"}).status_code == 200


def test_the_page_says_which_name_matched(server):
    assert "Astana</a>" in server.get("/search", params={"q": "Nur-Sultan"}).text
    assert "matched former name Nur-Sultan" in server.get("/search", params={"q": "Nur-Sultan"}).text


@pytest.mark.parametrize("path", ["/", "/id/country/kz", "/sparql", "/queries/", "/ontology", "/search"])
def test_every_page_has_a_search_box_in_its_header(server, path):
    response = server.get(path, headers={"Accept": "text/html"})
    assert page_of(response).search_forms


def test_the_landing_page_offers_a_search_box_of_its_own(server):
    assert len(page_of(server.get("/")).search_forms) == 2  # the header's and the page's


def test_a_build_without_a_search_index_answers_503_saying_why(handmade_server):
    response = handmade_server.get("/search", params={"q": "Kazakhstan"}, headers=JSON)
    assert response.status_code == 503 and "kgbuild build" in response.text


def test_the_503_keeps_the_server_s_folders_to_itself(handmade_server):
    response = handmade_server.get("/search", params={"q": "Kazakhstan"}, headers=JSON)
    assert response.status_code == 503
    assert "search.sqlite" not in response.text and ".dist" not in response.text and "/tmp" not in response.text


def test_the_type_filter_takes_a_kg_name_as_reconcile_does(server):
    assert [hit["id"] for hit in found(server, "Astana", type="kg:Place")][:1] == [ID + "place/astana"]
    assert all(hit["type"] == KG + "Country" for hit in found(server, "Republik", type="kg:Country"))


def test_a_possessive_finds_what_it_is_said_of_first(server):
    hits = found(server, "Kazakhstan's", limit=3)
    assert (hits[0]["id"], hits[0]["match"]) == (ID + "country/kz", "prefix")  # said of it; not its name


@pytest.mark.parametrize("repeats", [2, 45, 500])
def test_a_query_repeating_a_name_scores_within_0_to_100(server, repeats):
    hits = found(server, " ".join(["Kazakhstan"] * repeats)[:5000], limit=20)
    assert ID + "country/kz" in [hit["id"] for hit in hits]
    assert all(0 <= hit["score"] <= 100 for hit in hits)
    assert all(hit["score"] <= 90 for hit in hits if hit["match"] == "prefix")  # docs: a prefix scores 40-90


def test_a_new_build_s_names_are_found_once_dist_switches_to_it(tmp_path):
    from kgbuild.graph.build import build

    from ..conftest import ONTOLOGY, QUERIES, REAL_FACTS, SMALL_FACTS
    from .conftest import serve_in_thread

    out = tmp_path / "dist"
    build(SMALL_FACTS, out, ONTOLOGY, QUERIES)  # the small facts know no Astana (their place is Nur-Sultan)
    serving = serve_in_thread(out)
    server = next(serving)
    try:
        assert ID + "place/astana" not in [hit["id"] for hit in found(server, "Astana")]
        build(REAL_FACTS, out, ONTOLOGY, QUERIES)
        assert found(server, "Astana")[0]["id"] == ID + "place/astana"
    finally:
        serving.close()


def test_markup_in_the_query_comes_back_as_text(server):
    typed = '<script>alert("q")</script>'
    page = server.get("/search", params={"q": typed}).text
    assert typed not in page and "&lt;script&gt;alert(" in page
