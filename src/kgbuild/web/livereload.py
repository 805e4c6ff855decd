"""Serve -> watch mode only (`kgbuild serve --watch`): open pages reload themselves when a new build is
served, and show the problems of a build that failed.

Every page gets static/watch.js with the id of the build it was made from; the script listens to
/_watch/events (server-sent events) and reloads the page when the build id there is another one. The
watcher (kgbuild/watch.py) writes the problems of its last build, or none, to the status file beside
dist/ (status_path); the events carry them too, and the script shows them as a banner. Nothing of this
is registered outside watch mode.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app

from ..store import BuildTracker, StoreError
from .dataset import EXTENSION_KEY, current_build

bp = Blueprint("livereload", __name__)

CONFIG_KEY = "KGBUILD_WATCH_STATUS"  # the status file's path: set only in watch mode
TICK_SECONDS = 0.2  # how often a stream looks for a new build: a readlink and a stat
KEEPALIVE_SECONDS = 15.0  # a comment line this often, so a closed tab frees its thread
STREAM_SECONDS = 300.0  # then the stream ends and the browser reconnects (EventSource does it by itself)


def status_path(dist: Path) -> Path:
    """Where the watcher says how its last build went: .dist.watch.json beside dist/."""
    dist = Path(dist)
    return dist.parent / f".{dist.name}.watch.json"


def init_app(app: Flask) -> None:
    """In watch mode (app.config[CONFIG_KEY] set), serve the events and put the script on every page."""
    if not app.config.get(CONFIG_KEY):
        return
    app.register_blueprint(bp)


@bp.app_context_processor
def page_build() -> dict[str, str]:
    """The build a page is made from, for the script to compare with what the events say."""
    try:
        return {"watch_build": current_build().build_id}
    except StoreError:
        return {"watch_build": ""}


@bp.get("/_watch/events")
def events() -> Response:
    """A stream of `build` events: the build served and the last build's problems, sent when either changes."""
    tracker: BuildTracker = current_app.extensions[EXTENSION_KEY]
    status = Path(current_app.config[CONFIG_KEY])
    return Response(_stream(tracker, status), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _stream(tracker: BuildTracker, status: Path) -> Iterator[str]:
    yield "retry: 1000\n\n"  # reconnect within a second when the stream ends or the server restarts
    started = quiet_since = time.monotonic()
    sent = None
    while time.monotonic() - started < STREAM_SECONDS:
        state = _state(tracker, status)
        if state != sent:
            yield f"event: build\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"
            sent, quiet_since = state, time.monotonic()
        elif time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            yield ": watching\n\n"
            quiet_since = time.monotonic()
        time.sleep(TICK_SECONDS)


def _state(tracker: BuildTracker, status: Path) -> dict[str, object]:
    try:
        build = tracker.current().build_id
    except StoreError:
        build = ""
    try:
        problems = json.loads(status.read_text("utf-8")).get("problems", [])
    except (OSError, ValueError, AttributeError):  # not written yet (it is replaced whole): no problems
        problems = []
    return {"build": build, "problems": [str(problem) for problem in problems]}
