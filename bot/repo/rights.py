"""Rights requests and the statements that read or erase one person's data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ChannelIdentity,
    ChatLogEntry,
    Declaration,
    Escalation,
    Feedback,
    OutboxMessage,
    OutboxStatus,
    RightsRequest,
    SatisfactionSurvey,
    ScheduledMessage,
    ScheduledStatus,
    StaffAction,
    TranscriptLine,
    VolunteerApplication,
)

FOLLOW_UPS = ("survey", "survey_reminder", "survey_expiry", "document_reminder")


async def add(session: AsyncSession, row: RightsRequest) -> RightsRequest:
    """Store a rights request (its id assigned)."""
    session.add(row)
    await session.flush()
    return row


async def open_requests(session: AsyncSession, *, limit: int = 50) -> list[RightsRequest]:
    """Open rights requests, the nearest deadline first."""
    stmt = (select(RightsRequest).where(RightsRequest.status == "open")
            .order_by(RightsRequest.due_at, RightsRequest.id).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def due_for_reminder(
    session: AsyncSession, *, due_before: dt.datetime
) -> list[RightsRequest]:
    """Open requests due before `due_before` whose staff reminder was not posted yet."""
    stmt = select(RightsRequest).where(RightsRequest.status == "open",
                                       RightsRequest.reminded_at.is_(None),  # type: ignore[union-attr]
                                       RightsRequest.due_at <= due_before)
    return list((await session.execute(stmt)).scalars())


async def of_beneficiary(session: AsyncSession, *, beneficiary_id: int) -> list[RightsRequest]:
    """A person's rights requests, oldest first."""
    stmt = (select(RightsRequest).where(RightsRequest.beneficiary_id == beneficiary_id)
            .order_by(RightsRequest.id))
    return list((await session.execute(stmt)).scalars())


async def feedback_of(session: AsyncSession, *, beneficiary_id: int) -> list[Feedback]:
    """A person's suggestions and complaints."""
    stmt = select(Feedback).where(Feedback.beneficiary_id == beneficiary_id).order_by(Feedback.id)
    return list((await session.execute(stmt)).scalars())


async def volunteering_of(
    session: AsyncSession, *, beneficiary_id: int
) -> list[VolunteerApplication]:
    """A person's volunteer applications."""
    stmt = (select(VolunteerApplication)
            .where(VolunteerApplication.beneficiary_id == beneficiary_id)
            .order_by(VolunteerApplication.id))
    return list((await session.execute(stmt)).scalars())


async def cancel_follow_ups(session: AsyncSession, *, beneficiary_id: int,
                            now: dt.datetime) -> None:
    """Cancel pending surveys and reminders to a person (after consent is withdrawn)."""
    await session.execute(
        update(ScheduledMessage)
        .where(ScheduledMessage.beneficiary_id == beneficiary_id,
               ScheduledMessage.status == ScheduledStatus.PENDING,
               ScheduledMessage.kind.in_(FOLLOW_UPS))  # type: ignore[attr-defined]
        .values(status=ScheduledStatus.CANCELLED, done_at=now, note="consent withdrawn"))
    await session.execute(
        update(SatisfactionSurvey)
        .where(SatisfactionSurvey.beneficiary_id == beneficiary_id,
               SatisfactionSurvey.status.in_(("scheduled", "sent")))  # type: ignore[attr-defined]
        .values(status="declined"))


async def erase_conversation_traces(
    session: AsyncSession, *, beneficiary_id: int, identity_ids: list[int]
) -> None:
    """Delete transcripts, sent messages and the website chat log; anonymise case summaries,
    audit details and survey comments of one person."""
    if identity_ids:
        await session.execute(delete(TranscriptLine)
                              .where(TranscriptLine.identity_id.in_(identity_ids)))  # type: ignore[attr-defined]
        await session.execute(delete(OutboxMessage).where(
            OutboxMessage.identity_id.in_(identity_ids),  # type: ignore[union-attr]
            OutboxMessage.status != OutboxStatus.PENDING))
        chats = select(ChannelIdentity.channel, ChannelIdentity.platform_user_id).where(
            ChannelIdentity.id.in_(identity_ids))  # type: ignore[union-attr]
        for channel, address in (await session.execute(chats)).all():  # the website's log
            await session.execute(delete(ChatLogEntry).where(
                ChatLogEntry.channel == channel, ChatLogEntry.address == address))
    cases = select(Escalation.id).where(Escalation.beneficiary_id == beneficiary_id)
    await session.execute(update(StaffAction)
                          .where(StaffAction.escalation_id.in_(cases.scalar_subquery()))  # type: ignore[union-attr]
                          .values(detail=None))
    await session.execute(update(Escalation).where(Escalation.beneficiary_id == beneficiary_id)
                          .values(summary=None))
    await session.execute(update(SatisfactionSurvey)
                          .where(SatisfactionSurvey.beneficiary_id == beneficiary_id)
                          .values(comment=None))


async def anonymise_declaration(session: AsyncSession, *, request_id: int) -> None:
    """Blank the signed name of a request's declaration (when the request is not kept)."""
    await session.execute(update(Declaration).where(Declaration.request_id == request_id)
                          .values(signed_name="-"))
