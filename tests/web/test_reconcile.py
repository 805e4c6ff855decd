"""/reconcile, the W3C Entity Reconciliation API 0.2, over the real server: every kind of response held to
the specification (tests/web/data/reconcile-schemas/, written from its text), CORS, limits, and what the
answers say about the curated facts."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from werkzeug.serving import make_server

from kgbuild.web import create_app

from .conftest import START_DEADLINE, Server, free_port
from .test_linkeddata import Links

SCHEMAS = Path(__file__).parent / "data" / "reconcile-schemas"
BASE = "https://w3id.org/kgbuild/"
KG = BASE + "ontology#"


def _registry() -> Registry:
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text("utf-8"))))
                 for path in SCHEMAS.glob("*.json")]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def valid(document: object, schema: str) -> object:
    """document, after checking it against one of the specification's shapes (fails the test otherwise)."""
    validator = Draft202012Validator(REGISTRY.contents(schema), registry=REGISTRY)
    problems = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not problems, "\n".join(f"{list(p.absolute_path)}: {p.message}" for p in problems)
    return document


def reconcile(server: Server, queries: dict, method: str = "POST") -> dict:
    """Send a batch as OpenRefine does (a form field `queries`), or as a GET parameter."""
    if method == "POST":
        response = server.post("/reconcile", data={"queries": json.dumps(queries)})
    else:
        response = server.get("/reconcile", params={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return valid(response.json(), "result-batch.json")


def top(result: dict, key: str = "q0") -> dict:
    candidates = result[key]["result"]
    assert candidates, f"no candidate for {key}"
    return candidates[0]


@pytest.fixture(scope="module")
def manifest(server) -> dict:
    response = server.get("/reconcile")
    assert response.status_code == 200
    return valid(response.json(), "manifest.json")


# --- the manifest ----------------------------------------------------------------------------------------

def test_manifest_speaks_version_0_2_in_our_id_and_schema_spaces(manifest):
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == BASE + "id/"  # DESIGN.md §2: resources are {base}id/{kind}/{slug}
    assert manifest["schemaSpace"] == KG


def test_manifest_offers_our_classes_as_default_types(manifest):
    types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    assert {"Country", "Organisation", "Place"} <= set(types)
    assert types["Country"] == "Country"


def test_identifier_space_plus_an_id_is_the_resource_iri(server):
    found = top(reconcile(server, {"q0": {"query": "Kazakhstan", "type": "Country"}}))
    assert BASE + "id/" + found["id"] == BASE + "id/country/kz"  # ISO 3166-1 alpha-2 slug (DESIGN.md §2)


def test_view_template_leads_to_the_resource_page(server, manifest):
    # clients put the id in percent-encoded as a URI component (the specification says they must)
    url = manifest["view"]["url"].replace("{{id}}", quote("country/kz", safe=""))
    response = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    assert "Kazakhstan" in text_of(response.text)


def test_every_advertised_service_answers(server, manifest):
    root = urlsplit(server.root)
    services = [*manifest["suggest"].values(), manifest["extend"]["propose_properties"]]
    for service in services:
        url = service["service_url"] + service["service_path"]
        assert urlsplit(url).netloc == root.netloc
        response = requests.get(url, params={"prefix": "ka", "type": "Country"}, timeout=30)
        assert response.status_code == 200, url


# --- CORS on every endpoint ----------------------------------------------------------------------------

ENDPOINTS = [
    ("GET", "/reconcile", {}),
    ("GET", "/reconcile", {"queries": json.dumps({"q0": {"query": "Kazakhstan"}})}),
    ("POST", "/reconcile", {"queries": json.dumps({"q0": {"query": "Kazakhstan"}})}),
    ("POST", "/reconcile", {"extend": json.dumps({"ids": ["country/kz"], "properties": [{"id": "isoCode"}]})}),
    ("GET", "/reconcile/suggest/entity", {"prefix": "Kaz"}),
    ("GET", "/reconcile/suggest/type", {"prefix": "Cou"}),
    ("GET", "/reconcile/suggest/property", {"prefix": "iso"}),
    ("GET", "/reconcile/extend/propose", {"type": "Country"}),
    ("GET", "/reconcile/preview", {"id": "country/kz"}),
    ("POST", "/reconcile", {"queries": "not json"}),  # errors too
]


@pytest.mark.parametrize("method, path, fields", ENDPOINTS)
def test_every_response_allows_any_origin(server, method, path, fields):
    headers = {"Origin": "https://openrefine.example"}
    if method == "GET":
        response = server.get(path, params=fields, headers=headers)
    else:
        response = server.post(path, data=fields, headers=headers)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/reconcile", "/reconcile/suggest/entity", "/reconcile/extend/propose",
                                  "/reconcile/preview"])
