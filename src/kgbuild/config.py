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
    return text
