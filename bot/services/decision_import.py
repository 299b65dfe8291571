"""Importing the committee's minutes (CSV) or API batches: row by row, idempotent."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import AppConfig
from bot.db import transaction
from bot.services.decisions import DecisionError, parse_decision, record_decision
from bot.services.lifecycle import IllegalTransition

REQUIRED = ("reference", "decision", "reason", "decided_on")
OPTIONAL = ("service", "amount")


@dataclass(frozen=True)
class RowResult:
    """What happened to one row: recorded, unchanged (already there) or error."""

    line: int
    reference: str
    outcome: str
    error: str | None = None


def read_minutes(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The CSV rows with their line numbers; ValueError if the header is wrong."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [h for h in REQUIRED if h not in header]
        if missing:
            raise ValueError(f"{path}: the header needs {', '.join(REQUIRED)} (optional: "
                             f"{', '.join(OPTIONAL)}); missing {', '.join(missing)}")
        return [(reader.line_num, {(k or "").strip(): (v or "") for k, v in row.items()})
                for row in reader]


async def import_decisions(
    sessions: async_sessionmaker[AsyncSession],
    config: AppConfig,
    clock: Clock,
    rows: Iterable[tuple[int, dict[str, Any]]],
    *,
    actor: str,
    on_recorded: Callable[[], None] | None = None,
) -> list[RowResult]:
    """Record each row in its own transaction; bad rows are reported and do not stop good ones.

    `on_recorded` is called once when at least one decision was recorded (the scheduler's kick,
    so that the notices go out now).
    """
    results = []
    for line, row in rows:
        reference = str(row.get("reference") or "").strip()
        try:
            decision = parse_decision(
                reference=reference, decision=str(row.get("decision") or ""),
                reason=row.get("reason"), decided_on=row.get("decided_on"),
                service=row.get("service"), amount=row.get("amount"))
            async with transaction(sessions) as session:
                outcome, _ = await record_decision(session, config=config, decision=decision,
                                                   actor=actor, now=clock.now())
            results.append(RowResult(line, decision.reference, outcome))
        except (DecisionError, IllegalTransition) as exc:
            results.append(RowResult(line, reference, "error", str(exc)))
    if on_recorded is not None and any(r.outcome == "recorded" for r in results):
        on_recorded()
    return results