def test_preflight_allows_a_cross_origin_post(server, path):
    response = requests.options(server.url(path), timeout=30, headers={
        "Origin": "https://openrefine.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


# --- reconciliation queries -------------------------------------------------------------------------------

def test_get_and_post_give_the_same_answer(server):
    batch = {"q0": {"query": "Tiongkok", "type": "Country"}, "q1": {"query": "Mesir"}}
    assert reconcile(server, batch, "GET") == reconcile(server, batch, "POST")


def test_every_query_key_gets_its_result(server):
    batch = {"alpha": {"query": "Kazakhstan"}, "beta": {"query": "Atlantis", "type": "Country"},
             "gamma": {"query": "Rusia", "type": ["Country"]}}
    result = reconcile(server, batch)
    assert set(result) == {"alpha", "beta", "gamma"}
    assert top(result, "gamma")["id"] == "country/ru"  # Rusia: Indonesian for Russia


def test_candidates_come_best_first(server):
    result = reconcile(server, {"q0": {"query": "Republik", "limit": 20}})
    scores = [candidate["score"] for candidate in result["q0"]["result"]]
    assert len(scores) > 1
    assert scores == sorted(scores, reverse=True)


def test_an_exact_unique_name_is_a_match(server):
    found = top(reconcile(server, {"q0": {"query": "Kazakhstan", "type": "Country"}}))
    assert (found["id"], found["match"]) == ("country/kz", True)
    assert {"id": "Country", "name": "Country"} in found["type"]


def test_a_misspelling_finds_the_country_but_is_no_certain_match(server):
    found = top(reconcile(server, {"q0": {"query": "Kazakstan", "type": "Country"}}))
    assert (found["id"], found["match"]) == ("country/kz", False)


def test_a_name_not_in_the_graph_matches_nothing(server):
    result = reconcile(server, {"q0": {"query": "Atlantis", "type": "Country"}})
    assert not any(candidate["match"] for candidate in result["q0"]["result"])


def test_type_filters_candidates_by_class(server):
    as_place = reconcile(server, {"q0": {"query": "Astana", "type": "Place"}})
    as_country = reconcile(server, {"q0": {"query": "Astana", "type": "Country"}})
    assert top(as_place)["id"] == "place/astana"
    assert all(not c["id"].startswith("place/") for c in as_country["q0"]["result"])


def test_type_strict_all_asks_for_every_listed_type(server):
    # CICA is an organisation, not a country: one of the two types, not both
    either = reconcile(server, {"q0": {"query": "CICA", "type": ["Country", "Organisation"]}})
    assert top(either)["id"] == "organisation/cica"
    both = reconcile(server, {"q0": {"query": "CICA", "type": ["Country", "Organisation"], "type_strict": "all"}})
    assert both["q0"]["result"] == []
    summits = reconcile(server, {"q0": {"query": "CICA", "type": ["Summit", "Meeting"], "type_strict": "all"}})
    assert summits["q0"]["result"] and all(c["id"].startswith("summit/") for c in summits["q0"]["result"])


def test_a_type_by_its_iri_is_the_same_type(server):
    by_name = reconcile(server, {"q0": {"query": "Almaty", "type": "Place"}})
    by_iri = reconcile(server, {"q0": {"query": "Almaty", "type": KG + "Place"}})
    assert by_name == by_iri


def test_limit_caps_the_candidates(server):
    result = reconcile(server, {"q0": {"query": "Republik", "limit": 2}})
    assert len(result["q0"]["result"]) == 2


def test_an_iso_code_confirms_a_candidate(server):
    plain = top(reconcile(server, {"q0": {"query": "Kazakstan", "type": "Country"}}))
    confirmed = top(reconcile(server, {"q0": {"query": "Kazakstan", "type": "Country",
                                              "properties": [{"pid": "isoCode", "v": "KZ"}]}}))
    assert confirmed["id"] == "country/kz"
    assert confirmed["score"] > plain["score"]
    assert {"id": "property:isoCode", "value": True} in confirmed["features"]


def test_a_wikidata_id_confirms_a_candidate(server):
    found = top(reconcile(server, {"q0": {"query": "Kazakstan", "properties": [{"pid": "wikidata", "v": "Q232"}]}}))
    assert found["id"] == "country/kz"
    assert {"id": "property:wikidata", "value": True} in found["features"]


def test_a_contradicting_iso_code_takes_the_match_away(server):
    found = top(reconcile(server, {"q0": {"query": "Kazakhstan", "type": "Country",
                                          "properties": [{"pid": "isoCode", "v": "UZ"}]}}))
    assert found["match"] is False
    assert {"id": "property:isoCode", "value": False} in found["features"]


def test_a_name_two_resources_share_is_no_match(server):
    # two sources carry CICA's full English name as their title (facts/sources.yaml: kemlu-cica, pilac-2015-02)
    name = "Conference on Interaction and Confidence Building Measures in Asia (CICA)"
    result = reconcile(server, {"q0": {"query": name, "type": "Source"}})
    assert {"source/kemlu-cica", "source/pilac-2015-02"} <= {c["id"] for c in result["q0"]["result"]}
    assert not any(candidate["match"] for candidate in result["q0"]["result"])


def test_a_namesake_past_the_limit_still_takes_the_match_away(server):
    name = "Conference on Interaction and Confidence Building Measures in Asia (CICA)"
    result = reconcile(server, {"q0": {"query": name, "type": "Source", "limit": 1}})
    assert [c["match"] for c in result["q0"]["result"]] == [False]


def test_a_source_titled_like_a_country_does_not_stand_in_its_way(server):
    # the Indonesian embassy's page on Laos is titled "Laos" (facts/sources.yaml): a record, not a thing
    result = reconcile(server, {"q0": {"query": "Laos"}})
    assert (top(result)["id"], top(result)["match"]) == ("country/la", True)
    assert not any(c["id"].startswith("source/") for c in result["q0"]["result"])
    as_source = reconcile(server, {"q0": {"query": "Laos", "type": "Source"}})
    assert "source/kemlu-vientiane-laos" in {c["id"] for c in as_source["q0"]["result"]}


def test_an_iso_code_confirms_a_namesake_free_match(server):
    found = top(reconcile(server, {"q0": {"query": "Laos", "properties": [{"pid": "isoCode", "v": "LA"}]}}))
    assert (found["id"], found["match"]) == ("country/la", True)  # LA: Laos in ISO 3166-1


def test_a_possessive_finds_its_owner_first_but_is_no_certain_match(server):
    found = top(reconcile(server, {"q0": {"query": "Kazakhstan’s", "limit": 3}}))
    assert (found["id"], found["match"]) == ("country/kz", False)


@pytest.mark.parametrize("empty", ["", "  ", []])
def test_an_empty_property_value_neither_agrees_nor_disagrees(server, empty):
    plain = top(reconcile(server, {"q0": {"query": "Kazakhstan", "type": "Country"}}))
    with_blank = top(reconcile(server, {"q0": {"query": "Kazakhstan", "type": "Country",
                                               "properties": [{"pid": "isoCode", "v": empty}]}}))
    assert (with_blank["id"], with_blank["match"], with_blank["score"]) == ("country/kz", True, plain["score"])


@pytest.mark.parametrize("repeats", [2, 45])
def test_a_query_repeating_a_name_scores_within_0_to_100(server, repeats):
    result = reconcile(server, {"q0": {"query": " ".join(["Kazakhstan"] * repeats), "limit": 20}})
    assert "country/kz" in {c["id"] for c in result["q0"]["result"]}
    assert all(0 <= c["score"] <= 100 for c in result["q0"]["result"])


def test_a_name_property_is_compared_as_names_are(server):
    found = top(reconcile(server, {"q0": {"query": "Turki", "type": "Country",
                                          "properties": [{"pid": "label@en", "v": "TURKIYE"}]}}))
    assert {"id": "property:label@en", "value": True} in found["features"]  # Türkiye, its name in ISO 3166


def test_a_date_agrees_at_the_precision_the_sources_give(server):
    # Kuwait joined CICA at the 2022 summit (Kazinform, 13 October 2022: "Kuwait joins CICA as 28th member state")
    found = top(reconcile(server, {"q0": {"query": "Kuwait", "type": "Country",
                                          "properties": [{"pid": "memberSince:cica", "v": "2022"}]}}))
    assert {"id": "property:memberSince:cica", "value": True} in found["features"]
    earlier = top(reconcile(server, {"q0": {"query": "Kuwait", "type": "Country",
                                            "properties": [{"pid": "memberSince:cica", "v": "1999-09-14"}]}}))
    assert {"id": "property:memberSince:cica", "value": False} in earlier["features"]


def test_an_iso_code_alone_finds_its_country(server):
    found = top(reconcile(server, {"q0": {"type": "Country", "properties": [{"pid": "isoCode", "v": "EG"}]}}))
    assert (found["id"], found["match"]) == ("country/eg", True)  # EG: Egypt in ISO 3166-1


def test_an_entity_id_as_query_gives_that_entity(server):
    found = top(reconcile(server, {"q0": {"query": "country/kz"}}))
    assert (found["id"], found["match"]) == ("country/kz", True)


def test_an_entity_id_of_another_type_is_no_candidate(server):
    result = reconcile(server, {"q0": {"query": "country/kz", "type": "Organisation"}})
    assert "country/kz" not in {c["id"] for c in result["q0"]["result"]}


def test_an_entity_id_with_a_contradicting_property_is_no_match(server):
    # Kazakhstan's ISO 3166-1 code is KZ; FR is France's
    found = top(reconcile(server, {"q0": {"query": "country/kz", "properties": [{"pid": "isoCode", "v": "FR"}]}}))
    assert (found["id"], found["match"]) == ("country/kz", False)
    assert {"id": "property:isoCode", "value": False} in found["features"]


# ids no resource can have (a slug is lower-case letters, digits and '-'): each is no id, never a server error
NO_SLUG = ["place/Nur Sultan", "country/<kz>", 'country/"kz"', "country/kz}", "country/k\x00z"]


@pytest.mark.parametrize("identifier", NO_SLUG)
def test_an_id_no_slug_can_be_is_no_entity_in_a_batch(server, identifier):
    result = reconcile(server, {"q0": {"query": identifier}, "q1": {"query": "Kazakhstan", "type": "Country"}})
    assert top(result, "q1")["id"] == "country/kz"  # one such cell does not fail the batch
    assert identifier not in {c["id"] for c in result["q0"]["result"]}


@pytest.mark.parametrize("identifier", NO_SLUG)
def test_an_id_no_slug_can_be_gets_an_empty_row_and_no_preview(server, identifier):
    assert extend(server, [identifier, "country/kz"], ["isoCode"])["rows"][identifier] == {"isoCode": []}
    assert server.get("/reconcile/preview", params={"id": identifier}).status_code == 404


# --- what is refused, and how --------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, names", [
    ("queries", "not json", "queries= is not JSON"),
    ("queries", '["Kazakhstan"]', "JSON object"),
    ("queries", '{"q0": {"query": "Kazakhstan", "lang": "en"}}', "'lang'"),
    ("queries", '{"q0": {"query": "Kazakhstan", "limit": 0}}', "limit"),
    ("queries", '{"q0": {"query": "Kazakhstan", "limit": Infinity}}', "limit must be a positive integer"),
    ("queries", '{"q0": {"query": "Kazakhstan", "limit": NaN}}', "limit must be a positive integer"),
    ("queries", '{"q0": {"query": "Kazakhstan", "limit": 1e400}}', "limit must be a positive integer"),
    ("queries", '{"q0": {"query": ""}}', "non-empty query"),
    ("queries", '{"q0": {"query": "%s"}}' % ("Kazakhstan" * 100), "a name has at most"),
    ("queries", "[" * 100_000 + "]" * 100_000, "nested too deep"),
    ("queries", '{"q0": {"query": "Kazakhstan", "type": "Planet"}}', "no type 'Planet'"),
    ("queries", '{"q0": {"query": "Kazakhstan", "properties": [{"pid": "population", "v": "1"}]}}',
     "no property 'population'"),
    ("extend", "{", "extend= is not JSON"),
    ("extend", '{"ids": ["country/kz"]}', "ids and properties"),
    ("extend", '{"ids": ["country/kz"], "properties": [{"id": "population"}]}', "'population'"),
])
def test_a_malformed_request_is_a_400_naming_the_fault(server, field, value, names):
    response = server.post("/reconcile", data={field: value})
    assert response.status_code == 400
    assert names in response.text


