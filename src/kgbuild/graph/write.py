"""Graph stage: write a build directory (store, dumps, VoID, report) aside, then switch dist/ to it atomically."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import __version__, vocab
from ..vocab import VOID

DUMPS = {"kg.ttl": ox.RdfFormat.TURTLE, "kg.nt": ox.RdfFormat.N_TRIPLES}
QUAD_DUMPS = {"kg.nq": ox.RdfFormat.N_QUADS, "kg.trig": ox.RdfFormat.TRIG}
KEEP_BUILDS = 3


def builds_folder(out: Path) -> Path:
    """Where the build directories behind the dist/ link live: .dist.builds/ beside dist/."""
    return out.parent / f".{out.name}.builds"


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def _quads(graphs: dict[str, Graph], base: str):
    for name, graph in graphs.items():
        graph_node = ox.NamedNode(str(vocab.graph_iri(name, base)))
        for subject, predicate, value in graph:
            yield ox.Quad(_to_ox(subject), _to_ox(predicate), _to_ox(value), graph_node)


def build_id_of(nquads_path: Path) -> str:
    """The content hash that names a build: sha256 of its sorted N-Quads, 16 hex digits."""
    lines = sorted(nquads_path.read_bytes().splitlines())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()[:16]


def json_ld_context(ontology: Graph, base: str) -> dict:
    """Short keys for every kg: term, so kg.jsonld reads as plain JSON ("label", "memberOf", "startDate")."""
    context: dict[str, object] = {name: iri for name, iri in vocab.PREFIXES.items()}
    context["id"] = "@id"
    context["type"] = "@type"
    context["label"] = {"@id": "rdfs:label", "@container": "@language"}
    context["altLabel"] = {"@id": "skos:altLabel"}
    context["wasDerivedFrom"] = {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    for term in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))):
        if not str(term).startswith(vocab.KG_NS):
            continue
        name = str(term)[len(vocab.KG_NS):]
        entry: dict[str, object] = {"@id": f"kg:{name}"}
        if (term, RDF.type, OWL.ObjectProperty) in ontology:
            entry["@type"] = "@id"
        else:
            ranges = set(ontology.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#range")))
            if RDF.langString in ranges:
                entry["@container"] = "@language"
            elif len(ranges) == 1 and str(next(iter(ranges))).startswith(str(XSD)):
                entry["@type"] = str(next(iter(ranges)))
        context[name] = entry
    return {"@context": context}


def void_description(store: ox.Store, base: str, build_id: str, built_at: str, counts: dict) -> Graph:
    """VoID for the whole dataset: size, class and property partitions, dumps, endpoint, build id."""
    void = Graph()
    void.bind("void", VOID)
    void.bind("dcterms", DCTERMS)
    dataset = URIRef(f"{base}dataset")
    void.add((dataset, RDF.type, VOID.Dataset))
    void.add((dataset, DCTERMS.title, Literal("kgbuild knowledge graph: CICA, ASEAN and their members, meetings and declarations", lang="en")))
    void.add((dataset, DCTERMS.identifier, Literal(build_id)))
    void.add((dataset, DCTERMS.modified, Literal(built_at, datatype=XSD.dateTime)))
    void.add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(f"{built_at[:10]}+{build_id}")))
    void.add((dataset, VOID.triples, Literal(counts["total"], datatype=XSD.integer)))
    void.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    void.add((dataset, VOID.uriSpace, Literal(f"{base}id/")))
    void.add((dataset, VOID.vocabulary, URIRef(vocab.KG_NS)))
    for name in [*DUMPS, "kg.jsonld", *QUAD_DUMPS]:
        void.add((dataset, VOID.dataDump, URIRef(f"{base}dumps/{name}")))
    union = {"use_default_graph_as_union": True}
    entities = next(iter(store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }", **union)))["n"]
    void.add((dataset, VOID.entities, Literal(int(entities.value), datatype=XSD.integer)))
    rows = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c", **union)
    for row in rows:
        partition = BNode()
        void.add((dataset, VOID.classPartition, partition))
        void.add((partition, VOID["class"], URIRef(row["c"].value)))
        void.add((partition, VOID.entities, Literal(int(row["n"].value), datatype=XSD.integer)))
    rows = store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p", **union)
    properties = 0
    for row in rows:
        properties += 1
        partition = BNode()
        void.add((dataset, VOID.propertyPartition, partition))
        void.add((partition, VOID.property, URIRef(row["p"].value)))
        void.add((partition, VOID.triples, Literal(int(row["n"].value), datatype=XSD.integer)))
    void.add((dataset, VOID.properties, Literal(properties, datatype=XSD.integer)))
    return void


def _class_counts(store: ox.Store) -> dict[str, int]:
    rows = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
                       use_default_graph_as_union=True)
    return {row["c"].value: int(row["n"].value) for row in rows}


def write_build(graphs: dict[str, Graph], out: Path, base: str, ontology_dir: Path, queries_dir: Path | None,
                warnings: list[str], prefixes: dict[str, str]) -> dict:
    """Write every artefact into a fresh folder beside out/, then point out/ at it in one rename.

    A failure at any point leaves out/ exactly as it was. Returns the build report.
    """
    out = Path(out)
    builds = builds_folder(out)
    builds.mkdir(parents=True, exist_ok=True)
    work = builds / f"tmp-{uuid.uuid4().hex}"
    work.mkdir()
    try:
        report = _write_artefacts(graphs, work, base, ontology_dir, queries_dir, warnings, prefixes)
        final = builds / report["build_id"]
        if final.exists():  # the same content was built before: keep the old folder, it is identical
            shutil.rmtree(work)
            report = json.loads((final / "report.json").read_text("utf-8"))
        else:
            os.replace(work, final)
        _switch_link(out, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(builds, keep=final)
    return report


def _write_artefacts(graphs, work: Path, base: str, ontology_dir: Path, queries_dir: Path | None,
                     warnings: list[str], prefixes: dict[str, str]) -> dict:
    store = ox.Store(str(work / "store"))
    store.bulk_extend(_quads(graphs, base))
    store.flush()
    store.dump(str(work / "kg.nq"), ox.RdfFormat.N_QUADS)
    build_id = build_id_of(work / "kg.nq")
    built_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    union = {(q.subject, q.predicate, q.object) for q in store}
    triples = [ox.Triple(*triple) for triple in sorted(union, key=str)]
    for name, rdf_format in DUMPS.items():
        ox.serialize(triples, str(work / name), rdf_format, prefixes=prefixes if rdf_format is ox.RdfFormat.TURTLE else None)
    store.dump(str(work / "kg.trig"), ox.RdfFormat.TRIG, prefixes=prefixes)
    context = json_ld_context(graphs["ontology"], base)
    (work / "context.jsonld").write_text(json.dumps(context, indent=2, ensure_ascii=False), "utf-8")
    union_graph = Graph()
    union_graph.parse(work / "kg.nt", format="nt")
    union_graph.serialize(work / "kg.jsonld", format="json-ld", context=context["@context"], auto_compact=True)
    shutil.copyfile(ontology_dir / "kgbuild.ttl", work / "ontology.ttl")
    if queries_dir is not None and queries_dir.is_dir():
        (work / "queries").mkdir()
        for query in sorted(queries_dir.glob("*.rq")):
            shutil.copyfile(query, work / "queries" / query.name)
    counts = {"total": len(union), **{name: len(graph) for name, graph in graphs.items()}}
    void_description(store, base, build_id, built_at, counts).serialize(work / "void.ttl", format="turtle")
    for name in [*DUMPS, *QUAD_DUMPS, "kg.jsonld"]:
        with open(work / name, "rb") as plain, gzip.open(work / f"{name}.gz", "wb", compresslevel=6) as packed:
            shutil.copyfileobj(plain, packed)
    report = {
        "build_id": build_id,
        "built_at": built_at,
        "version": f"{built_at[:10]}+{build_id}",
        "kgbuild": __version__,
        "base_iri": base,
        "triples": counts,
        "classes": _class_counts(store),
        "warnings": warnings,
    }
    (work / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    del store  # close it before the folder moves
    return report


def _switch_link(out: Path, target: Path) -> None:
    """Point out at target with one atomic rename; a real folder at out is kept aside, never deleted."""
    if out.exists() and not out.is_symlink():
        os.replace(out, builds_folder(out) / f"previous-{uuid.uuid4().hex[:8]}")
    link = out.parent / f".{out.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(target, out.parent), link)
    os.replace(link, out)


def _prune(builds: Path, keep: Path) -> None:
    """Keep the newest few builds (a rollback is a link away); never the one in use."""
    finished = sorted((path for path in builds.iterdir() if path.is_dir() and not path.name.startswith("tmp-")),
                      key=lambda path: path.stat().st_mtime, reverse=True)
    for old in finished[KEEP_BUILDS:]:
        if old.resolve() != keep.resolve():
            shutil.rmtree(old, ignore_errors=True)
    hour_ago = time.time() - 3600
    for abandoned in builds.glob("tmp-*"):  # left by a build that was killed
        if abandoned.stat().st_mtime < hour_ago:
            shutil.rmtree(abandoned, ignore_errors=True)
