"""Query runtime -> the representations an answer can take: media types, format= names, Oxigraph formats.

The query process serialises the answer, so it holds the table; which entry a request gets is decided
by the web worker's content negotiation (web/protocol/negotiation.py), which reads the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One representation we can send: its media type, its names for format= and its file suffix."""

    name: str
    media_type: str
    extension: str
    also_accepted: tuple[str, ...] = ()  # other media types a client may ask for this by
    rdf: ox.RdfFormat | None = field(default=None, compare=False)
    results: ox.QueryResultsFormat | None = field(default=None, compare=False)

    @property
    def content_type(self) -> str:
        text_like = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if text_like else self.media_type

    def names(self) -> tuple[str, ...]:
        return (self.name, self.extension, self.media_type, *self.also_accepted)


HTML = Format("html", "text/html", "html", ("application/xhtml+xml",))
JSON = Format("json", "application/json", "json")

RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", "srj", ("application/json",),
           results=ox.QueryResultsFormat.JSON),
    Format("xml", "application/sparql-results+xml", "srx", ("application/xml",),
           results=ox.QueryResultsFormat.XML),
    Format("csv", "text/csv", "csv", results=ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", results=ox.QueryResultsFormat.TSV),
)

GRAPH_FORMATS = (
    Format("turtle", "text/turtle", "ttl", ("application/x-turtle",), rdf=ox.RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", "nt", ("text/plain",), rdf=ox.RdfFormat.N_TRIPLES),
    Format("rdfxml", "application/rdf+xml", "rdf", ("application/xml",),
           rdf=ox.RdfFormat.RDF_XML),
    Format("jsonld", "application/ld+json", "jsonld", ("application/json",), rdf=ox.RdfFormat.JSON_LD),
)

# what a query process may answer with, by the kind of result: triples (CONSTRUCT, DESCRIBE) or solutions
ANSWER_FORMATS: dict[str, tuple[Format, ...]] = {
    "triples": (*GRAPH_FORMATS, HTML), "solutions": (*RESULT_FORMATS, HTML),
}


def format_named(offered: tuple[Format, ...], name: str) -> Format:
    """The offered format called name (names are unique within one offer)."""
    return next(candidate for candidate in offered if candidate.name == name)