def test_a_batch_over_the_batch_size_is_a_413(server, manifest):
    size = manifest["batchSize"]
    batch = {f"q{i}": {"query": "Kazakhstan"} for i in range(size + 1)}
    response = server.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 413
    assert f"batches of {size}" in response.text


def test_ten_thousand_queries_are_refused_and_the_server_stays_up(server):
    batch = {f"q{i}": {"query": f"Kazakhstan {i}"} for i in range(10_000)}
    response = server.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 413
    assert top(reconcile(server, {"q0": {"query": "Mesir"}}))["id"] == "country/eg"


def test_a_body_over_the_request_size_limit_is_a_413(server):
    response = server.post("/reconcile", data={"queries": "x" * 2_000_000})
    assert response.status_code == 413


@pytest.fixture(scope="module")
def spent_server(sample_dist):
    """The app with no query-seconds for any client: every query batch is over the per-client limit."""
    app = create_app(sample_dist, {"KGBUILD_CLIENT_QUERY_SECONDS": 0.0})
    port = free_port()
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    root = f"http://127.0.0.1:{port}"
    try:
        wait_for_manifest(root)  # wait_until_ready asks /sparql, which this server refuses
        yield Server(root, sample_dist)
    finally:
        http.shutdown()
        thread.join(timeout=10)


