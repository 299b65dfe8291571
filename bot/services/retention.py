"""Retention: prune the two tables that otherwise grow forever.

- `inboundreceipt` only de-duplicates redelivered webhooks; platforms redeliver for a day or so
  (Telegram keeps updates 24 h), so rows older than `retention.inbound_receipts_days` go.
- `transcriptline` is the redacted context staff see with an escalation; lines older than
  `retention.transcript_days` go, except those of an identity with a case that is not closed
  (staff still need that context; its lines age out once the case is closed).

Rows are deleted by id, at most `batch_size` per statement, each batch in its own short
transaction, so a large backlog never holds SQLite's single writer lock for long. The
statements (`bot/repo/retention.py`, plain SQLAlchemy Core) work on SQLite and PostgreSQL
alike; two workers pruning at once only delete fewer rows each.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import RetentionConfig
from bot.db import transaction
from bot.repo import retention as repo

log = logging.getLogger(__name__)
BATCH = 5000  # rows per DELETE: a short write transaction even on SQLite
Batch = Callable[..., Awaitable[int]]  # repo.delete_old_*(session, before=..., limit=...)


async def prune(
    sessions: async_sessionmaker[AsyncSession],
    config: RetentionConfig,
    *,
    now: dt.datetime,
    batch_size: int = BATCH,
) -> dict[str, int]:
    """Delete expired receipts and transcript lines; rows deleted per table."""
    receipt_cutoff = now - dt.timedelta(days=config.inbound_receipts_days)
    transcript_cutoff = now - dt.timedelta(days=config.transcript_days)
    return {
        "inboundreceipt": await _delete_in_batches(
            sessions, repo.delete_old_receipts, receipt_cutoff, batch_size),
        "transcriptline": await _delete_in_batches(
            sessions, repo.delete_old_transcript_lines, transcript_cutoff, batch_size),
    }


async def _delete_in_batches(
    sessions: async_sessionmaker[AsyncSession],
    batch: Batch,
    before: dt.datetime,
    batch_size: int,
) -> int:
    """Delete the expired rows, oldest ids first, one short transaction per batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = 0
    while True:
        async with transaction(sessions) as session:
            deleted = await batch(session, before=before, limit=batch_size)
        total += deleted
        if deleted < batch_size:
            return total
        await asyncio.sleep(0)  # let other work (and writers) in between batches
