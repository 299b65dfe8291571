"""The inbound throttle shared by every worker: in PostgreSQL rows or Redis, one budget for all.

Each `Worker` below is one `bot run` process as far as the throttle can tell: its own
`Throttle`, its own store object and (PostgreSQL) its own engine and connections.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.db import make_engine, make_sessionmaker, transaction
from bot.engine.throttle import Throttle
from bot.engine.throttle_pg import PostgresThrottleStore
from bot.engine.throttle_redis import RedisThrottleStore
from bot.settings import Settings
from tests.conftest import START
from tests.support.convo import Convo

redis_asyncio = pytest.importorskip("redis.asyncio")
REDIS_URL = "redis://127.0.0.1:6379/0"
NOTICE = "وصلتنا رسائل كثيرة"
_ids = itertools.count(1)


class Worker:
    """One process's throttle; `send` counts one message of an identity as a turn would."""

    def __init__(self, throttle: Throttle, engine: AsyncEngine | None = None) -> None:
        self.throttle, self.engine = throttle, engine
        self.sessions = make_sessionmaker(engine) if engine is not None else None

    async def send(self, user: int, *, answered: bool = False) -> str:
        """'ok', 'notify' or 'silent' for one message of identity `user`."""
        said: list[str] = []
        ctx: Any = SimpleNamespace(inbound=SimpleNamespace(channel="telegram", user_id=str(user)),
                                   identity=SimpleNamespace(id=user),
                                   say=lambda key, **_: said.append(key))
        if self.sessions is None:
            ok = await self.throttle.admit(ctx)
            if ok and answered:
                await self.throttle.moved_on(ctx)
        else:
            async with transaction(self.sessions) as session:  # the turn's transaction
                ok = await self.throttle.admit(ctx, session)
                if ok and answered:
                    await self.throttle.moved_on(ctx, session)
        return "ok" if ok else ("notify" if said == ["throttled"] else "silent")


Factory = Callable[[int, int], Worker]  # limit, answer_limit -> a new worker


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres),
                        "redis"])
def store(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    """Where the counts live, with PostgreSQL's URL (this session's database)."""
    if request.param != "postgres":
        return request.param, None
    url = request.getfixturevalue("pg_url")
    if not url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    return request.param, str(url)


@pytest.fixture
async def workers(store: tuple[str, str | None], clock: FrozenClock) -> AsyncIterator[Factory]:
    """Makes workers that share one store (memory: one process only)."""
    kind, pg_url = store
    window = dt.timedelta(seconds=60)
    engines: list[AsyncEngine] = []
    clients: list[Any] = []
    prefix = uuid.uuid4().hex[:8]  # this test's identities, apart from other runs'

    def factory(limit: int, answer_limit: int) -> Worker:
        if kind == "memory":
            return Worker(Throttle(limit, window, clock, answer_limit))
        if kind == "postgres":
            engines.append(make_engine(str(pg_url)))
            return Worker(Throttle(limit, window, clock, answer_limit,
                                   _Prefixed(PostgresThrottleStore(clock), prefix)), engines[-1])
        client = redis_asyncio.Redis.from_url(REDIS_URL)
        clients.append(client)
        return Worker(Throttle(limit, window, clock, answer_limit,
                               _Prefixed(RedisThrottleStore(client, clock), prefix)))

    if kind == "redis":
        probe = redis_asyncio.Redis.from_url(REDIS_URL)
        try:
            await probe.ping()
        except Exception:
            pytest.skip("no Redis on 127.0.0.1:6379")
        finally:
            await probe.aclose()
    yield factory
    for engine in engines:
        await engine.dispose()
    for client in clients:
        await client.aclose()


class _Prefixed:
    """A store whose keys carry this test's prefix (one shared database, one Redis)."""

    def __init__(self, store: Any, prefix: str) -> None:
        self.store, self.prefix = store, prefix

    async def update(self, session: Any, key: str, window: float, change: Any) -> Any:
        return await self.store.update(session, f"{self.prefix}:{key}", window, change)


async def test_every_store_notifies_once_then_stays_silent_until_the_window_passes(
    workers: Factory, clock: FrozenClock,
) -> None:
    w = workers(3, 3)
    assert [await w.send(42) for _ in range(6)] == ["ok"] * 3 + ["notify", "silent", "silent"]
    assert await w.send(43) == "ok"  # per identity
    clock.advance(seconds=30)
    assert await w.send(42) == "silent"  # still flooding: the window keeps counting
    clock.advance(seconds=61)
    assert [await w.send(42) for _ in range(4)] == ["ok", "ok", "ok", "notify"]


async def test_every_store_gives_answers_their_own_larger_budget(
    workers: Factory, clock: FrozenClock,
) -> None:
    w = workers(3, 5)
    assert [await w.send(7, answered=True) for _ in range(5)] == ["ok"] * 5
    assert [await w.send(7) for _ in range(2)] == ["notify", "silent"]  # answers full
    clock.advance(seconds=61)
    assert [await w.send(7) for _ in range(4)] == ["ok", "ok", "ok", "notify"]


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres),
                                     "redis"], indirect=True)