def wait_for_manifest(root: str) -> None:
    started = time.monotonic()
    while time.monotonic() - started < START_DEADLINE:
        try:
            if requests.get(root + "/reconcile", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.05)
    raise RuntimeError(f"server at {root} did not answer within {START_DEADLINE} s")


@pytest.mark.parametrize("fields", [{"queries": json.dumps({"q0": {"query": "Kazakhstan"}})},
                                    {"extend": json.dumps({"ids": ["country/kz"], "properties": [{"id": "isoCode"}]})}])
def test_the_per_client_limits_of_sparql_hold_for_reconcile(spent_server, fields):
    response = spent_server.post("/reconcile", data=fields)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


# --- suggest --------------------------------------------------------------------------------------------

def suggest(server: Server, kind: str, prefix: str, **params) -> list[dict]:
    response = server.get(f"/reconcile/suggest/{kind}", params={"prefix": prefix, **params})
    assert response.status_code == 200
    schema = {"entity": "suggest-entities.json", "type": "suggest-types.json", "property": "suggest-properties.json"}
    return valid(response.json(), schema[kind])["result"]


def test_entity_suggest_completes_a_prefix(server):
    found = suggest(server, "entity", "Kazakh")
    assert "country/kz" in [entry["id"] for entry in found]
    kazakhstan = next(entry for entry in found if entry["id"] == "country/kz")
    assert kazakhstan["name"] == "Kazakhstan"
    assert {"id": "Country", "name": "Country"} in kazakhstan["notable"]


