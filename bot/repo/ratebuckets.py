"""Shared rate-limit buckets in PostgreSQL (the outbox's rate limiter without Redis).

The rule of `bot/outbox/ratelimit.py` in SQL. Times are seconds since the epoch on the
database's clock (`clock_timestamp()`, or `now` when a test gives one), so workers on several
machines agree whatever their own clocks say. Every statement is committed at once: no row
stays locked while a worker sleeps or sends.

- `reserve`: one statement reads the chat's bucket and, when the chat's burst allows, moves
  the channel's global bucket on by one gap (`INSERT ... ON CONFLICT DO UPDATE`, which waits
  for and re-reads a row another worker is updating) and the chat's to max(TAT, due) + gap.
- `take`: one of the channel's C window rows (`<prefix>window:<n>`, tat = when it frees) whose
  time has come is leased to a send (`FOR UPDATE SKIP LOCKED`: two workers never lease one).
- `release`: the send was answered: its window row frees a window later, and the chat's
  bucket moves on from the answer (`after_send`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_CLOCK = "extract(epoch FROM clock_timestamp())::float8"
_NOW = f"coalesce(CAST(:now AS float8), {_CLOCK})"
_RESERVE = text(f"""
WITH now_ AS (SELECT {_NOW} AS t),
chat AS (
    SELECT coalesce((SELECT tat FROM ratebucket WHERE key = :chat), 0) AS tat, now_.t AS t,
           coalesce((SELECT tat FROM ratebucket WHERE key = :chat), 0)
               - (CAST(:burst AS float8) - 1) * CAST(:gap AS float8) AS ready_at
    FROM now_
),
ready AS (
    SELECT chat.tat, chat.t, chat.ready_at, chat.ready_at <= chat.t AS ok,
           greatest(chat.t - CAST(:waited AS float8), chat.ready_at) AS due
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
    SELECT :chat, greatest(ready.tat, ready.due) + CAST(:gap AS float8) FROM ready, g
    ON CONFLICT (key) DO UPDATE SET tat = excluded.tat
    RETURNING b.tat
)
SELECT (SELECT slot FROM g) AS slot, ready.ready_at, ready.t AS now, ready.due,
       (SELECT count(*) FROM c) AS chat_rows
FROM ready
""")
_WINDOW_ROWS = text("""
INSERT INTO ratebucket (key, tat) SELECT k, 0 FROM unnest(CAST(:keys AS varchar[])) AS k
ON CONFLICT (key) DO NOTHING
""")
_TAKE = text(f"""
WITH now_ AS (SELECT {_NOW} AS t),
paused AS (SELECT coalesce((SELECT tat FROM ratebucket WHERE key = :pause), 0) AS until_),
free AS (
    SELECT key FROM ratebucket
    WHERE key = ANY(CAST(:keys AS varchar[])) AND tat <= (SELECT t FROM now_)
      AND (SELECT until_ FROM paused) <= (SELECT t FROM now_)
    ORDER BY tat LIMIT 1 FOR UPDATE SKIP LOCKED
),
took AS (
    UPDATE ratebucket AS b SET tat = (SELECT t FROM now_) + CAST(:lease AS float8)
    FROM free WHERE b.key = free.key RETURNING b.key, b.tat
)
SELECT (SELECT key FROM took) AS permit, (SELECT tat FROM took) AS leased,
       (SELECT until_ FROM paused) - now_.t AS paused_for,
       (SELECT min(tat) FROM ratebucket WHERE key = ANY(CAST(:keys AS varchar[]))) - now_.t
           AS wait
