"""A doctor's finding and the table that shows them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rich.console import Console
from rich.table import Table
from rich.text import Text


class Status(StrEnum):
    """How a check went: only FAIL makes the doctor exit 1."""

    OK = "✓"
    WARN = "!"
    FAIL = "✗"
    SKIP = "–"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, what was found, what to do when it is not ok."""

    name: str
    status: Status
    detail: str
    fix: str = ""


def ok(name: str, detail: str) -> Check:
    """A passed check."""
    return Check(name, Status.OK, detail)


def warn(name: str, detail: str, fix: str = "") -> Check:
    """Worth knowing, not a failure."""
    return Check(name, Status.WARN, detail, fix)


def fail(name: str, detail: str, fix: str) -> Check:
    """A failure, with what to do about it."""
    return Check(name, Status.FAIL, detail, fix)


def skip(name: str, detail: str) -> Check:
    """Not applicable to this deployment."""
    return Check(name, Status.SKIP, detail)


def exit_code(checks: Iterable[Check]) -> int:
    """1 when any check failed, else 0 (for scripts)."""
    return int(any(c.status is Status.FAIL for c in checks))


_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.SKIP: "dim"}


def render(checks: list[Check], console: Console | None = None) -> None:
    """Print the checks as a table, then a one-line summary."""
    console = console or Console()
    table = Table(show_lines=True)
    table.add_column("", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("found", overflow="fold")  # paths and URLs whole, never cut with "…"
    table.add_column("what to do", overflow="fold")
    for check in checks:
        style = _STYLE[check.status]
        table.add_row(Text(check.status.value, style=style), Text(check.name),
                      Text(check.detail), Text(check.fix))  # Text: no markup read in messages
    console.print(table)
    failed = sum(c.status is Status.FAIL for c in checks)
    warned = sum(c.status is Status.WARN for c in checks)
    if failed:
        console.print(f"[bold red]{failed} check(s) failed[/], {warned} warning(s).")
    else:
        console.print(f"[green]all checks passed[/], {warned} warning(s).")
