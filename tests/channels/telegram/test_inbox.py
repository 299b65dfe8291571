"""The durable inbound inbox (webhook mode): an update is committed before the 200, handled
from the table, answered 503 while the database is away, and taken over after a restart."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.wiring import build_app
from bot.db import make_engine, make_sessionmaker
from handlers.telegram.runtime import TelegramRuntime
from models import InboundReceipt
from tests.channels.telegram.conftest import Bench, eventually
from tests.support.inbox import is_, stored, unhandled

pytestmark = pytest.mark.parametrize(("driver", "mode"), [("aiogram", "webhook")])


def telegram(bench: Bench) -> TelegramRuntime:
    """The running Telegram channel."""
    assert bench.runtime is not None
    channel = bench.runtime.channels[0]
    assert isinstance(channel, TelegramRuntime)
    return channel


async def test_an_update_is_stored_before_the_200_and_handled_from_the_table(
        bench: Bench) -> None:
    tg, app = bench.tg, bench.app
    user = tg.make_user(7800, "Reem", "ar")
    update = tg.command_update(user, "/start")

    async def engine_down(_update: dict[str, Any]) -> bool:
        raise ConnectionRefusedError("database away during the turn")

    channel = telegram(bench)
    handle, channel.inbox.handle = channel.inbox.handle, engine_down
    assert await tg.post_webhook(update) == (200, "ok")  # answered: it is stored
    await eventually(lambda: is_(stored(app), [(f"tg:{update['update_id']}", False, True)]))
    assert tg.calls_of("sendMessage") == []
    assert await tg.post_webhook(update) == (200, "duplicate")  # Telegram's redelivery

    channel.inbox.handle = handle  # the database is back: the worker takes the update over
    channel.inbox.lease = channel.inbox.lease * 0
    assert await channel.inbox.take_over() == 1
    await bench.settled([update["update_id"]])
    assert "الخصوصية" in bench.text(tg.sent_messages(user["id"]))
    assert await stored(app) == [(f"tg:{update['update_id']}", True, False)]  # payload gone


async def test_a_database_outage_answers_503_and_loses_nothing(bench: Bench) -> None:
    tg, app = bench.tg, bench.app
    user = tg.make_user(7801, "Salem", "ar")
    update = tg.command_update(user, "/start")
    channel = telegram(bench)
    dead = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")  # nothing listens
    live, channel.inbox.sessions = channel.inbox.sessions, make_sessionmaker(dead)
    try:
        status, _ = await tg.post_webhook(update)
        assert status == 503  # Telegram keeps it and delivers it again later
    finally:
        channel.inbox.sessions = live
        await dead.dispose()
    assert await stored(app) == []
    assert "الخصوصية" in bench.text(await bench.turn(update))  # the redelivery after it


async def test_a_restart_handles_what_was_stored_but_not_handled(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    tg, app = bench.tg, bench.app
    users = [tg.make_user(7810 + i, f"User{i}", "ar") for i in range(3)]
    updates = [tg.command_update(u, "/start") for u in users]

    async def crash(_update: dict[str, Any]) -> bool:
        raise ConnectionRefusedError("the worker dies before the turn")

    monkeypatch.setattr(telegram(bench).inbox, "handle", crash)
    for update in updates:
        assert (await tg.post_webhook(update))[0] == 200
    await eventually(lambda: is_(unhandled(app, "telegram"), 3))
    await bench.stop()  # a new worker (lease shortened) takes the three over on start
    bench.app = await build_app(app.settings, clock=app.services.clock, faq=None,
                                migrate=False)
    bench.apps.append(bench.app)
    bench.app.config = bench.app.config.model_copy(update={
        "outbox": app.config.outbox.model_copy(update={"inbox_lease_seconds": 0.2})})
    await bench.start()
    await bench.settled([u["update_id"] for u in updates], timeout=20)
    for user in users:
        assert len(tg.sent_messages(user["id"])) >= 1
    assert await unhandled(bench.app, "telegram") == 0
    async with bench.app.sessions() as s:
        assert (await s.execute(select(func.count()).select_from(InboundReceipt))
                ).scalar_one() == 3
