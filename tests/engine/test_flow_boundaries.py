"""Flows reach the database only through `ctx.store`: no session, no SQL, no repo module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IMPORTS = ("sqlalchemy", "sqlmodel", "bot.repo", "bot.db")
FORBIDDEN_NAMES = {"session", "AsyncSession", "flush"}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).glob("*.py"))


def _imports(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _violations(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [f"imports {name}" for name in _imports(tree)
             if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IMPORTS)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"line {node.lineno}: {node.id}")
    return [f"{path.relative_to(root)} {what}" for what in found]


def test_flows_never_touch_a_session_or_sql() -> None:
    modules = _modules("conversations")
    assert len(modules) > 5  # the flows were found
    problems = [v for path in modules for v in _violations(path)]
    assert problems == []


def test_the_checker_catches_a_session(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\n"
                   "async def f(ctx):\n    await ctx.session.flush()\n", encoding="utf-8")
    problems = [p.split(" ", 1)[1] for p in _violations(bad, tmp_path)]
    assert problems == ["imports sqlalchemy", "imports sqlalchemy.select", "line 3: .flush",
                        "line 3: .session"]

