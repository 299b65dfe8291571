"""The import rules of the architecture hold: layers point down, and no module cycle exists.

models <- bot <- conversations, desk, faq <- handlers, web <- app. Every import counts, also those
inside functions or under TYPE_CHECKING; `bot/__main__.py`, the command line's entry point, is
the one module outside `app/` that may import `app`. No module loads another by name
(importlib), so this graph is the whole graph.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "bot", "conversations", "desk", "faq", "handlers", "models", "web")
ALLOWED: dict[str, set[str]] = {  # package -> the other packages it may import
    "models": set(),
    "bot": {"models"},
    "conversations": {"bot", "models"},
    "desk": {"bot", "models"},
    "faq": {"bot", "models"},
    "handlers": {"bot", "models", "conversations", "desk", "faq"},
    "web": {"bot", "models", "conversations", "desk", "faq"},
    "app": set(PACKAGES) - {"app"},
}
ENTRY_POINTS = {"bot.__main__": {"app"}}  # module -> packages it may import beyond its own


@dataclass(frozen=True)
class Edge:
    """One import statement: who imports what, where."""

    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of our packages by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that `name` starts with (None for other libraries)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, known: dict[str, Path]) -> list[Edge]:
    """The imports of one module that point at our own modules (other than itself)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    edges = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                     for alias in node.names]
        for name in names:
            target = _resolve(name, known)
            if target is not None and target != module:
                edges.append(Edge(module, target, node.lineno))
    return edges


def dynamic_imports(path: Path) -> list[int]:
    """Lines that load a module by name (importlib.import_module, __import__)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                lines.append(node.lineno)
    return lines


def graph(root: Path = ROOT) -> list[Edge]:
    """Every import between our modules."""
    known = modules(root)
    return [edge for module, path in known.items() for edge in imports_of(module, path, known)]


def broken_rules(edges: list[Edge]) -> list[Edge]:
    """Imports that point up a layer or sideways where the rules forbid it."""
    bad = []
    for edge in edges:
        source, target = edge.source.split(".")[0], edge.target.split(".")[0]
        allowed = ALLOWED[source] | ENTRY_POINTS.get(edge.source, set()) | {source}
        if target not in allowed:
            bad.append(edge)
    return bad


def cycles(edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    following: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        following[edge.source].append(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(set(following) | {e.target for e in edges}):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            successors = following[node]
            if position < len(successors):
                work.append((node, position + 1))
                nxt = successors[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def package_graph(edges: list[Edge]) -> set[tuple[str, str]]:
    """Which top-level package imports which (the entry point left out)."""
    return {(e.source.split(".")[0], e.target.split(".")[0]) for e in edges
            if e.source not in ENTRY_POINTS and e.source.split(".")[0] != e.target.split(".")[0]}


def test_no_import_breaks_the_layer_rules() -> None:
    bad = broken_rules(graph())
    assert not bad, "imports against the architecture:\n" + "\n".join(map(str, bad))


def test_no_cycle_between_modules_or_packages() -> None:
    edges = graph()
    assert cycles(edges) == []
    packages = package_graph(edges)
    package_edges = [Edge(a, b, 0) for a, b in sorted(packages)]
    assert cycles(package_edges) == []
    assert ("handlers", "desk") in packages and ("app", "handlers") in packages  # seen at all


def test_no_module_is_loaded_by_name() -> None:
    found = [f"{module}: line {line}" for module, path in modules().items()
             for line in dynamic_imports(path)]
    assert found == [], "modules loaded by name hide them from the import graph"


def test_the_checks_catch_a_bad_import_and_a_cycle(tmp_path: Path) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "bot" / "core.py").write_text("from handlers import web\n", encoding="utf-8")
    (tmp_path / "handlers" / "web.py").write_text(
        "def later():\n    from bot import core\n", encoding="utf-8")
    (tmp_path / "desk" / "a.py").write_text("from . import b\n", encoding="utf-8")
    (tmp_path / "desk" / "b.py").write_text("import desk.a\n", encoding="utf-8")
    (tmp_path / "bot" / "__main__.py").write_text("import app\n", encoding="utf-8")
    edges = graph(tmp_path)
    assert [str(e) for e in broken_rules(edges)] == ["bot.core -> handlers.web (line 1)"]
    assert sorted(cycles(edges)) == [["bot.core", "handlers.web"], ["desk.a", "desk.b"]]
