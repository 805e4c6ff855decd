"""Serve -> /changes: what changed in the facts, in this build or since a kept one (JSON, Turtle, HTML)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, render_template, request

from ..changes import change_document, change_graph
from ..changes.folder import CHANGES_JSON, CHANGES_TTL, read_report
from ..iris import resource_space
from ..queryrun.formats import GRAPH_FORMATS, HTML, JSON
from ..store.releases import BUILD_FOLDER, Release, builds_dir_of, changes_between, find_release, list_releases
from .dataset import current_build, local_href
from .protocol.headers import entity_tag, mark, not_modified
from .protocol.negotiation import choose_format

bp = Blueprint("changes", __name__)

TURTLE = GRAPH_FORMATS[0]
OFFERED = (JSON, TURTLE, HTML)  # JSON first: a client that says nothing is a script


@bp.route("/changes")
def changes() -> Response:
    """What changed: in the current build (against the one before it), or since `since=` (a build id or version).

    :raise 400: since= is neither a build id nor a version.
    :raise 404: no kept build has that id, or it recorded no facts to compare.
    """
    chosen = choose_format(OFFERED, request.headers.get("Accept"), request.args.get("format"))
    since = (request.args.get("since") or "").strip().replace(" ", "+")  # an unescaped + arrives as a space
    if since and not BUILD_FOLDER.match(since.rpartition("+")[2]):
        abort(400, description=f"since={since!r} is not a build id (16 hex digits) or a version "
                               "(YYYY-MM-DD+build id); the kept builds are listed at /dumps/")
    tag = entity_tag(f"changes.{since.rpartition('+')[2] or 'last'}.{chosen.extension}")
    unchanged = not_modified(tag, ("Accept",))
    if unchanged is not None:
        return unchanged
    build = current_build()
    if since:
        document, turtle = _changes_since(since, build.path)
    else:
        document, turtle = _recorded_changes(build.path)
    if chosen is HTML:
        page = render_template("changes.html", document=document, since=since, formats=OFFERED, href=local_href,
                               source_href=source_href, releases=_kept(build.path), current=build.build_id)
        return mark(Response(page, content_type=HTML.content_type), tag, ("Accept",))
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n" if chosen is JSON else turtle
    return mark(Response(body, content_type=chosen.content_type), tag, ("Accept",))


def source_href(source_id: str) -> str:
    """Where a cited source's page is on this server."""
    return local_href(f"{resource_space(current_build().base_iri)}source/{source_id}")


def _kept(build_path: Path) -> list[Release]:
    builds = builds_dir_of(build_path)
    return list_releases(builds) if builds is not None else []


def _recorded_changes(build_path: Path) -> tuple[dict[str, Any], str]:
    """The changelog the build wrote against the build before it (an empty one for builds that wrote none)."""
    try:
        document = json.loads((build_path / CHANGES_JSON).read_text("utf-8"))
    except (OSError, ValueError):
        report = read_report(build_path) or {}
        document = {"from": None, "to": {"build_id": report.get("build_id"), "version": report.get("version")},
                    "counts": {}, "changes": [], "note": "this build recorded no changelog"}
    turtle_path = build_path / CHANGES_TTL
    turtle = turtle_path.read_text("utf-8") if turtle_path.is_file() else ""
    return document, turtle


def _changes_since(since: str, build_path: Path) -> tuple[dict[str, Any], str]:
    kept = _kept(build_path)
    builds = builds_dir_of(build_path)
    older = find_release(builds, since) if builds is not None else None
    current = next((release for release in kept if release.path == build_path.resolve()), None)
    if older is None or current is None:
        versions = ", ".join(release.version for release in kept) or "none"
        abort(404, description=f"no kept build is {since!r}; kept builds: {versions}")
    change_set = changes_between(older, current)
    if change_set is None:
        abort(404, description=f"build {older.version} recorded no facts (it predates changelogs); "
                               "compare a later build")
    base = str(current.report.get("base_iri", "")) or None
    document = change_document(change_set, base) if base else change_document(change_set)
    graph = change_graph(change_set, base) if base else change_graph(change_set)
    return document, graph.serialize(format="turtle")

