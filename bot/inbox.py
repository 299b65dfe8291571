"""The inbound inbox: a received update is stored and committed before it is acknowledged,
then handled from the table.

`receive` is what a webhook does before answering 200: one cheap insert into the receipts
table (de-duplicated by the platform's id, the payload encrypted) and a commit. When the
database is away it raises, the webhook answers 5xx and the platform delivers the update again
later: intake pauses, nothing is dropped. The stored update is then handled at once in this
process (a chat's updates in the order received); the turn that handles it marks the receipt
handled in its own transaction. `run` takes over what no worker finished — a crash, a restart,
a database outage during the turn — once its lease ran out (SKIP LOCKED on PostgreSQL, so
several workers never take the same row).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import weakref
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db import is_unavailable, transaction
from bot.repo import receipts

log = logging.getLogger(__name__)
Update = dict[str, Any]
# Handles one update; True when a conversation turn claimed its id (marked it handled).
Handle = Callable[[Update], Awaitable[bool]]
GIVE_UP_AFTER = 3  # failures (other than the database being away) before an update is dropped


class Inbox:
    """One channel's stored updates: receive, handle at once, take over what was left."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], channel: str, *,
                 handle: Handle, key: Callable[[Update], str],
                 chat: Callable[[Update], Hashable], clock: Clock,
                 lease_seconds: float = 30.0) -> None:
        self.sessions = sessions
        self.channel = channel
        self.handle = handle
        self.key = key  # the platform id, as the engine's receipt names it ("tg:123")
        self.chat = chat
        self.clock = clock
        self.lease = dt.timedelta(seconds=lease_seconds)
        self._tasks: set[asyncio.Task[None]] = set()
        self._chats: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary())
        self._failures: dict[str, int] = {}

    async def receive(self, update: Update) -> bool:
        """Store the update durably (raises when the database is away), then handle it in
        the background; False when this update was received before."""
        return (await self.receive_all([update]))[0]

    async def receive_all(self, updates: list[Update]) -> list[bool]:
        """Store several updates in one commit (raises when the database is away), then
        handle the new ones in the background; for each, whether it was new."""
        now = self.clock.now()
        async with transaction(self.sessions) as session:
            fresh = [await receipts.store(session, channel=self.channel,
                                          message_id=self.key(update), payload=update, now=now)
                     for update in updates]
        for update, new in zip(updates, fresh, strict=True):
            if new:
                self._start(update)
        return fresh

    def _start(self, update: Update) -> None:
        lock = self._chats.get(self.chat(update))
        if lock is None:
            lock = asyncio.Lock()
            self._chats[self.chat(update)] = lock
        task = asyncio.create_task(self._handle(update, lock))  # takes the chat's lock first,
        self._tasks.add(task)  # so a chat's updates are handled in the order received
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update, lock: asyncio.Lock) -> None:
        key = self.key(update)
        async with lock:
            try:
                if not await self.handle(update):
                    await self._mark_handled(key)
                self._failures.pop(key, None)
            except Exception as exc:
                if is_unavailable(exc):  # taken over once its lease runs out
                    log.warning("%s update %s left in the inbox: the database is unavailable "
                                "(%s)", self.channel, key, type(exc).__name__)
                    return
                failures = self._failures[key] = self._failures.get(key, 0) + 1
                log.exception("%s update %s failed (attempt %s of %s)", self.channel, key,
                              failures, GIVE_UP_AFTER)
                if failures >= GIVE_UP_AFTER:
                    log.error("%s update %s given up after %s attempts", self.channel, key,
                              failures)
                    self._failures.pop(key, None)
                    with contextlib.suppress(Exception):
                        await self._mark_handled(key)

    async def _mark_handled(self, key: str) -> None:
        async with transaction(self.sessions) as session:
            await receipts.mark_handled(session, channel=self.channel, message_id=key,
                                        now=self.clock.now())

    async def take_over(self) -> int:
        """Handle the stored updates whose lease ran out; how many were taken."""
        now = self.clock.now()
        async with transaction(self.sessions) as session:
            updates = await receipts.take_unhandled(session, channel=self.channel,
                                                    stale_before=now - self.lease, now=now)
        for update in updates:
            self._start(update)
        if updates:
            log.info("%s inbox: %s stored updates taken over", self.channel, len(updates))
        return len(updates)

    async def run(self, stop: asyncio.Event, poll_seconds: float = 5.0) -> None:
        """Take over left updates (at once on start: what a stopped worker stored) until
        `stop`; then let the updates in hand finish for a moment."""
        while not stop.is_set():
            try:
                await self.take_over()
            except Exception as exc:
                log.warning("%s inbox: take-over failed (%s); again later", self.channel,
                            type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        await self.drain(timeout=5)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for the updates being handled (what is unfinished stays stored)."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in late:
                task.cancel()
