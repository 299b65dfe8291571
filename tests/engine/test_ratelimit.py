"""The outbox's rate limiter: a reply's burst per private chat, FIFO global slots, pauses."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.outbox.ratelimit import ChannelRateLimiter
from bot.outbox.senders import RateLimits
from tests.engine.limiter_sim import VirtualTime


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


async def test_a_slot_woken_late_goes_at_once_when_the_window_admits_it() -> None:
    """A process that stalled past its slot sends at once (it does not queue again behind
    everyone) when a permit of the send window is free."""
    vt = VirtualTime(100.0)
    limiter = ChannelRateLimiter(RateLimits(per_second=10, per_chat_interval=0.01,
                                            per_chat_burst=1), monotonic=vt, sleep=vt.sleep)

    async def b() -> None:
        await limiter.acquire("b")  # slot 100.1, woken at 100.6: 1 send in the window

    async def stall() -> None:
        await vt.sleep(0.05)
        vt.stall(0.55)

    await limiter.acquire("a")  # slot 100.0; the next global slot is 100.1
    await limiter.release("a")
    await vt.run(b(), stall())
    assert vt.now == pytest.approx(100.6)  # sent on waking, no second wait
    assert limiter._global_tat == pytest.approx(100.2)  # no slot taken at the back


async def test_after_a_stall_the_late_slots_never_exceed_the_rate_in_any_second() -> None:
    """30 chats queue at 20/s; the loop stalls 0.6 s, so a dozen slots pass unused. The late
    senders go at once as far as the send window allows (each send holds a permit until a
    second after its answer), the rest wait for it: never more than 20 sends in any second,
    and no slot is re-queued."""
    limiter = ChannelRateLimiter(RateLimits(per_second=20, per_chat_interval=1.0,
                                            per_chat_burst=1))
    sent: list[float] = []

    async def one(address: str) -> None:
        await limiter.acquire(address)
        sent.append(time.monotonic())
        await limiter.release(address)

    start = time.monotonic()
    tasks = [asyncio.create_task(one(f"chat{i}")) for i in range(30)]
    await asyncio.sleep(0)  # every task has reserved its slot (0, 0.05, ... 1.45 s)
    time.sleep(0.6)  # the process stalls: the slots of 0.05 ... 0.6 s pass
    await asyncio.gather(*tasks)
    sent.sort()
    busiest = max(sum(1 for t in sent if s <= t < s + 1.0 - 1e-3) for s in sent)
    assert busiest <= 20
    assert sent[12] - start < 0.7  # the 13 slots that passed went on waking (window empty)
    # 7 more fit the window by 1.0 s, the other 10 wait for it (1.6 s); forfeiting the late
    # slots instead would have queued them behind the last slot (1.45 s) until 2.1 s
    assert sent[-1] - start < 1.9


def test_a_shared_store_away_is_said_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    from bot.outbox.ratelimit import StoreAway

    away = StoreAway("Redis", detail=True)
    with caplog.at_level("WARNING", logger="bot.outbox.ratelimit"):
        away(ConnectionError("refused"))
        away(ConnectionError("refused again"))
    assert [r.getMessage() for r in caplog.records] == [
        "rate limiter: Redis unavailable (ConnectionError: refused); "
        "pacing in this process only"]
