"""Graph stage: write a build directory (store, dumps, VoID, report) aside, then switch dist/ to it atomically."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import __version__, vocab
from ..vocab import VOID
from . import releases
from .jsonld import write_compact_json_ld
from .mapping import nt_triples

DUMPS = {"kg.ttl": ox.RdfFormat.TURTLE, "kg.nt": ox.RdfFormat.N_TRIPLES}
QUAD_DUMPS = {"kg.nq": ox.RdfFormat.N_QUADS, "kg.trig": ox.RdfFormat.TRIG}


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


def write_nquads(graphs: dict, path: Path, base: str) -> dict[str, int]:
    """Write the named graphs as N-Quads text (graphs of rdflib or of N-Triples term tuples); return
    how many lines each got. Text plus one bulk load is the fastest way into the store (DESIGN.md §6)."""
    written: dict[str, int] = {}
    with open(path, "w", encoding="utf-8") as out:
        for name, graph in graphs.items():
            graph_term = f" <{vocab.graph_iri(name, base)}> .\n"
            triples = nt_triples(graph) if isinstance(graph, Graph) else graph
            out.writelines(f"{s} {p} {o}{graph_term}" for s, p, o in triples)
            written[name] = len(triples)
    return written


def _graph_of(line: bytes) -> bytes:
    """The graph IRI of an N-Quads line of a named graph: its last term (no IRI holds ' <')."""
    return line[line.rindex(b" <") + 2:line.rindex(b">")]


def _graph_sizes(quads: list[bytes]) -> dict[str, int]:
    """How many distinct quads each named graph holds."""
    sizes: dict[str, int] = {}
    for line in quads:
        graph = _graph_of(line).decode("utf-8")
        sizes[graph] = sizes.get(graph, 0) + 1
    return sizes


def union_lines(nquads: Path) -> list[bytes]:
    """Every triple of every graph of an N-Quads file (named graphs only) once, as sorted N-Triples lines."""
    lines = {line[:line.rindex(b" <")] + b" ." for line in Path(nquads).read_bytes().splitlines() if line}
    return sorted(lines)


def _gzip(path: Path) -> None:
    # level 1: a tenth of level 6's time on a million triples, for dumps a few percent larger
    with open(path, "rb") as plain, gzip.open(f"{path}.gz", "wb", compresslevel=1) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)


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
    void.add((dataset, OWL.versionIRI, vocab.release_iri(build_id, base)))
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
                warnings: list[str], prefixes: dict[str, str], facts=None, check=None) -> dict:
    """Write every artefact into a fresh folder beside out/, then point out/ at it in one rename.

    graphs maps each graph name to an rdflib graph or a list of N-Triples term tuples. check, if
    given, is called with the loaded store before anything else is written; what it raises fails
    the build as any other failure does.

    With facts, the build also keeps them (records.json) and its changelog against the build out/ held.

    A failure at any point leaves out/ exactly as it was. Returns the build report.
    """
    out = Path(out)
    builds = builds_folder(out)
    builds.mkdir(parents=True, exist_ok=True)
    work = builds / f"tmp-{uuid.uuid4().hex}"
    work.mkdir()
    try:
        report = _write_artefacts(graphs, work, base, ontology_dir, queries_dir, warnings, prefixes, check)
        final = builds / report["build_id"]
        if final.exists():  # the same content was built before: keep the old folder, it is identical
            shutil.rmtree(work)
            report = json.loads((final / "report.json").read_text("utf-8"))
        else:
            releases.write_release_notes(work, facts, report, previous=out if out.exists() else None)
            os.replace(work, final)
        _switch_link(out, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(builds, keep=final)
    return report


def _write_artefacts(graphs, work: Path, base: str, ontology_dir: Path, queries_dir: Path | None,
                     warnings: list[str], prefixes: dict[str, str], check=None) -> dict:
    store = ox.Store(str(work / "store"))
    write_nquads(graphs, work / "input.nq", base)
    store.bulk_load(path=str(work / "input.nq"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    if check is not None:
        check(store)
    # the dumps come from the text just loaded, not from the store: reading a store back decodes every
    # term (~25 us a quad, half a minute for a million), parsing text is ten times faster
    quads = sorted(set((work / "input.nq").read_bytes().splitlines()) - {b""})
    (work / "input.nq").unlink()
    (work / "kg.nq").write_bytes(b"\n".join(quads) + b"\n")
    sizes = _graph_sizes(quads)
    del quads
    build_id = build_id_of(work / "kg.nq")
    built_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    releases.stamp_version(store, work / "kg.nq", base, build_id, built_at)
    union = union_lines(work / "kg.nq")
    (work / "kg.nt").write_bytes(b"\n".join(union) + b"\n")
    ox.serialize(ox.parse(path=str(work / "kg.nt"), format=ox.RdfFormat.N_TRIPLES), str(work / "kg.ttl"),
                 ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(ox.parse(path=str(work / "kg.nq"), format=ox.RdfFormat.N_QUADS), str(work / "kg.trig"),
                 ox.RdfFormat.TRIG, prefixes=prefixes)
    ontology = graphs["ontology"] if isinstance(graphs["ontology"], Graph) else None
    context = json_ld_context(ontology if ontology is not None else Graph(), base)
    (work / "context.jsonld").write_text(json.dumps(context, indent=2, ensure_ascii=False), "utf-8")
    write_compact_json_ld(work / "kg.nt", work / "kg.jsonld", context)
    shutil.copyfile(ontology_dir / "kgbuild.ttl", work / "ontology.ttl")
    if queries_dir is not None and queries_dir.is_dir():
        (work / "queries").mkdir()
        for query in sorted(queries_dir.glob("*.rq")):
            shutil.copyfile(query, work / "queries" / query.name)
    counts = {"total": len(union), **{name: sizes.get(str(vocab.graph_iri(name, base)), 0) for name in graphs}}
    # statistics from an in-memory copy: the on-disk store just bulk-loaded answers scans ~50x slower
    statistics = ox.Store()
    statistics.bulk_load(path=str(work / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    void_description(statistics, base, build_id, built_at, counts).serialize(work / "void.ttl", format="turtle")
    with ThreadPoolExecutor(max_workers=2) as pool:  # zlib lets go of the GIL: one dump per core
        list(pool.map(_gzip, [work / name for name in [*DUMPS, *QUAD_DUMPS, "kg.jsonld"]]))
    report = {
        "build_id": build_id,
        "built_at": built_at,
        "version": f"{built_at[:10]}+{build_id}",
        "kgbuild": __version__,
        "base_iri": base,
        "triples": counts,
        "classes": _class_counts(statistics),
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
    for old in finished[releases.builds_to_keep():]:
        if old.resolve() != keep.resolve():
            shutil.rmtree(old, ignore_errors=True)
    hour_ago = time.time() - 3600
    for abandoned in builds.glob("tmp-*"):  # left by a build that was killed
        if abandoned.stat().st_mtime < hour_ago:
            shutil.rmtree(abandoned, ignore_errors=True)
