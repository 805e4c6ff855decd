"""Graph stage: write a build directory (store, dumps, VoID, report) aside, then switch dist/ to it atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .. import vocab
from ..config import build_time
from ..iris import resource_space
from ..search.schema import SCHEMA_VERSION as SEARCH_SCHEMA_VERSION
from ..vocab import VOID
from . import releases
from .dumps import finish_dumps, start_dumps
from .links import add_wikidata_linkset
from .ntriples import nt_triples
from .searchnames import write_search_index

DUMPS = {"kg.ttl": ox.RdfFormat.TURTLE, "kg.nt": ox.RdfFormat.N_TRIPLES}
QUAD_DUMPS = {"kg.nq": ox.RdfFormat.N_QUADS, "kg.trig": ox.RdfFormat.TRIG}


def builds_folder(out: Path) -> Path:
    """Where the build directories behind the dist/ link live: .dist.builds/ beside dist/."""
    return out.parent / f".{out.name}.builds"


@dataclass
class GraphText:
    """Named graphs as text: what the build id hashes, the stores load and the dumps come from.

    The N-Quads hold the graphs one after another, in the order they were given, each one's lines sorted
    (so kg.trig has one block per graph); the union's triples are sorted. Lines are sorted as str: code
    point order is UTF-8 byte order, so the bytes come out sorted too.
    """

    nquads: bytes  # every distinct quad, graph by graph, as N-Quads text
    triples: list[str]  # the union of the graphs: every distinct triple, sorted, as `s p o` (no final ` .`)
    sizes: dict[str, int]  # distinct triples per graph IRI

    def merged(self, other: GraphText) -> GraphText:
        """Both sets of graphs as one, other's graphs after self's (the union: a merge of two sorted runs)."""
        union = self.triples + other.triples
        union.sort()
        return GraphText(self.nquads + other.nquads, _distinct(union), {**self.sizes, **other.sizes})

    def ntriples(self, extra: Iterable[str] = ()) -> bytes:
        """The union as N-Triples text (kg.nt), with the `s p o` lines of extra put in their sorted places."""
        union = self.triples
        if extra:
            union = sorted([*union, *extra])  # a sorted run and a few lines: a merge
        return (" .\n".join(union) + " .\n").encode("utf-8") if union else b""


def graph_text(graphs: dict, base: str) -> GraphText:
    """The named graphs (rdflib graphs or lists of N-Triples term tuples) as text (DESIGN.md §6).

    The mapping gives a graph's triples nearly in order, so sorting a list of them is cheap (a set would
    shuffle them, and sorting the set cost seven times as much at a million triples).
    """
    chunks: list[str] = []
    union: list[str] = []
    sizes: dict[str, int] = {}
    for name, graph in graphs.items():
        iri = str(vocab.graph_iri(name, base))
        lines = [f"{s} {p} {o}" for s, p, o in (nt_triples(graph) if isinstance(graph, Graph) else graph)]
        lines.sort()
        lines = _distinct(lines)
        sizes[iri] = len(lines)
        if lines:
            ending = f" <{iri}> .\n"
            chunks.append(ending.join(lines) + ending)
        union += lines
    union.sort()  # one sorted run per graph: a merge
    return GraphText("".join(chunks).encode("utf-8"), _distinct(union), sizes)


def _distinct(lines: list[str]) -> list[str]:
    """A sorted list without its repeats (which are neighbours)."""
    return [line for line, before in zip(lines, [None, *lines], strict=False) if line != before]


def build_id_of(nquads: bytes, queries: dict[str, bytes] | None = None) -> str:
    """The content hash that names a build, 16 hex digits: sha256 of its N-Quads text (GraphText.nquads,
    without the last newline), then of each stored query's name and text, in name order.

    The queries count: a build reuses the folder of an earlier build with its id, queries/ included.
    So does the format of every artefact beside the store that a server refuses when it is of another
    version (the search index): a reused folder must never hold an index the server cannot read.
    """
    digest = hashlib.sha256(nquads.removesuffix(b"\n"))
    digest.update(b"\0search-index-format\0" + SEARCH_SCHEMA_VERSION.encode("ascii"))
    for name, text in sorted((queries or {}).items()):
        digest.update(b"\0" + name.encode("utf-8") + b"\0" + text)
    return digest.hexdigest()[:16]


def stored_queries(queries_dir: Path | None) -> dict[str, bytes]:
    """The .rq files a build copies into its queries/, by name."""
    if queries_dir is None or not Path(queries_dir).is_dir():
        return {}
    return {path.name: path.read_bytes() for path in sorted(Path(queries_dir).glob("*.rq"))}


def json_ld_context(ontology: Graph, base: str) -> dict:
    """Short keys for every kg: term, so kg.jsonld reads as plain JSON ("label", "memberOf", "startDate")."""
    context: dict[str, object] = {name: iri for name, iri in vocab.PREFIXES.items()}
    context["id"] = "@id"
    context["type"] = "@type"
    context["label"] = {"@id": "rdfs:label", "@container": "@language"}
    context["altLabel"] = {"@id": "skos:altLabel"}
    context["wasDerivedFrom"] = {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    properties = {*ontology.subjects(RDF.type, OWL.ObjectProperty), *ontology.subjects(RDF.type, OWL.DatatypeProperty)}
    for term in sorted(properties, key=str):  # by IRI: the kg: terms kept below are all IRIs
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
    void.add(
        (
            dataset,
            DCTERMS.title,
            Literal("kgbuild knowledge graph: CICA, ASEAN and their members, meetings and declarations", lang="en"),
        )
    )
    void.add((dataset, DCTERMS.identifier, Literal(build_id)))
    void.add((dataset, DCTERMS.modified, Literal(built_at, datatype=XSD.dateTime)))
    void.add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(f"{built_at[:10]}+{build_id}")))
    void.add((dataset, OWL.versionIRI, vocab.release_iri(build_id, base)))
    void.add((dataset, VOID.triples, Literal(counts["total"], datatype=XSD.integer)))
    void.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    void.add((dataset, VOID.uriSpace, Literal(resource_space(base))))
    void.add((dataset, VOID.vocabulary, URIRef(vocab.KG_NS)))
    for name in [*DUMPS, "kg.jsonld", *QUAD_DUMPS]:
        void.add((dataset, VOID.dataDump, URIRef(f"{base}dumps/{name}")))
    entities = next(_select(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s)) }"))["n"]
    void.add((dataset, VOID.entities, Literal(int(entities.value), datatype=XSD.integer)))
    rows = _select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    # partitions are blank nodes labelled by their order (ORDER BY), so void.ttl comes out the same every build
    for number, row in enumerate(rows):
        partition = BNode(f"class{number}")
        void.add((dataset, VOID.classPartition, partition))
        void.add((partition, VOID["class"], URIRef(row["c"].value)))
        void.add((partition, VOID.entities, Literal(int(row["n"].value), datatype=XSD.integer)))
    rows = _select(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    properties = 0
    for number, row in enumerate(rows):
        properties += 1
        partition = BNode(f"property{number}")
        void.add((dataset, VOID.propertyPartition, partition))
        void.add((partition, VOID.property, URIRef(row["p"].value)))
        void.add((partition, VOID.triples, Literal(int(row["n"].value), datatype=XSD.integer)))
    void.add((dataset, VOID.properties, Literal(properties, datatype=XSD.integer)))
    add_wikidata_linkset(void, store, dataset, base)
    return void


def _serialized(terms: list, rdf_format: ox.RdfFormat) -> bytes:
    """ox.serialize without an output: the bytes (typed bytes | None, for the call with an output)."""
    return cast(bytes, ox.serialize(terms, format=rdf_format))


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The solutions of a SELECT over the union of the graphs."""
    return cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))


