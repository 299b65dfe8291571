"""The rate limiter shared through Redis: two workers of one bot stay within one bot's limits."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.outbox.ratelimit_redis import RedisRateLimiter, redis_limiters
from bot.outbox.senders import RateLimits

redis_asyncio = pytest.importorskip("redis.asyncio")
URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def client() -> AsyncIterator[Any]:
    """A Redis client, or skip when no Redis runs here."""
    redis = redis_asyncio.Redis.from_url(URL)
    try:
        await redis.ping()
    except Exception:
        await redis.aclose()
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield redis
    await redis.aclose()


def _workers(client: Any, limits: RateLimits, n: int = 2) -> list[RedisRateLimiter]:
    prefix = f"ghimar-test:{uuid.uuid4().hex}:"  # one bot; each limiter is one worker
    return [RedisRateLimiter(limits, client, prefix) for _ in range(n)]


async def test_two_workers_share_the_global_rate(client: Any) -> None:
    a, b = _workers(client, RateLimits(per_second=20, per_chat_interval=0.01, per_chat_burst=1))
    times: list[float] = []

    async def send(limiter: RedisRateLimiter, chat: str) -> None:
        await limiter.acquire(chat)
        times.append(time.monotonic())

    await asyncio.gather(*(send(a if i % 2 else b, f"chat{i}") for i in range(20)))
    times.sort()
    assert times[-1] - times[0] >= 0.9  # 20 sends at 20/s between them, not 40/s
    assert times[-1] - times[0] < 2.0


async def test_a_chat_has_one_burst_and_one_pace_across_workers(client: Any) -> None:
    a, b = _workers(client, RateLimits(per_second=1000, per_chat_interval=0.3,
                                       per_chat_burst=3))
    start = time.monotonic()
    for _ in range(3):
        await a.acquire("42")  # a reply of three goes at once
    assert time.monotonic() - start < 0.1
    await b.acquire("42")  # the other worker's fourth message waits for the chat's pace
    assert time.monotonic() - start >= 0.28


async def test_a_pause_in_one_worker_holds_the_other(client: Any) -> None:
    a, b = _workers(client, RateLimits(per_second=1000, per_chat_interval=0.01))
    a.pause(0.4)
    await asyncio.sleep(0.05)  # the pause reaches Redis
    start = time.monotonic()
    await b.acquire("7")
    assert time.monotonic() - start >= 0.3


async def test_without_redis_a_worker_paces_alone() -> None:
    make = redis_limiters("redis://127.0.0.1:1/0")  # nothing listens there
    limiter = make("telegram", RateLimits(per_second=1000, per_chat_interval=0.2,
                                          per_chat_burst=1))
    start = time.monotonic()
    await limiter.acquire("1")
    await limiter.acquire("1")
    assert 0.18 <= time.monotonic() - start < 5.0
    await limiter.client.aclose()
