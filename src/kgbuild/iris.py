"""IRIs as plain strings with no dependency: the namespaces we use and the terms code names outside the ontology.

vocab.py is the one place that mints our own IRIs (with rdflib); the web and the query processes,
and whatever must not load rdflib, take their IRIs from here. Spell an IRI here once, import it
everywhere else.

>>> RDF_TYPE
'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'
"""

DEFAULT_BASE = "https://w3id.org/kgbuild/"
# an empty graph, named to a remote store in place of graphs it does not hold: a urn, so nothing can fetch it
EMPTY_GRAPH = "urn:x-kgbuild:empty-graph"
# the ontology's namespace is part of the vocabulary contract: it does not move with the base IRI
ONTOLOGY = "https://w3id.org/kgbuild/ontology"
KG = ONTOLOGY + "#"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "http://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SH = "http://www.w3.org/ns/shacl#"
FORMATS = "http://www.w3.org/ns/formats/"  # W3C's names for media types (the service description's result formats)

RDF_TYPE = RDF + "type"
RDF_PROPERTY = RDF + "Property"
RDF_LANG_STRING = RDF + "langString"
RDF_JSON = RDF + "JSON"
# RDF reification: how a link out says which source gave it (kgbuild.graph.links)
RDF_STATEMENT = RDF + "Statement"
RDF_SUBJECT = RDF + "subject"
RDF_PREDICATE = RDF + "predicate"
RDF_OBJECT = RDF + "object"

RDFS_CLASS = RDFS + "Class"
RDFS_LABEL = RDFS + "label"
RDFS_COMMENT = RDFS + "comment"
RDFS_SEE_ALSO = RDFS + "seeAlso"
RDFS_SUB_CLASS_OF = RDFS + "subClassOf"
RDFS_SUB_PROPERTY_OF = RDFS + "subPropertyOf"
RDFS_DOMAIN = RDFS + "domain"
RDFS_RANGE = RDFS + "range"

OWL_CLASS = OWL + "Class"
OWL_OBJECT_PROPERTY = OWL + "ObjectProperty"
OWL_DATATYPE_PROPERTY = OWL + "DatatypeProperty"
OWL_ANNOTATION_PROPERTY = OWL + "AnnotationProperty"
OWL_NAMED_INDIVIDUAL = OWL + "NamedIndividual"
OWL_EQUIVALENT_CLASS = OWL + "equivalentClass"
OWL_INVERSE_OF = OWL + "inverseOf"
OWL_VERSION_INFO = OWL + "versionInfo"
OWL_VERSION_IRI = OWL + "versionIRI"
OWL_SAME_AS = OWL + "sameAs"

XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
XSD_DECIMAL = XSD + "decimal"
XSD_DATE = XSD + "date"
XSD_DATE_TIME = XSD + "dateTime"
XSD_G_YEAR = XSD + "gYear"

SKOS_PREF_LABEL = SKOS + "prefLabel"
SKOS_ALT_LABEL = SKOS + "altLabel"
SKOS_DEFINITION = SKOS + "definition"

DCTERMS_TITLE = DCTERMS + "title"
DCTERMS_PUBLISHER = DCTERMS + "publisher"
DCTERMS_ISSUED = DCTERMS + "issued"
DCTERMS_MODIFIED = DCTERMS + "modified"
DCTERMS_SOURCE = DCTERMS + "source"

PROV_WAS_DERIVED_FROM = PROV + "wasDerivedFrom"
SCHEMA_URL = SCHEMA + "url"
FOAF_PAGE = FOAF + "page"
DCAT_LANDING_PAGE = DCAT + "landingPage"

# Links out: Wikidata's entity IRIs (the concept URIs its RDF uses) and its public SPARQL endpoint.
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
WIKIDATA_HOME = "https://www.wikidata.org/"
WIKIDATA_PAGE = WIKIDATA_HOME + "wiki/"  # an entity's page for people: WIKIDATA_PAGE + "Q232"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"


def resource_space(base: str) -> str:
    """The namespace every resource of a build lives in: {base}id/{kind}/{slug} (DESIGN.md §2).

    >>> resource_space(DEFAULT_BASE)
    'https://w3id.org/kgbuild/id/'
    """
    return f"{base}id/"


def wikidata_entity(qid: str) -> str:
    """The IRI of a Wikidata entity, by its Q-id.

    >>> wikidata_entity("Q232")
    'http://www.wikidata.org/entity/Q232'
    """
    return WIKIDATA_ENTITY + qid
