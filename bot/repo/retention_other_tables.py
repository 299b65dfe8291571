"""Retention beyond receipts and transcripts: every table that holds personal data, and the
documents folder. Each function handles at most `limit` rows (oldest ids first) written before
`before`, and returns how many it deleted or anonymised, so the service can batch them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import ColumnElement, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Conversation,
    Escalation,
    Feedback,
    KnowledgeGap,
    OutboxMessage,
    OutboxStatus,
    RequestDocument,
    RightsRequest,
    ScheduledMessage,
    ScheduledStatus,
    StaffAction,
    SupportRequest,
)

ANON = "-"
Batch = Callable[..., Awaitable[int]]  # f(session, *, before, limit) -> rows handled
_KEY = re.compile(r"[0-9a-f]{32}")  # DocumentStore keys are uuid4 hex
_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined,assignment]
_SCHEDULED: Table = ScheduledMessage.__table__  # type: ignore[attr-defined,assignment]
_GAPS: Table = KnowledgeGap.__table__  # type: ignore[attr-defined,assignment]
_CASES: Table = Escalation.__table__  # type: ignore[attr-defined,assignment]
_ACTIONS: Table = StaffAction.__table__  # type: ignore[attr-defined,assignment]
_REQUESTS: Table = SupportRequest.__table__  # type: ignore[attr-defined,assignment]
_DOCS: Table = RequestDocument.__table__  # type: ignore[attr-defined,assignment]
_RIGHTS: Table = RightsRequest.__table__  # type: ignore[attr-defined,assignment]


def _ids(table: Table, where: ColumnElement[bool], limit: int):  # type: ignore[no-untyped-def]
    return select(table.c.id).where(where).order_by(table.c.id).limit(limit).scalar_subquery()


async def _delete(session: AsyncSession, table: Table, where: ColumnElement[bool],
                  limit: int) -> int:
    result = await session.execute(delete(table).where(table.c.id.in_(_ids(table, where, limit))))
    return result.rowcount or 0  # type: ignore[attr-defined]


async def _update(session: AsyncSession, table: Table, where: ColumnElement[bool], limit: int,
                  values: dict[str, object]) -> int:
    stmt = update(table).where(table.c.id.in_(_ids(table, where, limit))).values(**values)
    return (await session.execute(stmt)).rowcount or 0  # type: ignore[attr-defined]


async def delete_old_outbox(session: AsyncSession, *, before: dt.datetime, limit: int) -> int:
    """Delete messages no longer pending (sent, failed, unreachable) created before `before`."""
    return await _delete(session, _OUTBOX, (_OUTBOX.c.status != OutboxStatus.PENDING)
                         & (_OUTBOX.c.created_at < before), limit)


async def delete_old_scheduled(session: AsyncSession, *, before: dt.datetime, limit: int) -> int:
    """Delete scheduled rows done or cancelled before `before`."""
    finished = _SCHEDULED.c.status.in_((ScheduledStatus.DONE, ScheduledStatus.CANCELLED))
    when = func.coalesce(_SCHEDULED.c.done_at, _SCHEDULED.c.due_at)
    return await _delete(session, _SCHEDULED, finished & (when < before), limit)


async def delete_old_gaps(session: AsyncSession, *, before: dt.datetime, limit: int) -> int:
    """Delete unanswered-question records created before `before`."""
    return await _delete(session, _GAPS, _GAPS.c.created_at < before, limit)


async def anonymise_closed_cases(session: AsyncSession, *, before: dt.datetime,
                                 limit: int) -> int:
    """Blank the summary (the conversation excerpt) of cases closed before `before`."""
    old = ((_CASES.c.status == "closed") & (_CASES.c.closed_at < before)
           & _CASES.c.summary.is_not(None))
    return await _update(session, _CASES, old, limit, {"summary": None})


async def anonymise_closed_case_actions(session: AsyncSession, *, before: dt.datetime,
                                        limit: int) -> int:
    """Blank the details (relayed texts, notes) of audit rows of cases closed before `before`."""
    closed = select(_CASES.c.id).where(_CASES.c.status == "closed", _CASES.c.closed_at < before)
    old = _ACTIONS.c.escalation_id.in_(closed.scalar_subquery()) & _ACTIONS.c.detail.is_not(None)
    return await _update(session, _ACTIONS, old, limit, {"detail": None})


def _erased_before(before: dt.datetime):  # type: ignore[no-untyped-def]
    """Beneficiaries whose data was deleted (a deletion request) before `before`."""
    return select(_RIGHTS.c.beneficiary_id).where(
        _RIGHTS.c.kind == "deletion", _RIGHTS.c.created_at < before).scalar_subquery()


async def anonymise_retained_requests(session: AsyncSession, *, before: dt.datetime,
                                      limit: int) -> int:
    """Anonymise requests kept after a deletion request made before `before` (their period
    is over); the figures (type, status, family size, dates) stay for reports."""
    kept = _REQUESTS.c.beneficiary_id.in_(_erased_before(before)) & (
        _REQUESTS.c.full_name != ANON)
    return await _update(session, _REQUESTS, kept, limit, {
        "full_name": ANON, "mobile": ANON, "description": ANON, "national_id_hash": ANON,
        "national_id_enc": ANON, "monthly_income_enc": ANON, "decision_reason": None})


async def release_retained_documents(session: AsyncSession, *, before: dt.datetime,
                                     limit: int) -> int:
    """Forget the files of requests kept after a deletion request made before `before` (the
    orphan sweep then deletes them from the folder)."""
    requests = select(_REQUESTS.c.id).where(_REQUESTS.c.beneficiary_id.in_(_erased_before(before)))
    kept = _DOCS.c.request_id.in_(requests.scalar_subquery()) & _DOCS.c.storage_key.is_not(None)
    return await _update(session, _DOCS, kept, limit, {"storage_key": None, "sha256": None})


async def referenced_files(session: AsyncSession, decrypt: Callable[[str], str]) -> set[str]:
    """Every document key a row still refers to: uploads, attachments, pending messages, and
    the answers of unfinished forms (drafts keep their uploads' keys)."""
    keys = set((await session.execute(select(RequestDocument.storage_key))).scalars())
    for token in (await session.execute(select(Conversation.data_enc))).scalars():
        if token:
            keys |= set(_KEY.findall(decrypt(token)))
    keys |= set((await session.execute(select(Feedback.attachment_key))).scalars())
    pending = select(OutboxMessage.payload).where(OutboxMessage.status == OutboxStatus.PENDING)
    keys |= {(p or {}).get("file_key") for p in (await session.execute(pending)).scalars()}
    return {k for k in keys if k}


def delete_orphan_files(folder: Path, *, referenced: set[str], before: dt.datetime) -> int:
    """Delete files of the documents folder no row refers to, last written before `before`."""
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in folder.iterdir():
        if not path.is_file() or path.name in referenced:
            continue
        if path.stat().st_mtime < before.timestamp():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
