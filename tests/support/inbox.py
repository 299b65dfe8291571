"""What the inbound inbox holds, for the channels' inbox tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.wiring import App
from bot.repo import receipts
from models import InboundReceipt


async def stored(app: App) -> list[tuple[str, bool, bool]]:
    """(id, handled, payload kept) of every receipt."""
    async with app.sessions() as s:
        rows = (await s.execute(select(InboundReceipt.message_id, InboundReceipt.handled_at,
                                       InboundReceipt.payload))).all()
    return sorted((key, at is not None, payload is not None) for key, at, payload in rows)


async def unhandled(app: App, channel: str) -> int:
    """Stored updates of a channel no turn has handled yet."""
    async with app.sessions() as s:
        return await receipts.unhandled_count(s, channel=channel)


async def is_(value: Any, expected: Any) -> bool:
    """Whether an awaitable gives `expected` (for `eventually`)."""
    return await value == expected
