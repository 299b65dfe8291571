"""Retention deletes: one batch of expired inbound receipts or transcript lines at a time.

Each statement deletes rows by id, oldest first, at most `limit` of them
(`DELETE … WHERE id IN (SELECT id … ORDER BY id LIMIT n)`), which works on SQLite and PostgreSQL
alike. The statements are built once; the cut-off and the batch size are parameters.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, Delete, Table, bindparam, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Escalation, InboundReceipt, TranscriptLine

_RECEIPTS: Table = InboundReceipt.__table__  # type: ignore[attr-defined,assignment]
_LINES: Table = TranscriptLine.__table__  # type: ignore[attr-defined,assignment]
_CASES: Table = Escalation.__table__  # type: ignore[attr-defined,assignment]


def _oldest_first(table: Table, expired: ColumnElement[bool]) -> Delete:
    ids = select(table.c.id).where(expired).order_by(table.c.id).limit(bindparam("limit"))
    return delete(table).where(table.c.id.in_(ids.scalar_subquery()))


_OPEN_CASE = exists().where(_CASES.c.identity_id == _LINES.c.identity_id,
                            _CASES.c.status != "closed")
_DELETE_RECEIPTS = _oldest_first(  # an update stored but not yet handled stays: work to do
    _RECEIPTS, (_RECEIPTS.c.received_at < bindparam("before"))
    & _RECEIPTS.c.handled_at.is_not(None))
# Lines of an identity with a case not yet closed stay: staff still need that context.
_DELETE_LINES = _oldest_first(_LINES, (_LINES.c.at < bindparam("before")) & ~_OPEN_CASE)


async def _run(session: AsyncSession, stmt: Delete, before: dt.datetime, limit: int) -> int:
    result = await session.execute(stmt, {"before": before, "limit": limit})
    return result.rowcount or 0  # type: ignore[attr-defined]


async def delete_old_receipts(session: AsyncSession, *, before: dt.datetime, limit: int) -> int:
    """Delete at most `limit` inbound receipts received before `before`; rows deleted."""
    return await _run(session, _DELETE_RECEIPTS, before, limit)


async def delete_old_transcript_lines(
    session: AsyncSession, *, before: dt.datetime, limit: int
) -> int:
    """Delete at most `limit` transcript lines written before `before`, keeping those of an
    identity with an open case; rows deleted."""
    return await _run(session, _DELETE_LINES, before, limit)