def test_entity_suggest_keeps_to_a_type(server):
    found = suggest(server, "entity", "Kazakh", type="Country")
    assert [entry["id"] for entry in found] == ["country/kz"]


@pytest.mark.parametrize("cursor", ["-1", "two", "²", "9" * 5000])
def test_a_cursor_that_is_no_whole_number_is_a_400(server, cursor):
    response = server.get("/reconcile/suggest/entity", params={"prefix": "Kaz", "cursor": cursor})
    assert response.status_code == 400 and "cursor=" in response.text


def test_entity_suggest_finds_indonesian_names(server):
    assert "country/cn" in [entry["id"] for entry in suggest(server, "entity", "Tiong")]


def test_entity_suggest_pages_with_a_cursor(server):
    first = suggest(server, "entity", "Kazakh", limit=2)
    second = suggest(server, "entity", "Kazakh", limit=2, cursor=2)
    assert len(first) == 2 and second
    assert not {e["id"] for e in first} & {e["id"] for e in second}


def test_type_suggest_completes_class_names(server):
    found = suggest(server, "type", "coun")
    assert [entry["id"] for entry in found] == ["Country"]


def test_type_suggest_gives_the_broader_class(server):
    summit = next(entry for entry in suggest(server, "type", "summ") if entry["id"] == "Summit")
    assert [broader["id"] for broader in summit["broader"]] == ["Meeting"]  # kg:Summit ⊑ kg:Meeting (DESIGN.md §2)


