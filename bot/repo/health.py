"""Cheap aggregate reads for readiness and metrics: database ping, due outbox, open cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import Escalation, OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Backlog:
    """How many rows wait and since when the oldest one does."""

    count: int
    oldest: dt.datetime | None

    def age_seconds(self, now: dt.datetime) -> float:
        """Seconds the oldest row has waited (0 when none)."""
        return max((now - self.oldest).total_seconds(), 0.0) if self.oldest else 0.0


async def ping(session: AsyncSession) -> None:
    """Round-trip to the database (raises when it is unreachable)."""
    await session.execute(text("SELECT 1"))


async def outbox_due(session: AsyncSession, *, now: dt.datetime) -> dict[str, Backlog]:
    """Per channel: pending messages due now and the oldest due time (ix_outbox_due)."""
    stmt = (
        select(OutboxMessage.channel, func.count(), func.min(OutboxMessage.next_attempt_at))
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .group_by(OutboxMessage.channel)
    )
    return {channel: Backlog(int(count), oldest)
            for channel, count, oldest in (await session.execute(stmt)).all()}


async def open_cases(session: AsyncSession) -> Backlog:
    """Staff cases not closed and the creation time of the oldest."""
    stmt = (select(func.count(), func.min(Escalation.created_at))
            .where(Escalation.status != "closed"))
    count, oldest = (await session.execute(stmt)).one()
    return Backlog(int(count), oldest)
