"""Real SPARQL and RDF clients against the server: SPARQLWrapper, rdflib's SPARQLStore, Graph.parse(url)."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

KG = rdflib.Namespace("https://w3id.org/kgbuild/ontology#")
CICA = rdflib.URIRef("https://w3id.org/kgbuild/id/organisation/cica")
CICA_5 = rdflib.URIRef("https://w3id.org/kgbuild/id/summit/cica-5")
FIFTH_SUMMIT = """
PREFIX kg: <https://w3id.org/kgbuild/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?date ?city WHERE {
  ?summit a kg:Summit ; kg:organisedBy <https://w3id.org/kgbuild/id/organisation/cica> ;
          kg:ordinal 5 ; kg:startDate ?date ; kg:location/rdfs:label ?city FILTER (lang(?city) = "en")
}"""


def test_sparqlwrapper_select_as_json_finds_the_fifth_summit_in_dushanbe(server):
    # CICA's 5th summit met in Dushanbe on 15 June 2019 (CICA Secretariat)
    client = SPARQLWrapper(server.sparql)
    client.setQuery(FIFTH_SUMMIT)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [(r["date"]["value"][:7], r["city"]["value"]) for r in rows] == [("2019-06", "Dushanbe")]


def test_sparqlwrapper_post_and_xml(server):
    client = SPARQLWrapper(server.sparql)
    client.setMethod("POST")
    client.setQuery("ASK { ?s a <https://w3id.org/kgbuild/ontology#Summit> }")
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


def test_sparqlwrapper_csv(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(FIFTH_SUMMIT)
    client.setReturnFormat(CSV)
    text = client.query().convert().decode()
    assert text.splitlines()[0] == "date,city" and "Dushanbe" in text


def test_sparqlwrapper_construct_as_turtle(server):
    client = SPARQLWrapper(server.sparql)
    client.setQuery(f"CONSTRUCT {{ <{CICA_5}> ?p ?o }} WHERE {{ <{CICA_5}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert (CICA_5, KG.organisedBy, CICA) in graph


def test_rdflib_sparqlstore_queries_the_endpoint(server):
    graph = rdflib.Graph(store=SPARQLStore(server.sparql))
    chairs = {(str(row.name), str(row.start)[:7]) for row in graph.query("""
        PREFIX kg: <https://w3id.org/kgbuild/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?name ?start WHERE {
          ?c kg:chairOf <https://w3id.org/kgbuild/id/organisation/cica> ; kg:chair ?chair ; kg:startDate ?start .
          ?chair rdfs:label ?name FILTER (lang(?name) = "en") }""")}
    assert ("Kazakhstan", "2020-09") in chairs  # Kazakhstan chairs CICA from September 2020 (MINA, 2021-10-07)


def test_rdflib_follows_content_negotiation_for_a_resource(server):
    graph = rdflib.Graph().parse(server.url("/id/summit/cica-5"))
    assert (CICA_5, rdflib.RDF.type, KG.Summit) in graph
    assert (CICA_5, KG.organisedBy, CICA) in graph
    assert rdflib.Literal("2019-06-15", datatype=rdflib.XSD.date) in set(graph.objects(CICA_5, KG.startDate))


def test_rdflib_follows_content_negotiation_for_the_ontology(server):
    graph = rdflib.Graph().parse(server.url("/ontology"))
    assert (KG.Organisation, rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert (KG.Summit, rdflib.RDFS.subClassOf, KG.Meeting) in graph
