"""Delivery outcomes written to the outbox table, with group commit.

Each delivery waits until its outcome is committed (a chat's next message, and on PostgreSQL
the release of the chat's lock, come only after it), but the outcomes of deliveries that
finish at about the same time share one transaction and one statement per set of columns.
On a quiet bot that is one transaction per message, as before; on a busy one it saves a
commit and a connection per message.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import transaction
from bot.repo import outbox as repo

Waiting = tuple[int, dict[str, Any], "asyncio.Future[None]"]


class OutcomeWriter:
    """Writes `UPDATE outboxmessage SET ... WHERE id = ...` for many rows at once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self._queue: list[Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, row_id: int, values: dict[str, Any]) -> None:
        """Store these column values on the row; returns once they are committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((row_id, values, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self._commit(batch)
            except Exception as exc:  # every waiter learns that its outcome was not stored
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _commit(self, batch: list[Waiting]) -> None:
        async with transaction(self.sessions) as session:
            await repo.set_outcomes(session, [(row_id, values) for row_id, values, _ in batch])
