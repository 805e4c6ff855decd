"""Settings from [tool.kgbuild] in pyproject.toml, overridable by KGBUILD_* environment variables."""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .iris import DEFAULT_BASE

# the HTTP servers `kgbuild serve` can run the app under (web/servers/); the first is the default
# (granian: faster under load with every protection kept, docs/performance.md; gunicorn stays selectable)
SERVERS = ("granian", "gunicorn")


class SettingsError(ValueError):
    """A setting that cannot be used; str() is one line naming the setting and where it was set."""


@dataclass(frozen=True)
class Settings:
    """Where things are and how the server runs; every field can be set as KGBUILD_<FIELD>."""

    base_iri: str = DEFAULT_BASE
    facts: Path = Path("facts")
    dist: Path = Path("dist")
    ontology: Path = Path("ontology")
    queries: Path = Path("queries")
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    server: str = SERVERS[0]  # which HTTP server runs the app: one of SERVERS (docs/deployment.md)
    keep_builds: int = 3  # builds kept beside dist/, listed at /dumps/ with their changelogs

    # hardening (docs/hardening.md): caps on what a facts file and a query may cost
    yaml_max_bytes: int = 16 * 1024 * 1024  # one facts file; split a bigger one per organisation
    yaml_max_depth: int = 32  # nesting of maps and lists; facts need about 6
    yaml_max_scalar: int = 256 * 1024  # one value (a label, a note)
    query_timeout: float = 30.0  # seconds a query may run before its worker process is killed
    query_processes: int = 4  # warm query processes per server worker (0: run queries in-process)
    max_result_rows: int = 1_000_000
    max_result_bytes: int = 256 * 1024 * 1024
    max_query_bytes: int = 1024 * 1024  # a query in a POST body
    client_concurrency: int = 5  # queries one client may run at once (as the Wikidata Query Service)
    client_query_seconds: float = 60.0  # query-seconds one client may spend per minute
    service_allow: str = ""  # SERVICE endpoints a query may call, space- or comma-separated IRIs

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"base_iri {self.base_iri!r} must end with '/'")


# Settings that must be at least 1 (a server needs a worker; a cap of 0 would refuse everything).
_AT_LEAST_ONE = {"workers", "yaml_max_bytes", "yaml_max_depth", "yaml_max_scalar", "max_result_rows",
                 "max_result_bytes", "max_query_bytes", "client_concurrency"}


def _find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def settings(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read settings: defaults, then [tool.kgbuild] of the nearest pyproject.toml, then KGBUILD_*.

    :raises SettingsError: naming the setting, where it was set and what it takes.
    """
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    pyproject = _find_pyproject((cwd or Path.cwd()).resolve())
    if pyproject is not None:
        values.update(_from_pyproject(pyproject))
    for field in fields(Settings):
        variable = f"KGBUILD_{field.name.upper()}"
        if variable in environ:
            values[field.name] = _coerce(field.name, field.type, environ[variable], f"{variable} (environment)")
    return replace(Settings(), **values)


def _from_pyproject(pyproject: Path) -> dict[str, Any]:
    where = f"[tool.kgbuild] in {pyproject}"
    try:
        document = tomllib.loads(pyproject.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise SettingsError(f"{pyproject}: cannot read the settings ({error}); fix the file") from None
    table = document.get("tool", {}).get("kgbuild", {})
    known = {field.name: field for field in fields(Settings)}
    values: dict[str, Any] = {}
    for name, value in table.items():
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise SettingsError(f"{name} in {where}: unknown setting{hint}; settings are: {', '.join(known)}")
        field = known[name]
        if field.type == "Path":
            values[name] = pyproject.parent / _coerce(name, "str", value, f"{name} in {where}")
        else:
            values[name] = _coerce(name, field.type, value, f"{name} in {where}")
    return values


def _coerce(name: str, type_name: object, raw: object, where: str) -> Any:
    """The value of one setting as its type, or a SettingsError naming it and where it was set."""
    if type_name == "Path":
        return Path(str(raw))
    if type_name == "str":
        if not isinstance(raw, str):
            raise SettingsError(f"{where}: expected text, got {raw!r}; put it in quotes")
        if name == "base_iri":
            _check_base(raw, where)
        if name == "server" and raw not in SERVERS:
            raise SettingsError(f"{where}: unknown server {raw!r}; write one of {', '.join(SERVERS)}")
        return raw
    number = int if type_name == "int" else float
    try:
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise ValueError  # true is no number, nor is a list, a table or a date
        if number is int and isinstance(raw, float):
            raise ValueError
        value = number(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        kind = "a whole number" if number is int else "a number"
        raise SettingsError(f"{where}: expected {kind}, got {raw!r}; write digits, e.g. "
                            f"{getattr(Settings, name)}") from None
    least = 1 if name in _AT_LEAST_ONE else 0
    if value < least or value != value:  # NaN is no number of seconds either
        raise SettingsError(f"{where}: {raw!r} is too small; it must be at least {least}")
    return value


def _check_base(base: str, where: str) -> None:
    if not base.startswith(("http://", "https://")) or any(character in base for character in ' <>"{}|\\^`'):
        raise SettingsError(f"{where}: {base!r} is not an http(s) IRI; write one such as {DEFAULT_BASE}")
    if not base.endswith(("/", "#")):
        raise SettingsError(f"{where}: {base!r} must end with '/' (resource IRIs are appended to it); "
                            f"write {base + '/'!r}")


def build_time(environ: dict[str, str] | None = None) -> tuple[datetime, str]:
    """When a build runs, and how that was set: SOURCE_DATE_EPOCH when given (reproducible-builds.org),
    else the clock; whole seconds, UTC. The one definition the checks and the written build share.

    :raises SettingsError: SOURCE_DATE_EPOCH is set but is not a number of seconds.
    """
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC).replace(microsecond=0), "today"
    if not epoch.isdigit():
        raise SettingsError(f"SOURCE_DATE_EPOCH (environment): {epoch!r} is not a number of seconds since "
                            "1970-01-01 UTC; set it to one, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)")
    return datetime.fromtimestamp(int(epoch), UTC), "the build day set by SOURCE_DATE_EPOCH"


def build_day(environ: dict[str, str] | None = None) -> tuple[date, str]:
    """The day a build runs (build_time's day), and how it was set."""
    moment, how = build_time(environ)
    return moment.date(), how
