"""Scheduled messages and surveys: idempotent scheduling and claiming of due rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._dialect import insert_ignore, is_postgres
from models import SatisfactionSurvey, ScheduledMessage, ScheduledStatus


async def schedule(
    session: AsyncSession,
    *,
    kind: str,
    dedupe_key: str,
    due_at: dt.datetime,
    now: dt.datetime,
    request_id: int | None = None,
    beneficiary_id: int | None = None,
    survey_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> bool:
    """Schedule once per dedupe key; False when it was already scheduled."""
    return await insert_ignore(
        session,
        ScheduledMessage,
        {"kind": kind, "dedupe_key": dedupe_key, "due_at": due_at, "request_id": request_id,
         "beneficiary_id": beneficiary_id, "survey_id": survey_id, "data": data or {},
         "status": ScheduledStatus.PENDING, "created_at": now},
    )


async def claim_due(
    session: AsyncSession, *, now: dt.datetime, limit: int = 200
) -> list[ScheduledMessage]:
    """Due rows, locked for this transaction on PostgreSQL so another worker skips them."""
    stmt = (
        select(ScheduledMessage)
        .where(ScheduledMessage.status == ScheduledStatus.PENDING, ScheduledMessage.due_at <= now)
        .order_by(ScheduledMessage.due_at, ScheduledMessage.id)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars())


async def pending_of(session: AsyncSession, *, kind: str) -> list[ScheduledMessage]:
    """Pending rows of one kind (for tests and staff views)."""
    stmt = select(ScheduledMessage).where(ScheduledMessage.kind == kind,
                                          ScheduledMessage.status == ScheduledStatus.PENDING)
    return list((await session.execute(stmt)).scalars())


async def survey_for(
    session: AsyncSession, *, request_id: int, trigger: str
) -> SatisfactionSurvey | None:
    """The survey of a request for a trigger (decision / delivery), if one exists."""
    stmt = select(SatisfactionSurvey).where(SatisfactionSurvey.request_id == request_id,
                                            SatisfactionSurvey.trigger == trigger)
    return (await session.execute(stmt)).scalars().first()


async def survey_by_id(session: AsyncSession, *, survey_id: int) -> SatisfactionSurvey | None:
    """The survey with this id."""
    return await session.get(SatisfactionSurvey, survey_id)


async def other_sent_surveys(
    session: AsyncSession, *, beneficiary_id: int, survey_id: int
) -> list[SatisfactionSurvey]:
    """A beneficiary's other surveys already sent and not yet finished (sent or answered)."""
    stmt = select(SatisfactionSurvey).where(
        SatisfactionSurvey.beneficiary_id == beneficiary_id,
        SatisfactionSurvey.id != survey_id,
        SatisfactionSurvey.status.in_(("sent", "answered")),
        SatisfactionSurvey.sent_at.is_not(None))
    return list((await session.execute(stmt)).scalars())


async def surveys_due_later(
    session: AsyncSession, *, beneficiary_id: int, now: dt.datetime
) -> list[ScheduledMessage]:
    """A beneficiary's pending survey rows due after `now`."""
    stmt = select(ScheduledMessage).where(
        ScheduledMessage.kind == "survey", ScheduledMessage.beneficiary_id == beneficiary_id,
        ScheduledMessage.status == ScheduledStatus.PENDING, ScheduledMessage.due_at > now)
    return list((await session.execute(stmt)).scalars())