def test_property_suggest_completes_property_names(server):
    assert "isoCode" in [entry["id"] for entry in suggest(server, "property", "iso")]
    assert "memberSince:cica" in [entry["id"] for entry in suggest(server, "property", "full member")]


# --- data extension --------------------------------------------------------------------------------------

def propose(server: Server, **params) -> dict:
    response = server.get("/reconcile/extend/propose", params=params)
    assert response.status_code == 200
    return valid(response.json(), "propose-response.json")


def extend(server: Server, ids: list[str], properties: list[str], method: str = "POST") -> dict:
    query = json.dumps({"ids": ids, "properties": [{"id": p} for p in properties]})
    if method == "POST":
        response = server.post("/reconcile", data={"extend": query})
    else:
        response = server.get("/reconcile", params={"extend": query})
    assert response.status_code == 200, response.text
    return valid(response.json(), "extend-response.json")


def test_proposals_for_countries_name_the_iso_code_and_cica_membership(server):
    proposed = propose(server, type="Country")
    assert proposed["type"] == "Country"
    ids = [p["id"] for p in proposed["properties"]]
    assert {"isoCode", "label@id", "status:cica", "memberSince:cica"} <= set(ids)


def test_proposals_keep_to_the_limit(server):
    proposed = propose(server, type="Country", limit=2)
    assert len(proposed["properties"]) == 2 and proposed["limit"] == 2


def test_proposals_for_an_unknown_type_are_a_400(server):
    response = server.get("/reconcile/extend/propose", params={"type": "Planet"})
    assert response.status_code == 400 and "no type 'Planet'" in response.text


def test_proposals_for_places_leave_out_the_iso_code(server):
    assert "isoCode" not in [p["id"] for p in propose(server, type="Place")["properties"]]


def test_extend_gives_kazakhstans_iso_code(server):
    answer = extend(server, ["country/kz"], ["isoCode"])
    assert answer["meta"] == [{"id": "isoCode", "name": "ISO code"}]
    assert answer["rows"]["country/kz"]["isoCode"] == [{"str": "KZ"}]  # ISO 3166-1 alpha-2


def test_extend_by_get_is_the_same(server):
    assert extend(server, ["country/kz"], ["isoCode"], "GET") == extend(server, ["country/kz"], ["isoCode"])


def test_extend_gives_the_day_kuwait_joined_cica(server):
    # Kazinform, 13 October 2022: the decision on Kuwait's accession was taken at the summit that day
    answer = extend(server, ["country/kw"], ["memberSince:cica", "memberSincePrecision:cica"])
    assert answer["rows"]["country/kw"] == {"memberSince:cica": [{"date": "2022-10-13T00:00:00Z"}],
                                            "memberSincePrecision:cica": [{"str": "day"}]}


def test_extend_gives_a_year_as_a_year(server):
    # China Daily, 20 May 2014: Bahrain and Cambodia joined CICA in 2011 (no day given)
    answer = extend(server, ["country/bh"], ["memberSince:cica", "memberSincePrecision:cica"])
    assert answer["rows"]["country/bh"] == {"memberSince:cica": [{"str": "2011"}],
                                            "memberSincePrecision:cica": [{"str": "year"}]}


