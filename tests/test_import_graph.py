"""The imports of the notices package go one way: features register their
kinds of notice with the registry (`notices.kinds`) and queue rows; the
pipeline (queue, digest, rendering, dispatch, resend) and the notice pages
look kinds up in the registry and import no feature. Read from the source
with `ast`: imports at module level and inside functions alike."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "secretariat_app"
NOTICES = "secretariat_app.notices"
# The features that register kinds of notice: the notices package never imports them.
FEATURES = ("meetings", "decisions", "cycles", "documents", "cbm")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> dict[str, int]:
    """The modules of secretariat_app that `path` imports ({module: line}),
    at any depth of the file: `from a.b import c` is a.b.c when that is a module."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for name in names:
            if name in known:
                found.setdefault(name, node.lineno)
    return found


def graph() -> dict[str, dict[str, int]]:
    """Who imports whom. A package's import of its own submodules is left out: a
    blueprint package defines `bp`, then imports its routes, which import `bp`
    (Flask's pattern, a cycle by design, harmless because `bp` exists first)."""
    known = modules()
    return {name: {target: line for target, line in imports(path, known).items()
                   if not (path.name == "__init__.py" and target.startswith(f"{name}."))}
            for name, path in known.items()}


def cycles_among(nodes: set[str], edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components (more than one module, or a module that
    imports itself) of the graph restricted to `nodes` (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, {}):
            if target not in nodes:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, {}):
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_passes_through_the_notices_package():
    edges = graph()
    everything = set(edges)
    through_notices = [c for c in cycles_among(everything, edges) if any(m.startswith(NOTICES) for m in c)]
    assert through_notices == []
    notices = {name for name in edges if name.startswith(NOTICES)}
    assert cycles_among(notices, edges) == []


def test_the_notices_package_imports_no_feature():
    edges = graph()
    offending = [f"{source} imports {target} (line {line})"
                 for source, targets in sorted(edges.items()) if source.startswith(NOTICES)
                 for target, line in sorted(targets.items())
                 if target.split(".")[1] in FEATURES]
    assert offending == []


def test_the_registry_is_at_the_bottom_and_rendering_below_dispatch():
    edges = graph()
    assert [t for t in edges[f"{NOTICES}.kinds"] if t.startswith(NOTICES)] == [f"{NOTICES}.models"]
    rendering = f"{NOTICES}.services.rendering"
    assert f"{NOTICES}.kinds" in edges[rendering]
    assert f"{NOTICES}.services.dispatch" not in edges[rendering]
    assert rendering in edges[f"{NOTICES}.services.dispatch"]
    for feature in FEATURES:  # each feature (or a part of it with its own, features._submodules) registers
        registering = [name for name, targets in edges.items()  # its kinds through the registry, from one module
                       if name.startswith(f"secretariat_app.{feature}.") and f"{NOTICES}.kinds" in targets]
        assert all(name.endswith(".notice_kinds") and name.count(".") in (2, 3) for name in registering), registering


def test_the_checker_finds_a_cycle():
    edges = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert cycles_among(set(edges), edges) == [["a", "b", "c"]]
