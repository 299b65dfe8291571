"""Shared GCRA buckets in PostgreSQL (the outbox's rate limiter without Redis).

Times are seconds since the epoch on the database's clock (`clock_timestamp()`), so workers on
several machines agree whatever their own clocks say. One statement reserves a send: it reads
the chat's bucket and, when the chat's burst allows, moves the channel's global bucket on by
one gap (`INSERT ... ON CONFLICT DO UPDATE`, which waits for and re-reads a row another worker
is updating) and the chat's by its own gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_NOW = "extract(epoch FROM clock_timestamp())::float8"
_RESERVE = text(f"""
WITH now_ AS (SELECT {_NOW} AS t),
chat AS (
    SELECT greatest(coalesce((SELECT tat FROM ratebucket WHERE key = :chat), 0), now_.t) AS tat,
           now_.t AS t
    FROM now_
),
ready AS (
    SELECT chat.tat, chat.t, chat.tat - (CAST(:burst AS float8) - 1) * CAST(:gap AS float8)
           <= chat.t AS ok
    FROM chat
),
paused AS (SELECT coalesce((SELECT tat FROM ratebucket WHERE key = :pause), 0) AS until_),
g AS (
    INSERT INTO ratebucket AS b (key, tat)
    SELECT :global, greatest(ready.t, paused.until_) + CAST(:ggap AS float8)
    FROM ready, paused WHERE ready.ok
    ON CONFLICT (key) DO UPDATE
    SET tat = greatest(b.tat, {_NOW}, (SELECT until_ FROM paused)) + CAST(:ggap AS float8)
    RETURNING b.tat - CAST(:ggap AS float8) AS slot
),
c AS (
    INSERT INTO ratebucket AS b (key, tat)
    SELECT :chat, greatest(ready.tat, g.slot) + CAST(:gap AS float8) FROM ready, g
    ON CONFLICT (key) DO UPDATE SET tat = excluded.tat
    RETURNING b.tat
)
SELECT (SELECT slot FROM g) AS slot,
       ready.tat - (CAST(:burst AS float8) - 1) * CAST(:gap AS float8) AS ready_at,
       {_NOW} AS now, (SELECT count(*) FROM c) AS chat_rows
FROM ready
""")
_PAUSE = text(f"""
INSERT INTO ratebucket AS b (key, tat) VALUES (:pause, {_NOW} + CAST(:seconds AS float8))
ON CONFLICT (key) DO UPDATE SET tat = greatest(b.tat, excluded.tat)
""")
_FORGET = text(f"DELETE FROM ratebucket WHERE key LIKE :prefix AND tat < {_NOW} - 60")


@dataclass(frozen=True)
class Reservation:
    """The outcome of one try: `wait` seconds until the reserved global slot (reserved), or
    until the chat's burst allows the next send (not reserved: try again then)."""

    reserved: bool
    wait: float


async def reserve(session: AsyncSession, *, global_key: str, pause_key: str, chat_key: str,
                  gap: float, burst: int, global_gap: float) -> Reservation:
    """Reserve the next send of a chat (the caller commits at once: the global row stays
    locked until then)."""
    row = (await session.execute(_RESERVE, {
        "global": global_key, "pause": pause_key, "chat": chat_key,
        "gap": gap, "burst": burst, "ggap": global_gap})).one()
    slot, ready_at, now, _ = row
    if slot is None:
        return Reservation(False, max(ready_at - now, 0.0))
    return Reservation(True, max(slot - now, 0.0))


async def pause(session: AsyncSession, *, pause_key: str, seconds: float) -> None:
    """Hold every worker's sends on a channel for `seconds` from now (a 429)."""
    await session.execute(_PAUSE, {"pause": pause_key, "seconds": seconds})


async def forget_idle_chats(session: AsyncSession, *, prefix: str) -> None:
    """Delete chat buckets whose pace ran out over a minute ago (they hold nothing)."""
    await session.execute(_FORGET, {"prefix": prefix + "%"})
