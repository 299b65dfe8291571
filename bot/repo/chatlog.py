"""The log of a pulled conversation (the website chat): append in order, read after an id."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.repo._dialect import insert_ignore_id, is_postgres
from models import ChatLogEntry

NOTIFY_CHANNEL = "ghimar_chatlog"  # PostgreSQL NOTIFY: "<channel>:<address>" was appended
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_NOTIFY = text("SELECT pg_notify(:c, :p)")
# built once: on every append (an ORM select() built per call cost as much as the insert)
_LAST_ID = text("SELECT max(id) FROM chatlogentry WHERE channel = :c AND address = :a")


def _lock_key(channel: str, address: str) -> int:
    digest = hashlib.sha256(f"chatlog:{channel}:{address}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def append(
    session: AsyncSession, *, channel: str, address: str, direction: str, dedupe_key: str,
    payload: dict[str, Any], now: dt.datetime, outbox_id: int | None = None,
) -> tuple[int, int] | None:
    """Append one message (nothing when `dedupe_key` is known).

    Returns `(previous, id)` when appended: the address's last id before this entry (0 for
    its first) and the entry's own, so a page at `previous` that is handed the entry has all
    of the address's log up to `id` without reading it. On PostgreSQL the address's
    transaction lock is taken first (on SQLite the write lock is: `bot.db.transaction`), so no
    other entry of the address comes between the two, ids of one address become visible in
    increasing order, and listeners are notified at commit.
    """
    if is_postgres(session):
        await session.execute(_LOCK, {"k": _lock_key(channel, address)})
    previous = (await session.execute(_LAST_ID, {"c": channel, "a": address})).scalar()
    added = await insert_ignore_id(session, ChatLogEntry, {
        "channel": channel, "address": address, "direction": direction,
        "dedupe_key": dedupe_key, "outbox_id": outbox_id, "payload": payload,
        "created_at": now})
    if added is None:
        return None
    if is_postgres(session):
        await session.execute(_NOTIFY, {"c": NOTIFY_CHANNEL, "p": f"{channel}:{address}"})
    return int(previous or 0), added


async def after(
    session: AsyncSession, *, channel: str, address: str, after_id: int, limit: int = 200
) -> list[ChatLogEntry]:
    """The address's messages with an id above `after_id`, oldest first."""
    stmt = (select(ChatLogEntry)
            .where(ChatLogEntry.channel == channel, ChatLogEntry.address == address,
                   ChatLogEntry.id > after_id)  # type: ignore[operator]
            .order_by(ChatLogEntry.id).limit(limit))  # type: ignore[arg-type]
    return list((await session.execute(stmt)).scalars())


async def latest(
    session: AsyncSession, *, channel: str, address: str, limit: int
) -> list[ChatLogEntry]:
    """The address's last `limit` messages, oldest first (the history shown on return)."""
    stmt = (select(ChatLogEntry)
            .where(ChatLogEntry.channel == channel, ChatLogEntry.address == address)
            .order_by(ChatLogEntry.id.desc()).limit(limit))  # type: ignore[union-attr]
    return list(reversed((await session.execute(stmt)).scalars().all()))


async def entry(
    session: AsyncSession, *, channel: str, address: str, entry_id: int
) -> ChatLogEntry | None:
    """One message of the address (None for another address's id)."""
    stmt = select(ChatLogEntry).where(ChatLogEntry.id == entry_id,
                                      ChatLogEntry.channel == channel,
                                      ChatLogEntry.address == address)
    return (await session.execute(stmt)).scalars().first()


@asynccontextmanager
async def listen(
    engine: AsyncEngine, on_notify: Callable[[str], None]
) -> AsyncIterator[Callable[[], bool]]:
    """PostgreSQL: call `on_notify("<channel>:<address>")` for every append by any worker,
    while the context is open; yields a check that the listening connection is still up."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection  # asyncpg's connection

        def relay(_conn: object, _pid: int, _channel: str, payload: str) -> None:
            on_notify(payload)

        await driver.add_listener(NOTIFY_CHANNEL, relay)
        try:
            yield lambda: not driver.is_closed()
        finally:
            with contextlib.suppress(Exception):
                await driver.remove_listener(NOTIFY_CHANNEL, relay)


async def delete_old(session: AsyncSession, *, before: dt.datetime, limit: int) -> int:
    """Retention: delete up to `limit` log entries (oldest first) written before `before`."""
    ids = (select(ChatLogEntry.id).where(ChatLogEntry.created_at < before)  # type: ignore[arg-type]
           .order_by(ChatLogEntry.id).limit(limit))  # type: ignore[arg-type]
    result = await session.execute(delete(ChatLogEntry).where(
        ChatLogEntry.id.in_(ids.scalar_subquery())))  # type: ignore[union-attr]
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
