"""The outbox's rate limiter: a reply's burst per private chat, FIFO global slots, pauses."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.outbox.ratelimit import ChannelRateLimiter
from bot.outbox.senders import RateLimits


async def _times(limiter: ChannelRateLimiter, address: str, n: int, group: bool = False
                 ) -> list[float]:
    start, out = time.monotonic(), []
    for _ in range(n):
        await limiter.acquire(address, group=group)
        out.append(time.monotonic() - start)
    return out


async def test_a_private_chat_gets_its_burst_at_once_then_the_average_pace() -> None:
    limiter = ChannelRateLimiter(RateLimits(per_second=1000, per_chat_interval=0.2,
                                            per_chat_burst=3, group_interval=0.2))
    times = await _times(limiter, "42", 5)
    assert times[2] < 0.05  # the three parts of a reply go at once
    assert 0.18 <= times[3] < 0.3 and 0.38 <= times[4] < 0.5  # then one per interval
    group = await _times(limiter, "-100", 2, group=True)
    assert group[1] - group[0] >= 0.18  # a group never bursts


async def test_global_slots_go_in_the_order_asked() -> None:
    limiter = ChannelRateLimiter(RateLimits(per_second=20, per_chat_interval=0.01,
                                            per_chat_burst=1))
    done: list[tuple[str, float]] = []
    start = time.monotonic()

    async def one(address: str) -> None:
        await limiter.acquire(address)
        done.append((address, time.monotonic() - start))

    await asyncio.gather(*(one(f"chat{i}") for i in range(8)))
    assert [a for a, _ in done] == [f"chat{i}" for i in range(8)]
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(done)]
    assert min(gaps) >= 0.045 and done[-1][1] < 0.5  # 20 a second, no slot wasted


async def test_a_pause_holds_every_chat_including_reserved_slots() -> None:
    limiter = ChannelRateLimiter(RateLimits(per_second=10, per_chat_interval=0.01,
                                            per_chat_burst=1))
    await limiter.acquire("a")
    waiting = asyncio.create_task(_times(limiter, "b", 1))  # reserved the next slot (0.1 s)
    await asyncio.sleep(0.02)
    limiter.pause(0.3)  # a 429 while b waits for its slot
    assert (await waiting)[0] >= 0.3


async def test_a_slot_woken_late_is_not_spent_in_a_burst() -> None:
    """A process that stalled past its slot reserves a new one: the slots that passed
    meanwhile would otherwise all go at once."""
    now = [100.0]
    limiter = ChannelRateLimiter(RateLimits(per_second=10, per_chat_interval=0.01,
                                            per_chat_burst=1), monotonic=lambda: now[0])
    await limiter.acquire("a")  # slot 100.0; the next global slot is 100.1
    stalls = iter([0.5])  # the first sleep wakes 0.5 s late, the others on time

    async def sleep(seconds: float) -> None:
        now[0] += seconds + next(stalls, 0.0)

    real_sleep = asyncio.sleep
    asyncio.sleep = sleep  # type: ignore[assignment]
    try:
        await limiter.acquire("b")  # slot 100.1, woken at 100.6: forfeited, a new one taken
    finally:
        asyncio.sleep = real_sleep  # type: ignore[assignment]
    assert now[0] == pytest.approx(100.6)  # a new slot, free at once
    assert limiter._global_tat == pytest.approx(100.7)  # the late slot and the new one
