"""One survey at a time: the next one waits until the one before is answered or expires."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import schedule
from models import SatisfactionSurvey

RECHECK = dt.timedelta(hours=1)  # someone in the middle of a survey's comment may walk away


async def busy_until(
    session: AsyncSession, *, survey: SatisfactionSurvey, now: dt.datetime, expire_hours: float,
    in_survey_flow: bool,
) -> dt.datetime | None:
    """Until when `survey` must wait for another one still open (None: it may go now).

    Open: sent and not yet rated (its buttons and typed number are still live), or rated while
    the person is still in the survey's comment / solved steps. Never past its expiry.
    """
    expiry = dt.timedelta(hours=expire_hours)
    waits: list[dt.datetime] = []
    others = await schedule.other_sent_surveys(session, beneficiary_id=survey.beneficiary_id,
                                               survey_id=survey.id or 0)
    for other in others:
        ends = other.sent_at + expiry  # type: ignore[operator]
        if ends <= now:
            continue
        if other.status == "sent":
            waits.append(ends)
        elif other.solved is None and in_survey_flow:
            waits.append(min(ends, now + RECHECK))
    return max(waits) if waits else None


async def release_waiting(session: AsyncSession, *, beneficiary_id: int, now: dt.datetime) -> int:
    """A survey was answered or declined: surveys waiting for it are due now; how many."""
    released = 0
    for row in await schedule.surveys_due_later(session, beneficiary_id=beneficiary_id, now=now):
        if (row.data or {}).get("waits_for_survey"):
            row.due_at, released = now, released + 1
            session.add(row)
    return released
