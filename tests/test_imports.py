"""Layers that go one way (DESIGN.md §1): what serves loads no YAML, no facts code and no build code,
and no module imports itself back. `make lint` holds the full contracts (pyproject.toml, import-linter)."""

from __future__ import annotations

import json
import subprocess
import sys

import grimp

# the server must start without these: the YAML loader's stack and the build
NOT_FOR_SERVERS = ("yaml", "pydantic", "pycountry", "kgbuild.facts", "kgbuild.graph")


def not_for_servers(modules: list[str]) -> list[str]:
    return [name for name in modules if any(name == top or name.startswith(top + ".") for top in NOT_FOR_SERVERS)]


def modules_loaded_by(statement: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running statement."""
    probe = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_importing_the_web_app_loads_no_yaml_facts_or_build():
    loaded = modules_loaded_by("import kgbuild.web")
    assert "kgbuild.web" in loaded
    assert not_for_servers(loaded) == []


def test_opening_a_store_loads_no_yaml_facts_or_build():
    loaded = modules_loaded_by("import kgbuild.store, kgbuild.store.remote, kgbuild.store.releases")
    assert not_for_servers(loaded) == []


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import one another, directly or not (Tarjan's strongly connected components),
    a package's __init__ and its own modules included (which import-linter's acyclic_siblings leaves out)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back():
    graph = grimp.build_graph("kgbuild", cache_dir=None)
    assert cycles(graph) == []