def _class_counts(store: ox.Store) -> dict[str, int]:
    rows = _select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    return {row["c"].value: int(row["n"].value) for row in rows}


def write_build(graphs: dict[str, Graph], out: Path, base: str, ontology_dir: Path, queries_dir: Path | None,
                warnings: list[str], prefixes: dict[str, str], notes: releases.ReleaseNotes | None = None,
                check=None, text: GraphText | None = None, memory: ox.Store | None = None) -> dict:
    """Write every artefact into a fresh folder beside out/, then point out/ at it in one rename.

    graphs maps each graph name to an rdflib graph or a list of N-Triples term tuples; text, if given,
    is graph_text(graphs, base), and memory an in-memory store holding those quads (the build's SHACL
    store: its statistics are read from it rather than from a second copy). check, if given, is called
    once everything is written and before out/ moves: what it raises (the build's shape check, running
    meanwhile on another thread) fails the build as any other failure does.

    With notes, the build also keeps its facts (records.json) and its changelog against the build out/ held.

    A failure at any point leaves out/ exactly as it was. Returns the build report.
    """
    out = Path(out)
    builds = builds_folder(out)
    builds.mkdir(parents=True, exist_ok=True)
    work = builds / f"tmp-{uuid.uuid4().hex}"
    work.mkdir()
    try:
        text = text if text is not None else graph_text(graphs, base)
        report = _write_artefacts(
            graphs, text, memory, work, base, ontology_dir, queries_dir, warnings, prefixes, notes
        )
        if check is not None:
            check()
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


