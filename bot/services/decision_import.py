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
from bot.services.decisions import (
    DecisionError,
    parse_decision,
    parse_decision_date,
    record_decision,
)
from bot.services.lifecycle import IllegalTransition
from bot.text import clean, fold

REQUIRED = ("reference", "decision", "reason", "decided_on")
OPTIONAL = ("service", "amount")
ARABIC = {"reference": "رقم الطلب", "decision": "القرار", "reason": "السبب",
          "decided_on": "تاريخ القرار", "service": "الخدمة", "amount": "المبلغ"}


@dataclass(frozen=True)
class RowResult:
    """What happened to one row: recorded, unchanged (already there) or error."""

    line: int
    reference: str
    outcome: str
    error: str | None = None


def _field(header: str) -> str:
    """The field a header names, in English or Arabic (رقم الطلب → reference)."""
    key = fold(header)
    return next((field for field, arabic in ARABIC.items() if fold(arabic) == key), key)


def _dated(row: dict[str, str]) -> dict[str, str]:
    """The row with its decision date in ISO form and how it was read (left as is if bad)."""
    if clean(row.get("decided_on") or ""):
        try:
            read = parse_decision_date(row["decided_on"])
        except DecisionError:
            return row  # reported with its line when the row is imported
        row["decided_on"], row["date_read_as"] = read.day.isoformat(), read.read_as
    return row


def read_minutes(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The CSV rows with their line numbers; ValueError if the header is wrong.

    Headers may be English or Arabic; cells may be separated by commas, semicolons or tabs
    (as a spreadsheet in an Arabic locale saves them); dates may be ISO, day first or Hijri.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
        fh.seek(0)  # the utf-8-sig decoder drops a spreadsheet's BOM again
        delimiter = max(",;\t", key=first.count)
        reader = csv.DictReader(fh, delimiter=delimiter)
        header = [_field(h) for h in (reader.fieldnames or [])]
        missing = [h for h in REQUIRED if h not in header]
        if missing:
            raise ValueError(
                f"{path}: the header needs {', '.join(REQUIRED)} (optional: "
                f"{', '.join(OPTIONAL)}), or in Arabic {'، '.join(ARABIC[h] for h in REQUIRED)} "
                f"(optional: {'، '.join(ARABIC[h] for h in OPTIONAL)}); missing "
                f"{', '.join(f'{h} ({ARABIC[h]})' for h in missing)}")
        return [(reader.line_num, _dated({_field(k or ""): (v or "") for k, v in row.items()}))
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
