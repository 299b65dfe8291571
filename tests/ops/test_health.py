"""/healthz (liveness) and /readyz (database, loops, outbox not stuck), JSON bodies."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.runtime import Runtime
from app.wiring import App
from bot.clock import FrozenClock
from bot.config import HealthConfig
from bot.db import transaction
from bot.messages import Outbound
from bot.outbox.senders import RateLimits, SendResult, Sent
from bot.repo import outbox
from tests.ops.helpers import get


class HangingSender:
    """A platform that never answers: what is handed to it stays pending."""

    channel = "slow"
    limits = RateLimits(per_second=1000, per_chat_interval=0.001, per_chat_burst=100)

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def send(self, address: str, message: Outbound) -> SendResult:
        await self.release.wait()
        return Sent()


class BrokenChannel:
    """A channel whose long-lived loop dies."""

    name = "broken"

    async def setup(self, web_app: web.Application) -> None:
        return None

    async def run(self, stop: asyncio.Event) -> None:
        raise RuntimeError("lost the platform")

    async def close(self) -> None:
        return None


@pytest.fixture
async def runtime(app: App) -> AsyncIterator[Runtime]:
    app.settings = app.settings.model_copy(update={"http_port": 0})
    app.config = app.config.model_copy(update={"health": HealthConfig(outbox_stuck_seconds=60)})
    rt = Runtime(app, [])
    yield rt
    await rt.stop()


async def _ready(rt: Runtime) -> tuple[int, dict]:
    status, body = await get(f"http://127.0.0.1:{rt.port}/readyz")
    return status, json.loads(body)


async def test_liveness_and_readiness_of_a_running_bot(runtime: Runtime) -> None:
    await runtime.start()
    status, body = await get(f"http://127.0.0.1:{runtime.port}/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, ready = await _ready(runtime)
    assert status == 200 and ready["ready"] is True
    assert ready["checks"]["database"]["ok"] is True
    assert ready["checks"]["loops"] == {"ok": True, "dispatcher": "running"}
    assert ready["checks"]["outbox"] == {"ok": True, "due": 0, "oldest_due_seconds": 0.0,
                                         "threshold_seconds": 60}


async def test_a_stuck_outbox_is_not_ready(runtime: Runtime, app: App,
                                           clock: FrozenClock) -> None:
    sender = HangingSender()
    app.add_sender(sender)
    await runtime.start()
    async with transaction(app.sessions) as session:
        await outbox.enqueue(session, channel="slow", address="s1", message=Outbound("hi"),
                             dedupe_key="stuck:1", now=clock.now())
    async with transaction(app.sessions) as session:  # another channel's row does not count
        await outbox.enqueue(session, channel="not-served", address="x", message=Outbound("hi"),
                             dedupe_key="stuck:2", now=clock.now())
    app.dispatcher.wake()
    clock.advance(seconds=30)
    status, ready = await _ready(runtime)
    assert status == 200 and ready["checks"]["outbox"]["oldest_due_seconds"] == 30
    clock.advance(seconds=31)
    status, ready = await _ready(runtime)
    assert status == 503 and ready["ready"] is False
    assert ready["checks"]["outbox"] == {"ok": False, "due": 1, "oldest_due_seconds": 61.0,
                                         "threshold_seconds": 60}
    sender.release.set()


async def test_a_dead_channel_loop_is_not_ready(runtime: Runtime) -> None:
    runtime.channels.append(BrokenChannel())
    await runtime.start()
    await asyncio.sleep(0.05)  # the loop has died by now
    status, ready = await _ready(runtime)
    assert status == 503
    assert ready["checks"]["loops"] == {"ok": False, "broken": "failed: RuntimeError",
                                        "dispatcher": "running"}


async def test_an_unreachable_database_is_not_ready(runtime: Runtime, app: App) -> None:
    await runtime.start()
    good = app.sessions
    gone = create_async_engine("postgresql+asyncpg://nobody:nothing@127.0.0.1:9/none")  # closed
    app.sessions = async_sessionmaker(gone)
    try:
        status, ready = await _ready(runtime)
    finally:
        app.sessions = good
        await gone.dispose()
    assert status == 503
    assert ready["checks"]["database"]["ok"] is False
    assert ready["checks"]["outbox"] == {"ok": False, "error": "database unreachable"}
    status, _ = await get(f"http://127.0.0.1:{runtime.port}/healthz")
    assert status == 200  # liveness does not depend on the database
