"""The outbox's rate limiter shared by every worker through PostgreSQL (no Redis needed).

The same GCRA as `ratelimit.py` (a private chat's burst, then its average pace; first come,
first served global slots; a 429 pauses the channel), with the buckets in the `ratebucket`
table and reserved by one statement on the database's clock (`bot/repo/ratebuckets.py`).

A chat being delivered already holds a pooled connection (its advisory lock); the dispatcher
hands that connection's sessions over in `chat_sessions`, so a reservation never takes a
second connection. Each reservation commits at once: the channel's global row is locked only
for that statement, never while a worker sleeps until its slot. A worker that wakes well after
its slot (its process stalled: CPU, GC) does not use it: every slot that passed meanwhile would
go at once, a burst the platform refuses; it reserves a new one instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import transaction
from bot.outbox.ratelimit import ChannelRateLimiter, StoreAway
from bot.outbox.senders import RateLimits
from bot.repo import ratebuckets

Sessions = async_sessionmaker[AsyncSession]
# The sessions of the connection that delivers the current chat (set by the dispatcher).
chat_sessions: ContextVar[Sessions | None] = ContextVar("chat_sessions", default=None)
FORGET_EVERY = 1000  # reservations between two clean-ups of idle chat buckets
LATE_SLOT = 0.05  # seconds: a worker that wakes later than this after its slot reserves again
MAX_FORFEITS = 3  # ... at most this many times per send (a machine that is always late)


class PostgresRateLimiter:
    """A channel's limits shared through PostgreSQL by every worker of one bot."""

    def __init__(self, limits: RateLimits, sessions: Sessions, prefix: str) -> None:
        self.limits = limits
        self.sessions = sessions  # used only when no chat connection is handed over
        self.prefix = prefix  # e.g. "telegram:"
        self.local = ChannelRateLimiter(limits)  # while the database is away
        self._reservations = 0
        self._unavailable = StoreAway("database")
        self._tasks: set[asyncio.Task[None]] = set()

    def pause(self, seconds: float) -> None:
        """Stop all sends on the channel, in every worker, for a while (the platform said 429)."""
        self.local.pause(seconds)
        task = asyncio.create_task(self._pause(seconds))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pause(self, seconds: float) -> None:
        try:
            async with transaction(self.sessions) as session:
                await ratebuckets.pause(session, pause_key=self.prefix + "pause",
                                        seconds=seconds)
        except Exception as exc:
            self._unavailable(exc)

    async def acquire(self, address: str, *, group: bool = False) -> None:
        """Wait for a free slot for this address, shared with the other workers, then take it."""
        limits = self.limits
        gap = limits.group_interval if group else limits.per_chat_interval
        burst = 1 if group else limits.per_chat_burst
        sessions = chat_sessions.get() or self.sessions
        forfeits = 0
        try:
            while True:
                async with sessions() as session:
                    got = await ratebuckets.reserve(
                        session, global_key=self.prefix + "global",
                        pause_key=self.prefix + "pause", chat_key=self.prefix + "chat:" + address,
                        gap=gap, burst=burst, global_gap=1.0 / limits.per_second)
                    self._reservations += 1
                    if self._reservations % FORGET_EVERY == 0:
                        await ratebuckets.forget_idle_chats(session, prefix=self.prefix + "chat:")
                    await session.commit()
                if got.wait > 0:
                    woke = time.monotonic() + got.wait
                    await asyncio.sleep(got.wait)
                    if (got.reserved and time.monotonic() - woke > LATE_SLOT
                            and forfeits < MAX_FORFEITS):
                        forfeits += 1
                        continue  # the process stalled: slots that passed meanwhile would
                        # all go at once, so this one is forfeited and a new one reserved
                if got.reserved and self.local.paused_for() <= 0:
                    return
        except Exception as exc:  # the database away: this worker paces alone meanwhile
            self._unavailable(exc)
            await self.local.acquire(address, group=group)



def postgres_limiters(sessions: Sessions) -> Callable[[str, RateLimits], PostgresRateLimiter]:
    """A limiter factory for the dispatcher: channel, limits -> PostgresRateLimiter."""

    def make(channel: str, limits: RateLimits) -> PostgresRateLimiter:
        return PostgresRateLimiter(limits, sessions, f"{channel}:")

    return make
