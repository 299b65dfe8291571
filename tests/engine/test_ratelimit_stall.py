"""One rule in all three rate limiters (memory, PostgreSQL, Redis): a send counts from when it
really happens. Deterministic scenarios on a virtual clock stall the event loop between a
slot being reserved and the send reaching the platform, and check the platform's view (the
arrival times): after a private chat's burst no two sends closer than its gap, and never more
than ceil(per_second) sends in any window of ceil(per_second) / per_second seconds."""

from __future__ import annotations

import itertools
import math
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.outbox.ratelimit import ChannelRateLimiter
from bot.outbox.senders import RateLimits
from tests.emulators.telegram_rates import _fits_bucket
from tests.engine.limiter_sim import VirtualTime, max_in_window

LAG = 0.05  # from the slot to the request reaching the platform (network, event loop)
Make = Callable[[RateLimits, VirtualTime], list[Any]]  # one limiter per worker


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres),
                        "redis"])
def store(request: pytest.FixtureRequest) -> tuple[str, object]:
    """Where the limiter keeps its buckets (and the PostgreSQL URL)."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    return request.param, url


@pytest.fixture
async def make(store: tuple[str, object]) -> AsyncIterator[Make]:
    """Limiters of one bot on a virtual clock: one in memory, or two workers sharing a store."""
    kind, url = store
    if kind == "memory":
        yield lambda limits, vt: [ChannelRateLimiter(limits, monotonic=vt, sleep=vt.sleep)]
    elif kind == "postgres":
        from bot.db import make_engine, make_sessionmaker
        from bot.outbox.ratelimit_pg import PostgresRateLimiter

        if not url:
            pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
        engine = make_engine(str(url))
        sessions = make_sessionmaker(engine)
        prefix = f"stall-{uuid.uuid4().hex[:8]}:"
        yield lambda limits, vt: [
            PostgresRateLimiter(limits, sessions, prefix, clock=vt, sleep=vt.sleep)
            for _ in range(2)]
        await engine.dispose()
    else:
        redis_asyncio = pytest.importorskip("redis.asyncio")
        from bot.outbox.ratelimit_redis import RedisRateLimiter

        client = redis_asyncio.Redis.from_url("redis://127.0.0.1:6379/0")
        try:
            await client.ping()
        except Exception:
            await client.aclose()
            pytest.skip("no Redis on 127.0.0.1:6379")
        prefix = f"ghimar-test:{uuid.uuid4().hex}:"
        yield lambda limits, vt: [
            RedisRateLimiter(limits, client, prefix, clock=vt, sleep=vt.sleep)
            for _ in range(2)]
        await client.aclose()


async def _deliver(vt: VirtualTime, limiters: list[Any], chats: dict[str, int],
                   stalls: list[tuple[float, float]], lag: float = LAG
                   ) -> dict[str, list[float]]:
    """Each chat's messages one after the other (as the dispatcher does), the chats in
    parallel over the workers; the loop stalls (at, seconds). Returns arrival times."""
    arrivals: dict[str, list[float]] = {chat: [] for chat in chats}
    start = vt.now

    async def chat_task(index: int, chat: str, count: int) -> None:
        limiter = limiters[index % len(limiters)]
        for _ in range(count):
            await limiter.acquire(chat, group=chat.startswith("-"))
            await vt.sleep(lag)  # on its way: a stall now delays it too
            arrivals[chat].append(vt.now)
            await limiter.release(chat)  # the platform answered

    async def staller() -> None:
        for at, seconds in stalls:
            await vt.sleep(start + at - vt.now)
            vt.stall(seconds)

    await vt.run(staller(), *(chat_task(i, c, n) for i, (c, n) in enumerate(chats.items())))
    return arrivals


STALLS = [(0.3 + 0.7 * i, 0.45) for i in range(8)]  # the loop held 0.45 s every 0.7 s
# ... and held for a short while or for longer than a chat's gap (its bucket refills meanwhile)
MIXED = [*STALLS, (6.0, 1.5), (7.9, 0.2), (8.6, 2.5), (12.0, 0.7)]


async def test_a_private_chat_keeps_its_pace_after_the_burst_through_stalls(
        make: Make) -> None:
    vt = VirtualTime()
    gap, burst = 1.0, 3
    limits = RateLimits(per_second=100, per_chat_interval=gap, per_chat_burst=burst)
    arrivals = await _deliver(vt, make(limits, vt), {f"{700 + i}": 12 for i in range(4)},
                              MIXED)
    for chat, times in arrivals.items():
        assert len(times) == 12
        closest = min(b - a for a, b in zip(times[burst - 1:], times[burst:], strict=False))
        assert closest >= gap - 1e-6, (chat, times)
        assert _fits_bucket(times, 1.0 / gap, burst), (chat, times)


async def test_a_reply_still_goes_at_once_and_a_group_never_bursts(make: Make) -> None:
    vt = VirtualTime()
    limits = RateLimits(per_second=100, per_chat_interval=1.0, per_chat_burst=3,
                        group_interval=3.0)
    arrivals = await _deliver(vt, make(limits, vt), {"42": 5, "-100": 3}, [])
    reply, group = arrivals["42"], arrivals["-100"]
    assert reply[2] - reply[0] < 3 * LAG + 0.01  # the three parts one after the other
    assert reply[3] - reply[2] >= 1.0 - 1e-6 and reply[4] - reply[3] >= 1.0 - 1e-6
    assert min(b - a for a, b in itertools.pairwise(group)) >= 3.0 - 1e-6


@pytest.mark.parametrize(("per_second", "lag"), [(10.0, 0.3), (4.5, 0.5), (27.0, 0.1)])
async def test_the_global_window_is_never_exceeded_through_stalls(
        make: Make, per_second: float, lag: float) -> None:
    vt = VirtualTime()
    limits = RateLimits(per_second=per_second, per_chat_interval=0.5, per_chat_burst=1)
    chats = {f"{900 + i}": 1 + i % 2 for i in range(30)}  # 45 sends
    arrivals = await _deliver(vt, make(limits, vt), chats, STALLS, lag)
    times = sorted(t for ts in arrivals.values() for t in ts)
    capacity = math.ceil(per_second)
    assert len(times) == 45
    assert max_in_window(times, capacity / per_second) <= capacity
    stalled = sum(s for _, s in STALLS)
    # no slot forfeited: the sends take their time at the rate (each send holds its place in
    # the window until answered: `lag` more), plus the stalls
    assert times[-1] - 1000.0 <= 45 / per_second * (1 + lag * per_second / capacity) + stalled


async def test_the_stores_pace_a_chat_exactly_as_memory_does(make: Make) -> None:
    """The rule is one: SQL and Lua give the very times the Python rule gives (a chat's
    messages through stalls, on one virtual clock), not only times within the limits."""
    limits = RateLimits(per_second=100, per_chat_interval=1.0, per_chat_burst=3,
                        group_interval=3.0)
    chats = {"42": 8, "-100": 3}
    stalls = [(0.02, 0.4), (1.3, 0.7), (2.9, 0.2), (4.0, 1.5)]
    runs = []
    for limiter in ("memory", "store"):
        vt = VirtualTime()
        one = ([ChannelRateLimiter(limits, monotonic=vt, sleep=vt.sleep)] if limiter == "memory"
               else make(limits, vt)[:1])
        runs.append([await _deliver(vt, one, {chat: count}, stalls)
                     for chat, count in chats.items()])
    expected, got = runs
    for (chat, want), (same, have) in zip((next(iter(r.items())) for r in expected),
                                          (next(iter(r.items())) for r in got), strict=True):
        assert chat == same and have == pytest.approx(want)
