"""Rate limiting for one channel: a global pace and a per-chat pace with a short burst.

Both use GCRA (the generic cell rate algorithm): each key keeps a "theoretical arrival
time"; a send may go when it is no more than (burst - 1) gaps ahead of now. The global pace
is also held to a sliding window of the sends actually let go, the count the platform keeps
(at most ⌈per_second⌉ in any ⌈per_second⌉/per_second seconds): a sender that wakes after its
slot because the process stalled (CPU, GC) sends at once when the window still admits it, and
otherwise waits only until it does, instead of all the slots that passed going in one burst.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bot.outbox.senders import RateLimits

log = logging.getLogger(__name__)


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
        """Wait for a free slot for this address, then take it."""
        ...


class ChannelRateLimiter:
    """Waits so that sends stay within a channel's global and per-chat limits."""

    def __init__(self, limits: RateLimits, monotonic: Callable[[], float] = time.monotonic):
        self.limits = limits
        self._clock = monotonic
        self._global_tat = 0.0
        self._chat_tat: dict[str, float] = {}
        self._paused_until = 0.0
        capacity = max(1, math.ceil(limits.per_second))
        self._window = capacity / limits.per_second  # seconds
        self._sent: deque[float] = deque(maxlen=capacity)  # the last sends let go

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
        the global cap no chat waits seconds while others keep winning the race).
        """
        limits = self.limits
        gap = limits.group_interval if group else limits.per_chat_interval
        burst = 1 if group else limits.per_chat_burst
        global_gap = 1.0 / limits.per_second
        while True:
            now = self._clock()
            chat_tat = max(self._chat_tat.get(address, 0.0), now)
            chat_ready = chat_tat - (burst - 1) * gap
            if chat_ready > now:
                await asyncio.sleep(chat_ready - now)
                continue
            slot = max(self._global_tat, self._paused_until, now)
            self._global_tat = slot + global_gap
            self._chat_tat[address] = max(chat_tat, slot) + gap
            if len(self._chat_tat) > 10000:
                self._chat_tat = {a: t for a, t in self._chat_tat.items() if t > now}
            if slot > now:
                await asyncio.sleep(slot - now)
            while (full := self._window_full_for()) > 0:  # woken late, behind other late ones
                await asyncio.sleep(full)
            if self._paused_until <= self._clock():
                self._sent.append(self._clock())
                return
            # a 429 came while this slot was waiting: its slot is lost, queue again

    def _window_full_for(self) -> float:
        """Seconds until the sliding window admits one more send (0: it does now)."""
        if len(self._sent) < (self._sent.maxlen or 1):
            return 0.0
        return max(self._sent[0] + self._window - self._clock(), 0.0)