def _write_artefacts(graphs, text: GraphText, memory: ox.Store | None, work: Path, base: str, ontology_dir: Path,
                     queries_dir: Path | None, warnings: list[str], prefixes: dict[str, str],
                     notes: releases.ReleaseNotes | None) -> dict:
    """The store, the dumps, VoID, the report and the release notes. The slow parts run side by side:
    the on-disk bulk load on a thread (pyoxigraph lets go of the GIL), the derived dumps in a child
    process (dumps.py), records.json and the changelog in another (releases.ReleaseNotes), the counting here."""
    queries = stored_queries(queries_dir)
    store = ox.Store(str(work / "store"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(_bulk_load, store, text.nquads)  # first: the longest piece
        build_id = build_id_of(text.nquads, queries)
        built_at = build_time()[0].isoformat()
        version = releases.version_quads(base, build_id, built_at)  # added after the id is taken: see version_quads
        with open(work / "kg.nq", "wb") as nquads:
            nquads.write(text.nquads)
            nquads.write(_serialized(version, ox.RdfFormat.N_QUADS))
        version_triples = _serialized([quad.triple for quad in version], ox.RdfFormat.N_TRIPLES).decode("utf-8")
        (work / "kg.nt").write_bytes(text.ntriples([line.removesuffix(" .") for line in version_triples.splitlines()
                                                    if line]))
        ontology = graphs["ontology"] if isinstance(graphs["ontology"], Graph) else None
        context = json_ld_context(ontology if ontology is not None else Graph(), base)
        (work / "context.jsonld").write_text(json.dumps(context, indent=2, ensure_ascii=False), "utf-8")
        dumps = start_dumps(work, prefixes)
        try:
            shutil.copyfile(ontology_dir / "kgbuild.ttl", work / "ontology.ttl")
            if queries_dir is not None and queries_dir.is_dir():
                (work / "queries").mkdir()
                for name, query in queries.items():
                    (work / "queries" / name).write_bytes(query)
            counts = {
                "total": len(text.triples) + len(version),
                **{name: text.sizes.get(str(vocab.graph_iri(name, base)), 0) for name in graphs},
            }
            # statistics from an in-memory store: the on-disk one just bulk-loaded answers scans ~50x slower
            if memory is None:
                memory = ox.Store()
                load_in_memory(memory, (work / "kg.nq").read_bytes())
            else:
                memory.extend(version)
            void_description(memory, base, build_id, built_at, counts).serialize(work / "void.ttl", format="turtle")
            write_search_index(memory, work, base)
            report = {
                "build_id": build_id,
                "built_at": built_at,
                "version": f"{built_at[:10]}+{build_id}",
                "kgbuild": installed_version("kgbuild"),  # not kgbuild.__version__: the build imports no root
                "base_iri": base,
                "triples": counts,
                "classes": _class_counts(memory),
                "warnings": warnings,
            }
            (work / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
            if notes is not None:
                notes.finish(work, report)
            loading.result()
            store.extend(version)
        finally:
            finish_dumps(dumps)
    del store  # close it before the folder moves
    return report


def _bulk_load(store: ox.Store, nquads: bytes) -> None:
    """The on-disk store's load: strict, the one place every quad of the build is parsed with its IRIs and
    language tags checked (an invalid one fails the build, before dist/ moves). The in-memory store and
    the dumps read the same text leniently, which costs them a fifth to a half less."""
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()


def load_in_memory(store: ox.Store, nquads: bytes) -> None:
    """N-Quads text of this build into an in-memory store, leniently (the on-disk load checks it: _bulk_load)."""
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)


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
