"""The outbox's rate limiter shared by every worker through PostgreSQL (no Redis needed).

The rule of `ratelimit.py` (a private chat's burst, then its pace from each send's answer;
first come, first served global slots; at most ceil(per_second) sends let go or answered in
any window, those in flight included; a 429 pauses the channel), with the buckets and the
window's permits as rows of the `ratebucket` table, on the database's clock
(`bot/repo/ratebuckets.py`).

A chat being delivered already holds a pooled connection (its advisory lock); the dispatcher
hands that connection's sessions over in `chat_sessions`, so the limiter never takes a second
connection. Each statement commits at once: no row stays locked while a worker sleeps until
its slot or while its send is on the wire. A worker that wakes after its slot (its process
stalled: CPU, GC) sends at once when a permit is free, and otherwise waits for one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import transaction
from bot.outbox.ratelimit import LEASE, ChannelRateLimiter, Sleep, StoreAway, pace_of, window_of
from bot.outbox.senders import RateLimits
from bot.repo import ratebuckets

Sessions = async_sessionmaker[AsyncSession]
# The sessions of the connection that delivers the current chat (set by the dispatcher).
chat_sessions: ContextVar[Sessions | None] = ContextVar("chat_sessions", default=None)
FORGET_EVERY = 1000  # reservations between two clean-ups of idle chat buckets


@dataclass(frozen=True)
class _Open:
    permit: str | None  # None: taken from the local limiter (the database was away)
    leased: float
    due: float  # when the chat allowed the send, on this worker's clock
    gap: float
    burst: int
    paced: bool  # the chat's pace made the send wait (past its burst)


class PostgresRateLimiter:
    """A channel's limits shared through PostgreSQL by every worker of one bot."""

    def __init__(self, limits: RateLimits, sessions: Sessions, prefix: str, *,
                 clock: Callable[[], float] | None = None, sleep: Sleep = asyncio.sleep) -> None:
        self.limits = limits
        self.sessions = sessions  # used only when no chat connection is handed over
        self.prefix = prefix  # e.g. "telegram:"
        self.clock = clock  # None: the database's clock (a test gives a fake one)
        self._sleep = sleep
        self._clock = clock or time.monotonic  # this worker's, for durations
        self.local = ChannelRateLimiter(limits, self._clock, sleep)  # the database away
        capacity, self.width = window_of(limits)
        self.window = [f"{prefix}window:{n}" for n in range(capacity)]
        self._window_made = False
        self._reservations = 0
        self._open: dict[str, _Open] = {}
        self._unavailable = StoreAway("database")
        self._tasks: set[asyncio.Task[None]] = set()

    def _now(self) -> float | None:
        return self.clock() if self.clock else None

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
                                        seconds=seconds, now=self._now())
        except Exception as exc:
            self._unavailable(exc)

    async def acquire(self, address: str, *, group: bool = False) -> None:
        """Wait for a free slot for this address, shared with the other workers, then take it."""
        await self.release(address)
        gap, burst = pace_of(self.limits, group)
        sessions = chat_sessions.get() or self.sessions
        asked, paced = self._clock(), False
        try:
            while True:
                async with sessions() as session:
                    now = self._clock()
                    got = await ratebuckets.reserve(
                        session, global_key=self.prefix + "global",
                        pause_key=self.prefix + "pause", chat_key=self.prefix + "chat:" + address,
                        gap=gap, burst=burst, global_gap=1.0 / self.limits.per_second,
                        waited=now - asked, now=self._now())
                    self._reservations += 1
                    if self._reservations % FORGET_EVERY == 0:
                        await ratebuckets.forget_idle_chats(session, prefix=self.prefix + "chat:")
                    await session.commit()
                paced = paced or not got.reserved
                if got.wait > 0:
                    await self._sleep(got.wait)
                if got.reserved and await self._take(
                        sessions, address, _Open(None, 0.0, now + got.due, gap, burst, paced)):
                    return
        except Exception as exc:  # the database away: this worker paces alone meanwhile
            self._unavailable(exc)
            await self.local.acquire(address, group=group)
            self._open[address] = _Open(None, 0.0, 0.0, gap, burst, paced)

    async def _take(self, sessions: Sessions, address: str, opening: _Open) -> bool:
        """A permit of the window for the reserved slot (waited for while the window is full);
        False when the channel was paused meanwhile (the slot is lost: reserve again)."""
        while self.local.paused_for() <= 0:
            async with sessions() as session:
                if not self._window_made:
                    await ratebuckets.add_window(session, keys=self.window)
                permit = await ratebuckets.take(session, keys=self.window,
                                                pause_key=self.prefix + "pause", lease=LEASE,
                                                width=self.width, now=self._now())
                await session.commit()
            self._window_made = True
            if permit.key is not None:
                self._open[address] = replace(opening, permit=permit.key,
                                              leased=permit.leased)
                return True
            if permit.paused_for > 0:
                return False
            await self._sleep(permit.wait)  # woken late, behind other late ones
        return False

    async def release(self, address: str) -> None:
        """The address's send was answered: its permit counts one more window, and the chat
        is paced from now, for every worker."""
        opened = self._open.pop(address, None)
        if opened is None:
            return
        if opened.permit is None:
            await self.local.release(address)
            return
        try:
            async with (chat_sessions.get() or self.sessions)() as session:
                await ratebuckets.release(
                    session, permit=opened.permit, leased=opened.leased, width=self.width,
                    chat_key=self.prefix + "chat:" + address, gap=opened.gap,
                    burst=opened.burst, now=self._now(),
                    late=self._clock() - opened.due if opened.paced else 0.0)
                await session.commit()
        except Exception as exc:  # the permit frees when its lease runs out
            self._unavailable(exc)


def postgres_limiters(sessions: Sessions) -> Callable[[str, RateLimits], PostgresRateLimiter]:
    """A limiter factory for the dispatcher: channel, limits -> PostgresRateLimiter."""

    def make(channel: str, limits: RateLimits) -> PostgresRateLimiter:
        return PostgresRateLimiter(limits, sessions, f"{channel}:")

    return make
