"""Graph stage: releases — each build's version triples, its facts snapshot and changelog, and how many
builds are kept.

Every build folder under .dist.builds/ is a release: its report.json names it (build id, version),
records.json keeps the facts it was made from, and changes.json / changes.ttl say what changed since
the build dist/ pointed at before it (store/releases.py reads them). How many builds are kept is the
`keep_builds` setting.
"""

from __future__ import annotations

import errno
import json
import os
import traceback
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .. import vocab
from ..changes import ChangeSet, Snapshot, diff_snapshots, render_json, render_turtle
from ..changes.folder import CHANGES_JSON, CHANGES_TTL, RECORDS_FILE, read_snapshot
from ..config import settings
from ..facts import Facts
from .snapshot import snapshot_facts

OWL_VERSION_IRI = "http://www.w3.org/2002/07/owl#versionIRI"
DCTERMS_MODIFIED = "http://purl.org/dc/terms/modified"
XSD_DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def builds_to_keep() -> int:
    """How many builds to keep beside dist/ (the `keep_builds` setting; at least the one in use)."""
    return max(1, settings().keep_builds)


def version_quads(base: str, build_id: str, built_at: str) -> list[ox.Quad]:
    """owl:versionIRI and dcterms:modified of the ontology, in the ontology graph.

    The version IRI is this build's copy of the ontology (served at /dumps/{build id}/ontology.ttl).
    They are added after the build id is taken from the other quads: an id cannot be part of what it
    hashes, so the same facts keep the same id on every build.
    """
    graph = ox.NamedNode(str(vocab.graph_iri("ontology", base)))
    ontology = ox.NamedNode(str(vocab.ONTOLOGY_IRI))
    version = ox.NamedNode(f"{vocab.release_iri(build_id, base)}ontology.ttl")
    modified = ox.Literal(built_at, datatype=ox.NamedNode(XSD_DATE_TIME))
    return [ox.Quad(ontology, ox.NamedNode(OWL_VERSION_IRI), version, graph),
            ox.Quad(ontology, ox.NamedNode(DCTERMS_MODIFIED), modified, graph)]


class ReleaseNotes:
    """records.json (the facts of a build) and its changelog against the previous build, worked out by a
    forked child while the build goes on: they need only the facts, and take seconds at scale.

    The child snapshots the facts and diffs them with the previous build's, then waits for the build
    folder and report (its id is known only later, from the graph) and writes the files there.
    Without fork (not POSIX) the notes are worked out in finish(). Without a previous build, or one
    made before builds kept their facts, the changelog says so (`from` is null) and lists no changes.
    """

    def __init__(self, facts: Facts, previous: Path | None) -> None:
        self._facts, self._previous = facts, previous
        self._pid = 0
        if not hasattr(os, "fork"):
            return
        requests, self._requests = os.pipe()  # the build folder and report, down to the child
        self._answers, answers = os.pipe()  # "ok", or what went wrong, back up
        self._pid = os.fork()
        if self._pid == 0:  # the child: never returns into the build
            os.close(self._requests)
            os.close(self._answers)
            self._serve(requests, answers)
        os.close(requests)
        os.close(answers)

    def _serve(self, requests: int, answers: int) -> None:
        status = 1
        try:
            worked_out = self._work_out()
            request = _read_all(requests)
            if request:  # else the build failed before writing: nothing to do
                order = json.loads(request)
                self._write(Path(order["work"]), order["report"], *worked_out)
                os.write(answers, b"ok")
            status = 0
        except BaseException:  # reported to the build, which fails with it
            os.write(answers, traceback.format_exc().encode("utf-8")[-8000:])
        finally:
            os._exit(status)

    def _work_out(self) -> tuple[Snapshot, ChangeSet | None]:
        snapshot = snapshot_facts(self._facts, label="", folder_name=self._facts.folder.name)
        earlier = read_snapshot(self._previous) if self._previous is not None else None
        return snapshot, diff_snapshots(earlier, snapshot) if earlier is not None else None

    @staticmethod
    def _write(work: Path, report: dict[str, Any], snapshot: Snapshot, change_set: ChangeSet | None) -> None:
        snapshot.label = snapshot.version = report["version"]
        snapshot.build_id = report["build_id"]
        (work / RECORDS_FILE).write_text(snapshot.to_json(), "utf-8")
        if change_set is None:
            document: dict[str, Any] = {"from": None, "to": {"label": snapshot.label, "build_id": snapshot.build_id,
                                             "version": snapshot.version},
                        "counts": {}, "changes": [], "note": "no earlier build with recorded facts to compare with"}
            (work / CHANGES_JSON).write_text(json.dumps(document, indent=2) + "\n", "utf-8")
            return
        base = report.get("base_iri", vocab.DEFAULT_BASE)
        (work / CHANGES_JSON).write_text(render_json(change_set, base), "utf-8")
        (work / CHANGES_TTL).write_text(render_turtle(change_set, base), "utf-8")

    def finish(self, work: Path, report: dict[str, Any]) -> None:
        """Have the notes written into the build folder work; raise what went wrong writing them."""
        if not self._pid:
            self._write(work, report, *self._work_out())
            return
        os.write(self._requests, json.dumps({"work": str(work), "report": report}).encode("utf-8"))
        answer = self._end()
        if answer != b"ok":
            text = answer.decode("utf-8", "replace")
            if "No space left" in text:
                raise OSError(errno.ENOSPC, "No space left on device (writing the release notes)")
            raise RuntimeError(f"writing records.json and the changelog failed:\n{text}")

    def close(self) -> None:
        """Let the child go without notes (a failed build); safe to call after finish()."""
        if self._pid:
            self._end()

    def _end(self) -> bytes:
        """Close the request pipe (the child ends after its answer), read the answer, reap the child."""
        if self._requests < 0:
            return b""
        os.close(self._requests)
        self._requests = -1
        answer = _read_all(self._answers)
        os.close(self._answers)
        os.waitpid(self._pid, 0)
        return answer


def _read_all(descriptor: int) -> bytes:
    chunks = []
    while chunk := os.read(descriptor, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
