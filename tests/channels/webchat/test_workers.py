"""Two workers on one database: a reply delivered by one reaches a page on the other, woken by
PostgreSQL's NOTIFY or by Redis pub/sub (GHIMAR_REDIS_URL)."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from app.runtime import Runtime
from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.settings import Settings
from tests.channels.webchat.conftest import Visitor

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_a_reply_committed_by_one_worker_reaches_a_page_on_another(
        app: App, settings: Settings, clock: FrozenClock, consented: Visitor) -> None:
    await _across_workers(app, settings, clock, consented)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_with_redis_the_page_on_another_worker_is_woken_through_it(
        app: App, settings: Settings, clock: FrozenClock, runtime: Runtime,
        consented: Visitor) -> None:
    """SQLite has no NOTIFY: only Redis can wake the other worker's page before its heartbeat."""
    redis_asyncio = pytest.importorskip("redis.asyncio")
    probe = redis_asyncio.Redis.from_url(REDIS_URL)
    try:
        await probe.ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    finally:
        await probe.aclose()
    runtime.channels[0].hub.redis_url = REDIS_URL  # type: ignore[attr-defined]  # the poster
    with_redis = settings.model_copy(update={"redis_url": SecretStr(REDIS_URL)})
    await _across_workers(app, with_redis, clock, consented)


async def _across_workers(app: App, settings: Settings, clock: FrozenClock,
                          consented: Visitor) -> None:
    other = await build_app(settings, clock=clock, faq=None, migrate=False)
    other.settings = other.settings.model_copy(update={"http_port": 0})
    second = Runtime(other, ["web"])
    await second.start()
    other.dispatcher.senders.pop("web")  # only the first worker delivers web messages
    try:
        page = Visitor(f"http://127.0.0.1:{second.port}", consented.http)  # same cookie
        stream = await page.open()
        await stream.drain()
        heartbeat = other.config.web.heartbeat_seconds
        started = time.monotonic()
        assert (await consented.say("القائمة"))[0] == 202  # the turn runs on the first worker
        events = await stream.until("طلب دعم", timeout=heartbeat / 2)
        assert time.monotonic() - started < heartbeat / 2  # woken by NOTIFY, not the heartbeat
        assert events[0]["dir"] == "in" and events[0]["text"] == "القائمة"
    finally:
        await second.stop()
        await other.close()