async def test_two_workers_share_one_budget(workers: Factory, clock: FrozenClock) -> None:
    a, b = workers(4, 4), workers(4, 4)
    said = [await (a if i % 2 == 0 else b).send(9) for i in range(8)]
    assert said == ["ok"] * 4 + ["notify"] + ["silent"] * 3  # not 4 each: 8 "ok"
    assert await b.send(10) == "ok"  # another person's budget is whole
    clock.advance(seconds=61)
    assert await b.send(9) == "ok"


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres),
                                     "redis"], indirect=True)
async def test_two_workers_at_once_lose_no_count(workers: Factory) -> None:
    a, b = workers(12, 12), workers(12, 12)
    said = await asyncio.gather(*(w.send(5) for _ in range(10) for w in (a, b)))
    assert said.count("ok") == 12  # each message counted once, whichever worker had it
    assert said.count("notify") == 1


@pytest.mark.postgres
async def test_two_workers_on_one_postgresql_database_send_one_notice(
    pg_url: str | None, tmp_path: Any,
) -> None:
    if not pg_url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    from tests.conftest import TEST_KEY
    from tests.support.databases import truncate_all

    clock = FrozenClock(START)
    settings = Settings(database_url=pg_url, data_dir=tmp_path / "data",
                        secret_key=TEST_KEY)  # type: ignore[arg-type]
    apps: list[App] = [await build_app(settings, clock=clock, faq=None, migrate=False)
                       for _ in range(2)]
    try:
        await truncate_all(apps[0].db)
        one, two = Convo(apps[0], "flood"), Convo(apps[1], "flood")
        await one.send("مرحبا")
        await one.press("أوافق")
        replies = []
        for i in range(60):  # the person's messages reach one worker or the other
            replies += await (one if i % 2 else two).send(f"رسالة {i}")
        replies += one.new_messages() + two.new_messages()
        limit = apps[0].config.limits.inbound_messages_per_window
        assert sum(NOTICE in m.text for m in replies) == 1  # two before: one per worker
        assert len(replies) <= 3 * limit + 1
        assert await two.send("مرحبا") == [] and await one.send("مرحبا") == []  # both silent
    finally:
        for app in apps:
            await app.close()


async def test_with_redis_away_a_worker_counts_alone_and_says_so_once(
    clock: FrozenClock, caplog: pytest.LogCaptureFixture,
) -> None:
    client = redis_asyncio.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    w = Worker(Throttle(2, dt.timedelta(seconds=60), clock, 2,
                        RedisThrottleStore(client, clock)))
    try:
        assert [await w.send(3) for _ in range(4)] == ["ok", "ok", "notify", "silent"]
    finally:
        await client.aclose()
    warned = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warned) == 1  # once a minute, not once a message


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_quiet_identities_rows_are_deleted(
    store: tuple[str, str | None], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import text

    from bot.engine import throttle_pg

    monkeypatch.setattr(throttle_pg, "FORGET_EVERY", 3)
    engine = make_engine(str(store[1]))
    prefix = uuid.uuid4().hex[:8]
    w = Worker(Throttle(5, dt.timedelta(seconds=60), clock, 5,
                        _Prefixed(PostgresThrottleStore(clock), prefix)), engine)
    try:
        await w.send(1)
        await w.send(2)
        clock.advance(seconds=61)
        await w.send(2)  # the third update: 1 has been quiet for a window, 2 has not
        async with engine.connect() as conn:
            keys = (await conn.execute(text("SELECT key FROM inboundthrottle WHERE key LIKE :p"),
                                       {"p": prefix + "%"})).scalars().all()
        assert keys == [f"{prefix}:telegram:2"]
    finally:
        await engine.dispose()
