"""Settings from [tool.kgbuild] in pyproject.toml, overridable by KGBUILD_* environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .vocab import DEFAULT_BASE


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


def _find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def settings(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read settings: defaults, then [tool.kgbuild] of the nearest pyproject.toml, then KGBUILD_*."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    pyproject = _find_pyproject((cwd or Path.cwd()).resolve())
    if pyproject is not None:
        table = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}).get("kgbuild", {})
        root = pyproject.parent
        for field in fields(Settings):
            if field.name in table:
                value = table[field.name]
                values[field.name] = root / value if field.type == "Path" else value
    for field in fields(Settings):
        env_value = environ.get(f"KGBUILD_{field.name.upper()}")
        if env_value is not None:
            values[field.name] = _coerce(field.type, env_value)
    return replace(Settings(), **values)


def _coerce(type_name: object, text: str) -> object:
    if type_name == "Path":
        return Path(text)
    if type_name == "int":
        return int(text)
    if type_name == "float":
        return float(text)
    return text
