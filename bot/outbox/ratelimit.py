"""Rate limiting for one channel: a global pace and a per-chat pace with a short burst.

One rule, the same in the three limiters (here in memory; `ratelimit_pg.py` in PostgreSQL,
`ratelimit_redis.py` in Redis, on the store's clock): a send counts from when it really
happens, not from when its slot was reserved.

- Slots: GCRA (the generic cell rate algorithm). Each key keeps a "theoretical arrival time"
  (TAT); a chat may send when its TAT is no more than (burst - 1) gaps ahead of now, and the
  channel's global slots are handed out first come, first served, one per 1/per_second. The
  slots order and spread the sends; they are not what keeps the platform's count.
- The platform's count: at most C = ceil(per_second) sends in any C/per_second seconds
  (`SendWindow`). A send holds one of C permits from when it is let go until its answer came,
  plus that window: a send in flight counts (its request may reach the platform any time
  until it is answered). So a sender that wakes late, after an event-loop stall (CPU, GC),
  goes at once when a permit is free and otherwise waits for one: never a burst of all the
  slots that passed meanwhile, and no slot is forfeited.
- A chat's pace: the caller says when the send was answered (`release`, or the chat's next
  `acquire`: a chat's sends are sequential). The chat's TAT is stamped at the reservation as
  max(TAT, due) + gap (due: when the chat allowed the send, the later of when it was asked
  for and when the chat's pace allowed it) and, at the answer (`after_send`), moved to at
  least answer + gap (GCRA on the answers, which the platform's arrivals precede). Past the
  burst (a send the chat's pace made wait) it also moves on by the time from `due` to the
  answer, and once the burst is spent the next send waits a gap from this one's answer: a
  stall, before or after the send was let go, shifts a paced chat's schedule and never
  earns it its burst back (no two parts of a long reply closer than the gap after the
  burst), while a reply of up to `per_chat_burst` parts still goes at once (the parts'
  round trips do not add up).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.outbox.senders import RateLimits

log = logging.getLogger(__name__)
LEASE = 30.0  # seconds: a send still unanswered after this no longer holds its permit
MAX_PERMITS = 256  # window permits (rows, hash fields) whatever the configured rate
Sleep = Callable[[float], Awaitable[None]]


def window_of(limits: RateLimits) -> tuple[int, float]:
    """(C permits, window seconds): at most C sends in any window, C = ceil(per_second), at
    most MAX_PERMITS (a rate above any platform's: a shorter window, the same rate)."""
    capacity = max(1, min(math.ceil(limits.per_second), MAX_PERMITS))
    return capacity, capacity / limits.per_second


def pace_of(limits: RateLimits, group: bool) -> tuple[float, int]:
    """(gap, burst) of a chat: a group never bursts."""
    return (limits.group_interval, 1) if group else (limits.per_chat_interval,
                                                     limits.per_chat_burst)


def after_send(tat: float, answered: float, gap: float, burst: int, late: float) -> float:
    """A chat's TAT once its send was answered at `answered`, `late` seconds after the chat
    allowed it (0 for a send of the burst, which did not wait for the chat): moved on by
    `late`, at least a gap from the answer, and when the burst is spent (the next send waits
    anyway), far enough that the next send waits a gap from this answer. (The same in SQL
    and Lua.)"""
    tat = max(tat + max(late, 0.0), answered + gap)
    if tat - (burst - 1) * gap > answered:
        tat = max(tat, answered + burst * gap)
    return tat


class SendWindow:
    """C permits: a send holds one from when it is let go until answered + the window."""

    def __init__(self, limits: RateLimits) -> None:
        capacity, self.width = window_of(limits)
        self.free_at = [-math.inf] * capacity

    def take(self, now: float) -> tuple[int | None, float]:
        """(permit, 0) when one is free now, else (None, seconds to wait before looking
        again: until the first frees, at most one window: a send in flight frees its permit
        a window after its answer, so not before then)."""
        index = min(range(len(self.free_at)), key=self.free_at.__getitem__)
        if self.free_at[index] > now:
            return None, min(self.free_at[index] - now, self.width)
        self.free_at[index] = now + LEASE
        return index, 0.0

    def give_back(self, index: int, leased: float, answered: float) -> None:
        """The send on this permit was answered: it still counts for one window."""
        if self.free_at[index] == leased:  # not taken over after its lease ran out
            self.free_at[index] = answered + self.width


class StoreAway:
    """A shared limiter's store (the database, Redis) did not answer: say so at most once a
    minute; the limiter paces in this process alone meanwhile."""

    def __init__(self, store: str, *, detail: bool = False, every: float = 60.0) -> None:
        self.store, self.detail, self.every = store, detail, every
        self._said = -math.inf

    def __call__(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._said >= self.every:
            self._said = now
            cause = f"{type(exc).__name__}: {exc}" if self.detail else type(exc).__name__
            log.warning("rate limiter: %s unavailable (%s); pacing in this process only",
                        self.store, cause)


class Limiter(Protocol):
    """What the dispatcher and the senders need of a channel's rate limiter."""

    limits: RateLimits

    def pause(self, seconds: float) -> None:
        """Stop all sends on the channel for a while."""
        ...

    async def acquire(self, address: str, *, group: bool = False) -> None:
        """Wait for a free slot for this address, then take it (and close the address's
        previous slot: its send was answered)."""
        ...

    async def release(self, address: str) -> None:
        """The address's send was answered (or failed): pace from now. Never raises."""
        ...


@dataclass(frozen=True)
class _Open:
    permit: int
    leased: float
    due: float  # when the chat allowed the send
    gap: float
    burst: int
    paced: bool  # the chat's pace made the send wait (past its burst)


class ChannelRateLimiter:
    """Waits so that sends stay within a channel's global and per-chat limits."""

    def __init__(self, limits: RateLimits, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.limits = limits
        self._clock = monotonic
        self._sleep = sleep
        self._global_tat = 0.0
        self._chat_tat: dict[str, float] = {}
        self._paused_until = 0.0
        self._window = SendWindow(limits)
        self._open: dict[str, _Open] = {}  # address -> its send in flight

    def pause(self, seconds: float) -> None:
        """Stop all sends on the channel for a while (the platform said 429)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def paused_for(self) -> float:
        """Seconds the channel is still paused (0 when not)."""
        return max(self._paused_until - self._clock(), 0.0)

    async def acquire(self, address: str, *, group: bool = False) -> None:
        """Wait for a free slot for this address, then take it.

        The chat's own pace is waited for first (one task delivers a chat, so nobody else
        takes its slots); then the next global slot is reserved at once and slept until, so
        chats get the channel's slots in the order they asked (first come, first served: under
        the global cap no chat waits seconds while others keep winning the race); then a
        permit of the send window, waited for only when the window is full.
        """
        await self.release(address)
        gap, burst = pace_of(self.limits, group)
        global_gap = 1.0 / self.limits.per_second
        asked = self._clock()
        paced = False
        while True:
            now = self._clock()
            chat_tat = self._chat_tat.get(address, 0.0)
            chat_ready = chat_tat - (burst - 1) * gap
            if chat_ready > now:
                paced = True
                await self._sleep(chat_ready - now)
                continue
            due = max(asked, chat_ready)  # when the chat allowed this send (stalls aside)
            slot = max(self._global_tat, self._paused_until, now)
            self._global_tat = slot + global_gap
            self._chat_tat[address] = max(chat_tat, due) + gap
            if len(self._chat_tat) > 10000:
                self._chat_tat = {a: t for a, t in self._chat_tat.items() if t > now}
            if slot > now:
                await self._sleep(slot - now)
            while self._paused_until <= (now := self._clock()):
                permit, wait = self._window.take(now)
                if permit is not None:
                    self._open[address] = _Open(permit, now + LEASE, due, gap, burst, paced)
                    return
                await self._sleep(wait)  # woken late, behind other late ones
            # a 429 came while this slot was waiting: its slot is lost, queue again

    async def release(self, address: str) -> None:
        """The address's send was answered: its permit counts one more window, and the chat
        is paced from now."""
        opened = self._open.pop(address, None)
        if opened is None:
            return
        now = self._clock()
        self._window.give_back(opened.permit, opened.leased, now)
        late = now - opened.due if opened.paced else 0.0
        self._chat_tat[address] = after_send(self._chat_tat.get(address, 0.0), now,
                                             opened.gap, opened.burst, late)
