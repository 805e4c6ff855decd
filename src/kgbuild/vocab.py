"""Namespaces and IRI minting: the one place that knows how an IRI is made."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal as TypingLiteral, get_args

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from . import iris

DEFAULT_BASE = iris.DEFAULT_BASE

# The ontology namespace is part of the vocabulary contract and does not move with the base IRI:
# analysts' queries keep working against any deployment. The strings live in iris.py (no rdflib),
# which the query processes import; this module makes rdflib terms of them.
ONTOLOGY_IRI = URIRef(iris.ONTOLOGY)
KG_NS = iris.KG

ORG = Namespace(iris.ORG)
SCHEMA = Namespace(iris.SCHEMA)
PROV = Namespace(iris.PROV)
VOID = Namespace(iris.VOID)
SD = Namespace(iris.SD)

Kind = TypingLiteral[
    "organisation", "country", "membership", "summit", "meeting", "declaration", "component",
    "chairmanship", "document", "person", "place", "source", "claim",
    "name", "statement", "participation", "agenda-item", "decision", "initiative", "aim", "link",
]
KINDS: tuple[str, ...] = get_args(Kind)

GRAPH_NAMES = ("ontology", "facts", "inferred")
# the one slug rule (DESIGN.md §2): lower-case letters and digits in runs joined by single '-'
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class KG(DefinedNamespace):
    """The kg: terms; a misspelt term raises AttributeError instead of minting a bad IRI."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Organisation: URIRef
    Member: URIRef
    Country: URIRef
    Membership: URIRef
    MembershipStatus: URIRef
    Meeting: URIRef
    Summit: URIRef
    MinisterialMeeting: URIRef
    Document: URIRef
    Declaration: URIRef
    DeclarationComponent: URIRef
    Chairmanship: URIRef
    Person: URIRef
    Place: URIRef
    Source: URIRef
    Claim: URIRef
    DatePrecision: URIRef
    Name: URIRef
    Statement: URIRef
    Rank: URIRef
    Participation: URIRef
    AgendaItem: URIRef
    DocumentDecision: URIRef
    DecisionOutcome: URIRef
    Initiative: URIRef
    Aim: URIRef
    # individuals
    FullMember: URIRef
    Observer: URIRef
    Partner: URIRef
    Day: URIRef
    Month: URIRef
    Year: URIRef
    PreferredRank: URIRef
    NormalRank: URIRef
    DeprecatedRank: URIRef
    Adopted: URIRef
    Reviewed: URIRef
    ToBeAdopted: URIRef
    # properties
    organisation: URIRef
    member: URIRef
    status: URIRef
    memberOf: URIRef
    hasMember: URIRef
    startDate: URIRef
    endDate: URIRef
    startDatePrecision: URIRef
    endDatePrecision: URIRef
    organisedBy: URIRef
    ordinal: URIRef
    series: URIRef
    location: URIRef
    venue: URIRef
    country: URIRef
    theme: URIRef
    adoptedAt: URIRef
    adoptedOn: URIRef
    adoptedOnPrecision: URIRef
    issuedBy: URIRef
    hasComponent: URIRef
    componentOf: URIRef
    position: URIRef
    chairOf: URIRef
    chair: URIRef
    isoCode: URIRef
    foundingDate: URIRef
    foundingDatePrecision: URIRef
    role: URIRef
    mentionedIn: URIRef
    description: URIRef
    claimedValue: URIRef
    claimAbout: URIRef
    claimKind: URIRef
    claimStatus: URIRef
    asOf: URIRef
    attestedOn: URIRef
    attestedOnPrecision: URIRef
    claimComplete: URIRef
    claimMemberKind: URIRef
    # uncertain dates: the last day a date of month or year precision could mean
    latestStartDate: URIRef
    latestEndDate: URIRef
    latestAdoptedOn: URIRef
    latestFoundingDate: URIRef
    accessedOn: URIRef
    # names over time
    hasName: URIRef
    nameOf: URIRef
    nameKind: URIRef
    # ranked statements (disagreeing sources)
    hasStatement: URIRef
    statementAbout: URIRef
    statementProperty: URIRef
    statementValue: URIRef
    statementValuePrecision: URIRef
    rank: URIRef
    # what meetings did
    online: URIRef
    hasParticipation: URIRef
    participationIn: URIRef
    participant: URIRef
    participantGroup: URIRef
    participantRole: URIRef
    onBehalfOf: URIRef
    hasAgendaItem: URIRef
    agendaOf: URIRef
    about: URIRef
    hasDecision: URIRef
    decidedAt: URIRef
    decidedDocument: URIRef
    outcome: URIRef
    proposedBy: URIRef
    proposedAt: URIRef
    proposedOn: URIRef
    proposedOnPrecision: URIRef
    hasAim: URIRef
    priority: URIRef


def graph_iri(name: str, base: str = DEFAULT_BASE) -> URIRef:
    """Name one of the store's named graphs: 'ontology', 'facts' or 'inferred'."""
    if name not in GRAPH_NAMES:
        raise ValueError(f"unknown graph {name!r}; expected one of {', '.join(GRAPH_NAMES)}")
    return URIRef(f"{base}graph/{name}")


