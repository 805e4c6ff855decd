"""Write a small dist/ of the builder's shape from hand-written TriG, for the web tests.

Stands in for `kgbuild build` until it lands (and for builds no real facts make, such as one whose
labels hold markup): the same files, graphs and report, made with pyoxigraph only.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

BASE = "https://w3id.org/kgbuild/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID_TTL = """@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{base}dataset> a void:Dataset ; dcterms:title "kgbuild test dataset"@en ;
    void:triples {total} ; void:classes {classes} ; void:properties {properties} ;
    void:sparqlEndpoint <{base}sparql> ; void:dataDump <{base}dumps/kg.ttl> .
"""


def write_dist(out: Path, facts_trig: Path, ontology_ttl: Path, queries: Path | None) -> Path:
    """Make out (a symlink) point at a finished build in .dist.builds/ beside it; return out."""
    dataset = ox.Dataset(ox.parse(path=str(facts_trig), format=ox.RdfFormat.TRIG))
    ontology_graph = ox.NamedNode(f"{BASE}graph/ontology")
    for triple in ox.parse(path=str(ontology_ttl), format=ox.RdfFormat.TURTLE):
        dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object, ontology_graph))
    nquads = ox.serialize(sorted(dataset, key=str), format=ox.RdfFormat.N_QUADS)
    build_id = hashlib.sha256(nquads).hexdigest()[:16]
    build = out.parent / ".dist.builds" / build_id
    if build.exists():
        shutil.rmtree(build)
    (build / "store").mkdir(parents=True)
    store = ox.Store(str(build / "store"))
    store.bulk_extend(dataset)
    store.flush()
    del store
    _write_dumps(build, dataset)
    shutil.copy(ontology_ttl, build / "ontology.ttl")
    (build / "queries").mkdir()
    for query in sorted(queries.glob("*.rq")) if queries else []:
        shutil.copy(query, build / "queries" / query.name)
    per_graph = Counter(quad.graph_name.value.rsplit("/", 1)[-1] for quad in dataset)
    classes = Counter(quad.object.value for quad in dataset
                      if quad.predicate.value == RDF_TYPE and quad.graph_name.value.endswith("/facts"))
    triples = {t for t in (ox.Triple(q.subject, q.predicate, q.object) for q in dataset)}
    report = {
        "build_id": build_id, "built_at": dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC).isoformat(),
        "base_iri": BASE, "version": "0.1.0-test",
        "triples": {"total": len(triples), "ontology": per_graph["ontology"], "facts": per_graph["facts"],
                    "inferred": per_graph["inferred"]},
        "classes": dict(classes), "warnings": [],
    }
    (build / "report.json").write_text(json.dumps(report, indent=2), "utf-8")
    (build / "void.ttl").write_text(VOID_TTL.format(
        base=BASE, total=len(triples), classes=len(classes),
        properties=len({t.predicate for t in triples})), "utf-8")
    link = out.parent / f".{out.name}.tmp-link"
    if link.is_symlink():
        link.unlink()
    os.symlink(os.path.relpath(build, out.parent), link)
    os.replace(link, out)  # the switch is atomic, as the builder's is
    return out


def _write_dumps(build: Path, dataset: ox.Dataset) -> None:
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in dataset))
    prefixes = {"kg": "https://w3id.org/kgbuild/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    outputs = {
        "kg.ttl": ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes),
        "kg.nt": ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
        "kg.jsonld": ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
        "kg.nq": ox.serialize(dataset, format=ox.RdfFormat.N_QUADS),
        "kg.trig": ox.serialize(dataset, format=ox.RdfFormat.TRIG, prefixes=prefixes),
    }
    for name, content in outputs.items():
        (build / name).write_bytes(content)
        (build / f"{name}.gz").write_bytes(gzip.compress(content, mtime=0))
    (build / "context.jsonld").write_text(json.dumps({"@context": prefixes}), "utf-8")
