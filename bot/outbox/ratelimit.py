"""Rate limiting for one channel: a global pace and a per-chat pace with a short burst.

Both use GCRA (the generic cell rate algorithm): each key keeps a "theoretical arrival
time"; a send may go when it is no more than (burst - 1) gaps ahead of now.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

from bot.outbox.senders import RateLimits

LATE_SLOT = 0.05  # seconds: a sender that wakes later than this after its slot reserves again
MAX_FORFEITS = 3  # ... at most this many times per send (a machine that is always late)


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
        forfeits = 0
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
                if self._clock() - slot > LATE_SLOT and forfeits < MAX_FORFEITS:
                    forfeits += 1
                    continue  # the process stalled: the slots that passed meanwhile would all
                    # go at once, a burst the platform refuses; this one reserves again
            if self._paused_until <= self._clock():
                return
            # a 429 came while this slot was waiting: its slot is lost, queue again