FROM now_
""")
_RELEASE = text(f"""
WITH now_ AS (SELECT {_NOW} AS t),
w AS (
    UPDATE ratebucket SET tat = (SELECT t FROM now_) + CAST(:width AS float8)
    WHERE key = :permit AND tat = CAST(:leased AS float8) RETURNING 1
),
c AS (
    UPDATE ratebucket AS b SET tat = (
        SELECT CASE WHEN x.tat - (CAST(:burst AS float8) - 1) * CAST(:gap AS float8) > x.t
                    THEN greatest(x.tat, x.t + CAST(:burst AS float8) * CAST(:gap AS float8))
                    ELSE x.tat END
        FROM (SELECT greatest(b.tat + greatest(CAST(:late AS float8), 0),
                              now_.t + CAST(:gap AS float8)) AS tat, now_.t FROM now_) AS x)
    WHERE b.key = :chat RETURNING 1
)
SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM c)
""")
_PAUSE = text(f"""
INSERT INTO ratebucket AS b (key, tat) VALUES (:pause, {_NOW} + CAST(:seconds AS float8))
ON CONFLICT (key) DO UPDATE SET tat = greatest(b.tat, excluded.tat)
""")
_FORGET = text(f"DELETE FROM ratebucket WHERE key LIKE :prefix AND tat < {_CLOCK} - 60")


@dataclass(frozen=True)
class Reservation:
    """The outcome of one try: `wait` seconds until the reserved global slot (reserved), or
    until the chat's burst allows the next send (not reserved: try again then); `due`: when
    the chat allowed the send, in seconds from now (<= 0; reserved only)."""

    reserved: bool
    wait: float
    due: float = 0.0


@dataclass(frozen=True)
class Permit:
    """A window row leased to a send (`key` None: none free; look again in `wait` seconds,
    or the channel is paused for `paused_for` seconds)."""

    key: str | None
    leased: float
    wait: float
    paused_for: float


async def reserve(session: AsyncSession, *, global_key: str, pause_key: str, chat_key: str,
                  gap: float, burst: int, global_gap: float, waited: float = 0.0,
                  now: float | None = None) -> Reservation:
    """Reserve the next send of a chat, asked for `waited` seconds ago (the caller commits at
    once: the global row stays locked until then)."""
    row = (await session.execute(_RESERVE, {
        "global": global_key, "pause": pause_key, "chat": chat_key, "gap": gap,
        "burst": burst, "ggap": global_gap, "waited": waited, "now": now})).one()
    slot, ready_at, now_, due, _ = row
    if slot is None:
        return Reservation(False, max(ready_at - now_, 0.0))
    return Reservation(True, max(slot - now_, 0.0), min(due - now_, 0.0))


async def add_window(session: AsyncSession, *, keys: list[str]) -> None:
    """Make sure the channel's window rows exist (free)."""
    await session.execute(_WINDOW_ROWS, {"keys": keys})


async def take(session: AsyncSession, *, keys: list[str], pause_key: str, lease: float,
               width: float, now: float | None = None) -> Permit:
    """Lease a free window row to a send (the caller commits at once)."""
    permit, leased, paused_for, wait = (await session.execute(_TAKE, {
        "keys": keys, "pause": pause_key, "lease": lease, "now": now})).one()
    return Permit(permit, leased or 0.0, min(max(wait or 0.0, 0.0), width),
                  max(paused_for or 0.0, 0.0))


async def release(session: AsyncSession, *, permit: str, leased: float, width: float,
                  chat_key: str, gap: float, burst: int, late: float,
                  now: float | None = None) -> None:
    """The send on `permit` was answered now, `late` seconds after the chat allowed it (0 in
    its burst): the row frees a window from now, and the chat's bucket moves on
    (`after_send` in `bot/outbox/ratelimit.py`)."""
    await session.execute(_RELEASE, {
        "permit": permit, "leased": leased, "width": width, "chat": chat_key, "gap": gap,
        "burst": burst, "late": late, "now": now})


async def pause(session: AsyncSession, *, pause_key: str, seconds: float,
                now: float | None = None) -> None:
    """Hold every worker's sends on a channel for `seconds` from now (a 429)."""
    await session.execute(_PAUSE, {"pause": pause_key, "seconds": seconds, "now": now})


async def forget_idle_chats(session: AsyncSession, *, prefix: str) -> None:
    """Delete chat buckets whose pace ran out over a minute ago (they hold nothing)."""
    await session.execute(_FORGET, {"prefix": prefix + "%"})