def test_extend_gives_no_start_the_sources_do_not_give(server):
    # Kazakhstan founded CICA; the sources disagree on whether it was one of the 15 or 16 of 1999 (facts/cica.yaml)
    answer = extend(server, ["country/kz"], ["memberSince:cica"])
    assert answer["rows"]["country/kz"]["memberSince:cica"] == []


def test_extend_gives_the_status_in_an_organisation(server):
    # Kazakhstan a full member of CICA; Indonesia an observer (MINA, 7 October 2021); Egypt a member of CICA, not ASEAN
    answer = extend(server, ["country/kz", "country/id", "country/eg"], ["status:cica", "status:asean"])
    assert answer["rows"]["country/kz"]["status:cica"] == [{"str": "full member"}]
    assert answer["rows"]["country/id"]["status:cica"] == [{"str": "observer"}]
    assert answer["rows"]["country/eg"]["status:asean"] == []


def test_extend_gives_the_indonesian_name(server):
    answer = extend(server, ["country/eg", "country/cn"], ["label@id"])
    assert answer["rows"]["country/eg"]["label@id"] == [{"str": "Mesir"}]
    assert answer["rows"]["country/cn"]["label@id"] == [{"str": "Tiongkok"}]  # Presidential Decree 12/2014


def test_extend_gives_the_organisations_a_country_is_a_full_member_of(server):
    # Thailand: a founder of ASEAN (1967) and a full member of CICA since 2004 (CICA's second ministerial meeting)
    answer = extend(server, ["country/th"], ["memberOf"])
    assert answer["meta"] == [{"id": "memberOf", "name": "Full member of",
                               "type": {"id": "Organisation", "name": "Organisation"}}]
    assert {value["id"] for value in answer["rows"]["country/th"]["memberOf"]} == {"organisation/asean",
                                                                                   "organisation/cica"}
    assert all(value["name"] for value in answer["rows"]["country/th"]["memberOf"])


def test_a_membership_confirms_a_candidate_by_acronym(server):
    found = top(reconcile(server, {"q0": {"query": "Thailand", "properties": [{"pid": "memberOf", "v": "ASEAN"}]}}))
    assert {"id": "property:memberOf", "value": True} in found["features"]


def test_extend_gives_the_wikidata_id(server):
    answer = extend(server, ["country/kz", "organisation/cica"], ["wikidata"])
    assert answer["rows"]["country/kz"]["wikidata"] == [{"str": "Q232"}]  # Kazakhstan on Wikidata


def test_extend_has_a_row_for_an_id_that_names_nothing(server):
    answer = extend(server, ["country/zz"], ["isoCode"])
    assert answer["rows"] == {"country/zz": {"isoCode": []}}


# --- preview ---------------------------------------------------------------------------------------------

def text_of(html: str) -> str:
    shown = Links()
    shown.feed(html)
    return " ".join(" ".join(shown.text).split())


def test_preview_card_names_the_entity_its_type_and_facts(server, manifest):
    url = manifest["preview"]["url"].replace("{{id}}", quote("country/kz", safe=""))
    response = requests.get(url, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    card = Links()
    card.feed(response.text)
    shown = text_of(response.text)
    assert "Kazakhstan" in shown and "Country" in shown
    assert "KZ" in shown  # ISO 3166-1 alpha-2
    assert any(urlsplit(href).path == "/id/country/kz" for href in card.hrefs)


def test_preview_card_may_be_framed_by_another_application(server):
    policy = server.get("/reconcile/preview", params={"id": "country/kz"}).headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy


def test_preview_card_in_indonesian(server):
    response = server.get("/reconcile/preview", params={"id": "country/eg", "lang": "id"})
    assert "Mesir" in text_of(response.text)


def test_preview_card_escapes_markup_in_labels(hostile_server):
    response = hostile_server.get("/reconcile/preview", params={"id": "organisation/evil"})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "<script>alert(1)</script> Evil Org" in text_of(response.text)  # shown as text, not run


def test_preview_of_an_unknown_id_is_a_404(server):
    assert server.get("/reconcile/preview", params={"id": "country/zz"}).status_code == 404
    assert server.get("/reconcile/preview").status_code == 400
