"""De-duplication of inbound platform messages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._dialect import insert_ignore
from models import InboundReceipt
from models.types import utcnow


async def claim(session: AsyncSession, *, channel: str, message_id: str) -> bool:
    """Record a platform message id; False when it was already processed."""
    return await insert_ignore(
        session,
        InboundReceipt,
        {"channel": channel, "message_id": message_id, "received_at": utcnow()},
    )


async def seen(session: AsyncSession, *, channel: str, message_id: str) -> bool:
    """Whether a platform message id was already recorded (processed or being processed)."""
    stmt = select(InboundReceipt.id).where(InboundReceipt.channel == channel,
                                           InboundReceipt.message_id == message_id)
    return (await session.execute(stmt)).first() is not None
