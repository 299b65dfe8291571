"""De-duplication of inbound platform messages."""

from __future__ import annotations

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._dialect import is_postgres
from models import InboundReceipt
from models.types import utcnow

# Built once (every inbound message runs it): INSERT ... ON CONFLICT DO NOTHING.
_TABLE = InboundReceipt.__table__  # type: ignore[attr-defined]  # Core: rowcount is kept
_CLAIM: dict[bool, Insert] = {
    False: sqlite_insert(_TABLE).on_conflict_do_nothing(),
    True: pg_insert(_TABLE).on_conflict_do_nothing(),
}


async def claim(session: AsyncSession, *, channel: str, message_id: str) -> bool:
    """Record a platform message id; False when it was already processed."""
    result = await session.execute(
        _CLAIM[is_postgres(session)],
        {"channel": channel, "message_id": message_id, "received_at": utcnow()},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
