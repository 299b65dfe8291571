"""The inbound throttle's shared rows (PostgreSQL): one per identity, locked by the turn.

`lock` upserts the row and returns its state in one statement (`ON CONFLICT DO UPDATE` locks
the row, and waits for a turn of another worker that holds it), so two workers' turns of one
person count one after the other; the lock lasts until the turn's transaction ends.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_LOCK = text("""
INSERT INTO inboundthrottle AS t (key, state, seen_at) VALUES (:key, '', :now)
ON CONFLICT (key) DO UPDATE SET seen_at = t.seen_at
RETURNING t.state
""")
_SAVE = text("UPDATE inboundthrottle SET state = :state, seen_at = :now WHERE key = :key")
# rows locked by a turn in flight are skipped, never waited for (no deadlock between turns)
_FORGET = text("""
DELETE FROM inboundthrottle WHERE key IN (
    SELECT key FROM inboundthrottle WHERE seen_at < :before FOR UPDATE SKIP LOCKED)
""")


async def lock(session: AsyncSession, *, key: str, now: float) -> str:
    """The state of `key` ('' for a new one), its row locked until the transaction ends."""
    return str((await session.execute(_LOCK, {"key": key, "now": now})).scalar_one())


async def save(session: AsyncSession, *, key: str, state: str, now: float) -> None:
    """Write the state of `key` (locked by `lock` in this transaction)."""
    await session.execute(_SAVE, {"key": key, "state": state, "now": now})


async def forget_quiet(session: AsyncSession, *, before: float) -> None:
    """Delete the rows of identities that wrote nothing since `before`."""
    await session.execute(_FORGET, {"before": before})
