"""The layout's rules (docs/architecture.md), checked on the source: every module imports only from
its own floor or floors below it, no import circle, DuckDB's modules reached only through the
backend registry, and no source file over ~500 lines without a reason stated at its top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "dsbench"

# Bottom to top. A module may import from its floor and the floors below; a package's floor is
# that of its name, so every module of `engine/` is on the engine floor.
FLOORS = (
    ("_version", "errors", "files", "i18n", "progress"),
    ("engine",),
    ("data",),
    ("backends",),
    ("expectations", "extend"),
    ("suites",),
    ("validation",),
    ("scoring",),
    ("render",),
    ("cards",),
    ("evaluation", "verification"),
    ("store",),
    ("corpus",),
    ("service",),
    ("cli", "pytest_plugin", "__main__"),
)
FLOOR = {name: level for level, names in enumerate(FLOORS) for name in names}

# Outside backends/, engine-specific modules are reached only through the registry
# (dsbench.backends); these reach DuckDB's own modules for DuckDB files that are not a dataset.
DUCKDB_OUTSIDE_BACKENDS = {
    "dsbench.store.runs": "the runs database is an embedded DuckDB file",
    "dsbench.corpus.inject": "copies with injected defects are written by DuckDB",
}

MAX_LINES = 500
SIZE_REASON = "# Size:"  # a line near the top saying why a file is longer


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SOURCE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The dsbench modules ``name`` imports, anywhere in it (inside functions and under
    TYPE_CHECKING too: a lazy import is still a dependency)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: imports(name) for name in MODULES}


def floor(name: str) -> int | None:
    """None for the package root, which only the outside world imports."""
    parts = name.split(".")
    return None if len(parts) == 1 else FLOOR[parts[1]]


def test_every_module_has_a_floor():
    unplaced = sorted(n for n in MODULES if "." in n and n.split(".")[1] not in FLOOR)
    assert not unplaced, f"add these to FLOORS (and docs/architecture.md): {unplaced}"


def test_nothing_imports_the_package_root():
    assert not sorted(n for n, targets in GRAPH.items() if "dsbench" in targets)


def test_no_module_imports_from_a_floor_above_it():
    upward = sorted(f"{name} -> {target}" for name, targets in GRAPH.items() if floor(name) is not None
                    for target in targets if target != "dsbench" and floor(target) > floor(name))
    assert not upward, "upward imports:\n" + "\n".join(upward)


def circles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    return found


def test_no_import_circle():
    assert not circles()


def test_circles_are_found():
    """The circle search itself finds a circle when there is one."""
    GRAPH["dsbench.errors"].add("dsbench.files")
    try:
        assert ["dsbench.errors", "dsbench.files"] in circles()
    finally:
        GRAPH["dsbench.errors"].discard("dsbench.files")


def test_duckdb_modules_are_reached_through_the_registry():
    reaching = sorted(f"{name} -> {target}" for name, targets in GRAPH.items()
                      if not name.startswith("dsbench.backends") and name not in DUCKDB_OUTSIDE_BACKENDS
                      for target in targets if target.startswith("dsbench.backends.duckdb"))
    assert not reaching, "use dsbench.backends (the registry) or the dataset's session/dialect:\n" + "\n".join(reaching)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_long_module_says_why(name):
    lines = MODULES[name].read_text(encoding="utf-8").splitlines()
    if len(lines) > MAX_LINES:
        assert any(line.startswith(SIZE_REASON) for line in lines[:30]), (
            f"{MODULES[name].relative_to(SOURCE.parent)} has {len(lines)} lines: split it by job, or say "
            f"why it is one module in a '{SIZE_REASON} …' line near its top")
