"""Queries behind the staff reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import SatisfactionSurvey


async def surveys_sent(
    session: AsyncSession, *, since: dt.date | None, until: dt.date | None
) -> list[SatisfactionSurvey]:
    """Surveys sent in the period (dates inclusive, UTC), oldest first."""
    stmt = select(SatisfactionSurvey).where(SatisfactionSurvey.sent_at.is_not(None))
    if since:
        stmt = stmt.where(SatisfactionSurvey.sent_at >= dt.datetime.combine(since, dt.time(),
                                                                            dt.UTC))
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(SatisfactionSurvey.sent_at < end)
    return list((await session.execute(stmt.order_by(SatisfactionSurvey.sent_at))).scalars())
