"""Retention: prune what is no longer needed, table by table, and the documents folder.

- `inboundreceipt` only de-duplicates redelivered webhooks; platforms redeliver for a day or so
  (Telegram keeps updates 24 h), so rows older than `retention.inbound_receipts_days` go.
- `transcriptline` is the redacted context staff see with an escalation; lines older than
  `retention.transcript_days` go, except those of an identity with a case that is not closed
  (staff still need that context; its lines age out once the case is closed).
- Every other table holding personal data (`prune_more`, statements in
  `bot/repo/retention_other_tables.py`):
  outbox rows no longer pending after `outbox_days` (and the website chat log, which shows
  what they delivered), scheduled
  rows done or cancelled after `scheduled_days`, knowledge gaps after `knowledge_gap_days`;
  closed cases lose their summary and audit details after `closed_case_days`; what a deletion
  request kept (`privacy.retain_after_deletion`) is anonymised when its years are over; files
  of the documents folder that no row (nor an unfinished form) refers to go after
  `orphan_document_days`.

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

from bot.config import PrivacyConfig, RetentionConfig
from bot.db import transaction
from bot.repo import chatlog
from bot.repo import retention as repo
from bot.repo import retention_other_tables as extra
from bot.security.crypto import Vault
from bot.storage import DocumentStore

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


async def prune_all(
    sessions: async_sessionmaker[AsyncSession],
    config: RetentionConfig,
    *,
    now: dt.datetime,
    privacy: PrivacyConfig | None = None,
    documents: DocumentStore | None = None,
    vault: Vault | None = None,
    batch_size: int = BATCH,
) -> dict[str, int]:
    """The daily job: `prune`, then `prune_more`; rows deleted or anonymised per table."""
    counts = await prune(sessions, config, now=now, batch_size=batch_size)
    counts.update(await prune_more(sessions, config, now=now, batch_size=batch_size,
                                   privacy=privacy, documents=documents, vault=vault))
    return counts


async def prune_more(
    sessions: async_sessionmaker[AsyncSession],
    config: RetentionConfig,
    *,
    now: dt.datetime,
    batch_size: int = BATCH,
    privacy: PrivacyConfig | None = None,
    documents: DocumentStore | None = None,
    vault: Vault | None = None,
) -> dict[str, int]:
    """The tables beyond receipts and transcripts, and the documents folder."""
    days = dt.timedelta(days=1)
    steps = [
        ("outboxmessage", extra.delete_old_outbox, config.outbox_days),
        ("chatlogentry", chatlog.delete_old, config.outbox_days),  # what the outbox delivered
        ("scheduledmessage", extra.delete_old_scheduled, config.scheduled_days),
        ("knowledgegap", extra.delete_old_gaps, config.knowledge_gap_days),
        ("escalation.summary", extra.anonymise_closed_cases, config.closed_case_days),
        ("staffaction.detail", extra.anonymise_closed_case_actions, config.closed_case_days),
    ]
    keep = privacy.retain_after_deletion if privacy is not None else {}
    if "support_requests" in keep:
        steps.append(("supportrequest.retained", extra.anonymise_retained_requests,
                      keep["support_requests"].years * 365))
    if "documents" in keep:
        steps.append(("requestdocument.retained", extra.release_retained_documents,
                      keep["documents"].years * 365))
    counts = {name: await _delete_in_batches(sessions, batch, now - window * days,
                                              batch_size)
              for name, batch, window in steps}
    if documents is not None and vault is not None:
        async with transaction(sessions) as session:
            referenced = await extra.referenced_files(session, vault.decrypt)
        counts["documents"] = extra.delete_orphan_files(
            documents.folder, referenced=referenced,
            before=now - config.orphan_document_days * days)
    return counts


async def _delete_in_batches(
    sessions: async_sessionmaker[AsyncSession],
    batch: Batch,
    before: dt.datetime,
    batch_size: int,
) -> int:
    """Delete (or anonymise) the expired rows, oldest ids first, one short transaction per
    batch; the number handled."""
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