def resource_iri(kind: str, slug: str, base: str = DEFAULT_BASE) -> URIRef:
    """Mint the IRI of a resource, e.g. resource_iri('country', 'kz').

    >>> str(resource_iri('summit', 'cica-5'))
    'https://w3id.org/kgbuild/id/summit/cica-5'
    """
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(KINDS)}")
    return URIRef(f"{iris.resource_space(base)}{kind}/{slug}")


def wikidata_linkset_iri(base: str = DEFAULT_BASE) -> URIRef:
    """The VoID linkset of our owl:sameAs links to Wikidata, a subset of the dataset ({base}dataset)."""
    return URIRef(f"{base}dataset/wikidata-links")


def wikidata_dataset_iri(base: str = DEFAULT_BASE) -> URIRef:
    """Our VoID description of Wikidata, the target of the linkset."""
    return URIRef(f"{base}dataset/wikidata")


def release_iri(build_id: str, base: str = DEFAULT_BASE) -> URIRef:
    """Name one build (a release): the folder of its dumps, which the server serves and lists.

    >>> str(release_iri('5f0c2d9a1b3e4f60'))
    'https://w3id.org/kgbuild/dumps/5f0c2d9a1b3e4f60/'
    """
    return URIRef(f"{base}dumps/{build_id}/")


def split_resource_iri(iri: str, base: str = DEFAULT_BASE) -> tuple[str, str] | None:
    """Return (kind, slug) for an IRI minted by resource_iri, or None for any other IRI.

    >>> split_resource_iri("https://w3id.org/kgbuild/id/place/Nur Sultan") is None  # no slug: not ours
    True
    """
    prefix = iris.resource_space(base)
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix):].partition("/")
    if kind not in KINDS or not SLUG_PATTERN.fullmatch(slug):
        return None
    return kind, slug


PREFIXES: dict[str, str] = {
    "kg": iris.KG, "rdf": iris.RDF, "rdfs": iris.RDFS, "owl": iris.OWL, "xsd": iris.XSD, "skos": iris.SKOS,
    "dcterms": iris.DCTERMS, "prov": iris.PROV, "org": iris.ORG, "schema": iris.SCHEMA, "foaf": iris.FOAF,
    "void": iris.VOID, "sh": iris.SH,
}


def resource_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for the resource kinds (kgorg:, kgcountry: ...), for dumps and the query UI."""
    short = {"organisation": "kgorg", "country": "kgcountry"}
    return {short.get(kind, f"kg{kind}"): f"{iris.resource_space(base)}{kind}/" for kind in KINDS}


# Slug rules (DESIGN.md §2). The loader checks uniqueness with the same functions the mapper mints with.

def short_name(iri) -> str:
    """How messages name a resource or term: kind/slug for our resources, the local name for a term.

    >>> short_name("https://w3id.org/kgbuild/id/country/kz"), short_name("https://w3id.org/kgbuild/ontology#Member")
    ('country/kz', 'Member')
    """
    text = str(iri)
    if "/id/" in text:
        return text.split("/id/", 1)[1]
    return text.rsplit("#", 1)[1] if "#" in text else text


def meeting_slug(organisation: str, series: str, ordinal: int) -> str:
    """cica-5 for summits, cica-ministerial-6 for any other series."""
    return f"{organisation}-{ordinal}" if series == "summit" else f"{organisation}-{series}-{ordinal}"


def meeting_kind(series: str) -> str:
    return "summit" if series == "summit" else "meeting"


def membership_slug(organisation: str, member: str, status: str, several_statuses: bool) -> str:
    """cica-kz; cica-th-observer beside cica-th when one member held several statuses."""
    slug = f"{organisation}-{member}"
    return f"{slug}-{status}" if several_statuses and status != "full" else slug


def chairmanship_slug(organisation: str, chair: str, start_year: int) -> str:
    return f"{organisation}-{chair}-{start_year}"


def component_slug(document: str, position: int) -> str:
    return f"{document}-{position}"


def name_slug(owner_kind: str, owner: str, text: str) -> str:
    """place-astana-nur-sultan: one of a resource's other names, by the text of its first language.

    >>> name_slug("country", "cn", "Tiongkok")
    'country-cn-tiongkok'
    """
    return f"{owner_kind}-{owner}-{slugify(text)}"


def statement_slug(subject_kind: str, subject: str, key: str, index: int) -> str:
    """membership-cica-th-since-0: the preferred value (0) or the n-th alternative of one YAML key."""
    return f"{subject_kind}-{subject}-{slugify(key)}-{index}"


def slugify(text: str) -> str:
    """Lower-case letters and digits joined by '-' (accents dropped), for slugs made from names.

    >>> slugify("Türkiye's 'Nur-Sultan' (2019)")
    'turkiye-s-nur-sultan-2019'
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain)) or "x"


def link_slug(owner_kind: str, owner: str, target: str) -> str:
    """country-kz-wikidata: the statement that says where one resource's link out came from."""
    return f"{owner_kind}-{owner}-{target}"


def claim_slug(about: str, count: str, status: str | None, member_kind: str | None, as_of: str | None) -> str:
    """cica-members-full-country-2021-10-07, asean-culture-of-prevention-components."""
    return "-".join(part for part in (about, count, status, member_kind, as_of) if part)
