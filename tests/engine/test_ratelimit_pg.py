"""The rate limiter shared through PostgreSQL: two workers of one bot stay within one bot's
limits (no Redis)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker
from bot.outbox.ratelimit_pg import PostgresRateLimiter, chat_sessions
from bot.outbox.senders import RateLimits
from models import RateBucket

pytestmark = pytest.mark.postgres
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(pg_url: object) -> AsyncIterator[Sessions]:
    """Sessions on this run's PostgreSQL database, or skip without a server."""
    if not pg_url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    engine = make_engine(str(pg_url))
    yield make_sessionmaker(engine)
    await engine.dispose()


def _workers(sessions: Sessions, limits: RateLimits, n: int = 2) -> list[PostgresRateLimiter]:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"  # one bot; each limiter is one worker
    return [PostgresRateLimiter(limits, sessions, prefix) for _ in range(n)]


async def test_two_workers_share_the_global_rate(sessions: Sessions) -> None:
    a, b = _workers(sessions, RateLimits(per_second=20, per_chat_interval=0.01,
                                         per_chat_burst=1))
    times: list[float] = []

    async def send(limiter: PostgresRateLimiter, chat: str) -> None:
        await limiter.acquire(chat)
        times.append(time.monotonic())

    await asyncio.gather(*(send(a if i % 2 else b, f"chat{i}") for i in range(20)))
    times.sort()
    assert times[-1] - times[0] >= 0.9  # 20 sends at 20/s between them, not 40/s
    assert times[-1] - times[0] < 2.5


async def test_a_chat_has_one_burst_and_one_pace_across_workers(sessions: Sessions) -> None:
    a, b = _workers(sessions, RateLimits(per_second=1000, per_chat_interval=0.3,
                                         per_chat_burst=3))
    start = time.monotonic()
    for _ in range(3):
        await a.acquire("42")  # a reply of three goes at once
    assert time.monotonic() - start < 0.2
    await b.acquire("42")  # the other worker's fourth message waits for the chat's pace
    assert time.monotonic() - start >= 0.28


async def test_a_group_has_no_burst(sessions: Sessions) -> None:
    (a,) = _workers(sessions, RateLimits(per_second=1000, group_interval=0.25), n=1)
    start = time.monotonic()
    await a.acquire("-100", group=True)
    await a.acquire("-100", group=True)
    assert time.monotonic() - start >= 0.23


async def test_a_pause_in_one_worker_holds_the_other(sessions: Sessions) -> None:
    a, b = _workers(sessions, RateLimits(per_second=1000, per_chat_interval=0.01))
    a.pause(0.5)
    await asyncio.sleep(0.1)  # the pause reaches the database
    start = time.monotonic()
    await b.acquire("7")
    assert time.monotonic() - start >= 0.3


async def test_the_chat_connection_is_used_when_handed_over(sessions: Sessions) -> None:
    """A chat's delivery reserves on its own connection: the limiter takes no other."""
    (a,) = _workers(sessions, RateLimits(per_second=1000), n=1)
    engine = sessions.kw["bind"]
    async with engine.connect() as conn:
        token = chat_sessions.set(async_sessionmaker(bind=conn, expire_on_commit=False))
        try:
            before = engine.pool.checkedout()
            await a.acquire("9")
            assert engine.pool.checkedout() == before
        finally:
            chat_sessions.reset(token)
    async with sessions() as s:
        keys = set((await s.execute(select(RateBucket.key))).scalars())
    assert {a.prefix + "global", a.prefix + "chat:9"} <= keys


async def test_without_the_database_a_worker_paces_alone() -> None:
    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")  # nothing there
    limiter = PostgresRateLimiter(RateLimits(per_second=1000, per_chat_interval=0.2,
                                             per_chat_burst=1), make_sessionmaker(engine), "x:")
    start = time.monotonic()
    await limiter.acquire("1")
    await limiter.acquire("1")
    assert 0.18 <= time.monotonic() - start < 10.0
    await engine.dispose()
