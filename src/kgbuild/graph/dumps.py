"""Graph stage: a build's derived dumps (Turtle, TriG, compacted JSON-LD, and a gzip of every dump),
written from its kg.nt and kg.nq by a child process.

Those files are read back leniently (no IRI or language-tag validation: half the cost of reading them):
the build wrote them itself, and the on-disk store's load parses every quad of them strictly
(write._bulk_load), failing the build before dist/ moves.

The child takes the other core while the build loads the store, counts for VoID and writes the
changelog. It is a process, not a thread: pyoxigraph's serialiser and the JSON-LD writer hold the GIL
(a serialiser on a thread beside busy Python ran thirty times slower than alone).
"""

from __future__ import annotations

import errno
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from ..config import build_time
from .jsonld import write_compact_json_ld

GZIPPED = ("kg.nt", "kg.nq", "kg.ttl", "kg.trig", "kg.jsonld")


def gzip_file(path: Path) -> None:
    """path.gz beside path; level 1: a tenth of level 6's time on a million triples, a few percent larger.

    The header's time is the build's (SOURCE_DATE_EPOCH when set), so the same build gives the same bytes.
    """
    mtime = int(build_time()[0].timestamp())
    with open(path, "rb") as plain, gzip.GzipFile(f"{path}.gz", "wb", compresslevel=1, mtime=mtime) as packed:
        shutil.copyfileobj(plain, packed, 1 << 20)


def write_dumps(work: Path, prefixes: dict[str, str]) -> None:
    """kg.ttl and kg.trig (with prefixes), kg.jsonld (with context.jsonld), and the .gz of each dump."""
    ox.serialize(ox.parse(path=str(work / "kg.nt"), format=ox.RdfFormat.N_TRIPLES, lenient=True),
                 str(work / "kg.ttl"), ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(ox.parse(path=str(work / "kg.nq"), format=ox.RdfFormat.N_QUADS, lenient=True),
                 str(work / "kg.trig"), ox.RdfFormat.TRIG, prefixes=prefixes)
    write_compact_json_ld(work / "kg.nt", work / "kg.jsonld", json.loads((work / "context.jsonld").read_text("utf-8")))
    for name in GZIPPED:
        gzip_file(work / name)


def start_dumps(work: Path, prefixes: dict[str, str]) -> subprocess.Popen:
    """Run write_dumps in a child process; finish_dumps waits for it."""
    return subprocess.Popen([sys.executable, "-m", "kgbuild.graph.dumps", str(work), json.dumps(prefixes)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish_dumps(child: subprocess.Popen) -> None:
    """Wait for the child; its failure is the build's (a full disk as OSError ENOSPC, as if written here)."""
    _, errors = child.communicate()
    if child.returncode == 0:
        return
    text = errors.decode("utf-8", "replace").strip()
    if "No space left" in text or "os error 28" in text:
        raise OSError(errno.ENOSPC, "No space left on device (writing the dumps)")
    raise RuntimeError(f"writing the dumps failed (exit status {child.returncode}): {text[-2000:]}")


if __name__ == "__main__":
    write_dumps(Path(sys.argv[1]), json.loads(sys.argv[2]))
