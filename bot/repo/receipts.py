"""De-duplication of inbound platform messages, and the inbound inbox.

A receipt row per platform message id. The turn that handles a message claims its id (a
second delivery is then ignored). A webhook may first `store` the raw update (encrypted) and
commit before answering the platform: such a row is work still to do until a turn claims it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._dialect import insert_ignore, is_postgres
from models import InboundReceipt
from models.types import utcnow

_TABLE: Table = InboundReceipt.__table__  # type: ignore[attr-defined,assignment]


@cache
def _claim_statement(postgres: bool) -> Insert:
    """Insert the id as handled, or mark a stored (inbox) row handled; nothing when the id
    was handled before (rowcount 0)."""
    insert = pg_insert if postgres else sqlite_insert
    stmt = insert(_TABLE)
    return stmt.on_conflict_do_update(
        index_elements=[_TABLE.c.channel, _TABLE.c.message_id],
        set_={"handled_at": stmt.excluded.handled_at, "payload": None},
        where=_TABLE.c.handled_at.is_(None),
    )


async def claim(session: AsyncSession, *, channel: str, message_id: str) -> bool:
    """Record a platform message id as handled; False when it was already handled."""
    now = utcnow()
    result = await session.execute(_claim_statement(is_postgres(session)), {
        "channel": channel, "message_id": message_id, "received_at": now, "handled_at": now})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def handled(session: AsyncSession, *, channel: str, message_id: str) -> bool:
    """Whether a turn already handled this platform message id (a stored, unhandled update
    is not)."""
    stmt = select(InboundReceipt.id).where(InboundReceipt.channel == channel,
                                           InboundReceipt.message_id == message_id,
                                           InboundReceipt.handled_at.is_not(None))
    return (await session.execute(stmt)).first() is not None


async def store(session: AsyncSession, *, channel: str, message_id: str,
                payload: dict[str, Any], now: dt.datetime) -> bool:
    """Keep a received update to handle it after the commit (claimed by the receiver now);
    False when this id was received before."""
    return await insert_ignore(session, InboundReceipt, {
        "channel": channel, "message_id": message_id, "received_at": now,
        "payload": payload, "claimed_at": now})


async def take_unhandled(session: AsyncSession, *, channel: str, stale_before: dt.datetime,
                         now: dt.datetime, limit: int = 50) -> list[dict[str, Any]]:
    """Stored updates nobody handled and nobody took since `stale_before` (a worker stopped
    or the database failed during the turn), oldest first, taken by this worker now. On
    PostgreSQL rows another worker is taking are skipped (SKIP LOCKED)."""
    ids = (select(_TABLE.c.id)
           .where(_TABLE.c.channel == channel, _TABLE.c.handled_at.is_(None),
                  _TABLE.c.claimed_at < stale_before)
           .order_by(_TABLE.c.id).limit(limit))
    if is_postgres(session):
        ids = ids.with_for_update(skip_locked=True)
    stmt = (update(_TABLE).where(_TABLE.c.id.in_(ids.scalar_subquery()))
            .values(claimed_at=now).returning(_TABLE.c.id, _TABLE.c.payload))
    rows = sorted((await session.execute(stmt)).all())
    return [payload for _, payload in rows if isinstance(payload, dict)]


async def mark_handled(session: AsyncSession, *, channel: str, message_id: str,
                       now: dt.datetime) -> None:
    """A stored update was dealt with outside a turn (staff group, ignored, invalid)."""
    await session.execute(
        update(_TABLE).where(_TABLE.c.channel == channel, _TABLE.c.message_id == message_id,
                             _TABLE.c.handled_at.is_(None))
        .values(handled_at=now, payload=None))


async def unhandled_count(session: AsyncSession, *, channel: str | None = None) -> int:
    """How many stored updates wait to be handled."""
    stmt = select(func.count()).select_from(_TABLE).where(_TABLE.c.handled_at.is_(None))
    if channel is not None:
        stmt = stmt.where(_TABLE.c.channel == channel)
    return int((await session.execute(stmt)).scalar_one())
