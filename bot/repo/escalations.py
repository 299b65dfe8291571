"""Escalations (staff cases): lookups by identity, by staff-group message, and what waits."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Escalation


async def open_of_identity(session: AsyncSession, *, identity_id: int) -> Escalation | None:
    """The identity's case that is not closed (the newest, should there be more)."""
    stmt = (
        select(Escalation)
        .where(Escalation.identity_id == identity_id, Escalation.status != "closed")
        .order_by(Escalation.id.desc())
    )
    return (await session.execute(stmt)).scalars().first()


async def by_thread_or_card(
    session: AsyncSession, *, thread_id: int | None, card_message_id: int | None
) -> Escalation | None:
    """The case whose forum topic is `thread_id` or whose card is `card_message_id`."""
    conditions = []
    if thread_id is not None:
        conditions.append(Escalation.topic_id == thread_id)
    if card_message_id is not None:
        conditions.append(Escalation.card_message_id == card_message_id)
    if not conditions:
        return None
    stmt = select(Escalation).where(or_(*conditions)).order_by(Escalation.id.desc())
    return (await session.execute(stmt)).scalars().first()


async def unanswered(session: AsyncSession) -> list[Escalation]:
    """Cases not closed that no staff member has answered yet, oldest first."""
    stmt = (
        select(Escalation)
        .where(Escalation.status != "closed", Escalation.first_staff_reply_at.is_(None))
        .order_by(Escalation.created_at, Escalation.id)
    )
    return list((await session.execute(stmt)).scalars())


async def count_open(session: AsyncSession) -> int:
    """How many cases are not closed."""
    stmt = select(func.count()).select_from(Escalation).where(Escalation.status != "closed")
    return int((await session.execute(stmt)).scalar_one())
