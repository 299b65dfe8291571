"""Retention: prune the two tables that otherwise grow forever.

- `inboundreceipt` only de-duplicates redelivered webhooks; platforms redeliver for a day or so
  (Telegram keeps updates 24 h), so rows older than `retention.inbound_receipts_days` go.
- `transcriptline` is the redacted context staff see with an escalation; lines older than
  `retention.transcript_days` go, except those of an identity with a case that is not closed
  (staff still need that context; its lines age out once the case is closed).

Rows are deleted by id, at most `batch_size` per statement, each batch in its own short
transaction, so a large backlog never holds SQLite's single writer lock for long. Plain
SQLAlchemy Core (`DELETE … WHERE id IN (SELECT id … ORDER BY id LIMIT n)`) works on SQLite and
PostgreSQL alike; two workers pruning at once only delete fewer rows each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import ColumnElement, Table, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import RetentionConfig
from bot.db import transaction
from models import Escalation, InboundReceipt, TranscriptLine

log = logging.getLogger(__name__)
BATCH = 5000  # rows per DELETE: a short write transaction even on SQLite


async def prune(
    sessions: async_sessionmaker[AsyncSession],
    config: RetentionConfig,
    *,
    now: dt.datetime,
    batch_size: int = BATCH,
) -> dict[str, int]:
    """Delete expired receipts and transcript lines; rows deleted per table."""
    receipts: Table = InboundReceipt.__table__  # type: ignore[attr-defined,assignment]
    lines: Table = TranscriptLine.__table__  # type: ignore[attr-defined,assignment]
    cases: Table = Escalation.__table__  # type: ignore[attr-defined,assignment]

    receipt_cutoff = now - dt.timedelta(days=config.inbound_receipts_days)
    transcript_cutoff = now - dt.timedelta(days=config.transcript_days)
    open_case = exists().where(cases.c.identity_id == lines.c.identity_id,
                               cases.c.status != "closed")
    return {
        receipts.name: await _delete_in_batches(
            sessions, receipts, receipts.c.received_at < receipt_cutoff, batch_size),
        lines.name: await _delete_in_batches(
            sessions, lines, (lines.c.at < transcript_cutoff) & ~open_case, batch_size),
    }


async def _delete_in_batches(
    sessions: async_sessionmaker[AsyncSession],
    table: Table,
    expired: ColumnElement[bool],
    batch_size: int,
) -> int:
    """Delete the rows matching `expired`, oldest ids first, one short transaction per batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ids = select(table.c.id).where(expired).order_by(table.c.id).limit(batch_size)
    stmt = delete(table).where(table.c.id.in_(ids.scalar_subquery()))
    total = 0
    while True:
        async with transaction(sessions) as session:
            deleted = (await session.execute(stmt)).rowcount or 0
        total += deleted
        if deleted < batch_size:
            return total
        await asyncio.sleep(0)  # let other work (and writers) in between batches
