"""The WhatsApp webhook through the durable inbound inbox: each message is committed (by its
wamid, encrypted) before the 200, handled from the table, answered 503 while the database is
away, and taken over by another worker after a stop."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from app.runtime import Runtime
from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.db import make_engine, make_sessionmaker
from handlers.whatsapp.normalize import CHANNEL
from handlers.whatsapp.runtime import WhatsAppRuntime
from tests.channels.whatsapp.conftest import (
    Beneficiary,
    eventually,
    settled,
    start_worker,
)
from tests.emulators import WhatsAppEmulator
from tests.support.inbox import is_, stored, unhandled


def whatsapp(runtime: Runtime) -> WhatsAppRuntime:
    """The running WhatsApp channel."""
    channel = runtime.channels[0]
    assert isinstance(channel, WhatsAppRuntime)
    return channel


def wamid_of(body: dict[str, Any]) -> str:
    """The message id of a one-message webhook body."""
    return str(body["entry"][0]["changes"][0]["value"]["messages"][0]["id"])


async def database_away(_stored: dict[str, Any]) -> bool:
    """A turn that finds the database gone (the message stays stored)."""
    raise ConnectionRefusedError("database away during the turn")


async def test_a_message_is_stored_encrypted_before_the_200_and_handled_from_the_table(
        app: App, wa: WhatsAppEmulator, runtime: Runtime, user: Beneficiary,
        clock: FrozenClock) -> None:
    inbox = whatsapp(runtime).webhook.inbox
    body = wa.text_message(user.wa_id, "مرحبا من الواتساب")
    key = f"wa:{wamid_of(body)}"
    handle, inbox.handle = inbox.handle, database_away
    assert await wa.deliver(body) == (200, "EVENT_RECEIVED")  # answered: it is committed
    await eventually(lambda: is_(stored(app), [(key, False, True)]))
    async with app.sessions() as s:  # at rest: neither the text nor the number in clear
        raw = str((await s.execute(text("SELECT payload FROM inboundreceipt"))).scalar_one())
    assert "الواتساب" not in raw and user.wa_id not in raw
    assert user.sent() == []
    assert (await wa.deliver(body))[0] == 200  # Meta's redelivery of the same wamid
    assert await stored(app) == [(key, False, True)]  # still one row, not handled twice

    inbox.handle = handle  # the database is back: once the lease ran out, the worker
    clock.advance(seconds=inbox.lease.total_seconds() + 1)  # takes the message over
    assert await inbox.take_over() == 1
    await settled(app)
    assert len(user.sent()) == 1
    assert "الخصوصية" in user.text(user.sent())
    assert await stored(app) == [(key, True, False)]  # handled, payload gone


async def test_a_database_outage_answers_503_and_the_redelivery_is_answered(
        app: App, wa: WhatsAppEmulator, runtime: Runtime, user: Beneficiary) -> None:
    inbox = whatsapp(runtime).webhook.inbox
    body = wa.text_message(user.wa_id, "مرحبا")
    dead = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")  # nothing listens
    live, inbox.sessions = inbox.sessions, make_sessionmaker(dead)
    try:
        assert (await wa.deliver(body))[0] == 503  # Meta keeps the body and delivers again
    finally:
        inbox.sessions = live
        await dead.dispose()
    assert await stored(app) == []
    assert "الخصوصية" in user.text(await user.deliver(body))  # Meta's redelivery


async def test_several_messages_in_one_body_are_stored_in_one_commit_each_answered_once(
        app: App, wa: WhatsAppEmulator, user: Beneficiary) -> None:
    first, second = (wa.text_message(wa_id, "مرحبا") for wa_id in (user.wa_id, "966501111111"))
    value = first["entry"][0]["changes"][0]["value"]
    other = second["entry"][0]["changes"][0]["value"]
    value["messages"] += other["messages"]
    value["contacts"] += other["contacts"]
    value["statuses"] = [{"id": "wamid.unknown", "status": "delivered",
                          "recipient_id": user.wa_id, "timestamp": "1"}]
    assert len(await user.deliver(first)) == 1
    assert (await wa.deliver(first))[0] == 200  # the whole body again: both are duplicates
    await settled(app)
    assert [key for key, handled, _ in await stored(app) if handled] == sorted(
        f"wa:{m['id']}" for m in value["messages"])
    assert len(user.sent()) == 1
    assert len(Beneficiary(app, wa, "966501111111").sent()) == 1


async def test_another_worker_takes_over_what_a_stopped_worker_stored(
        app: App, wa: WhatsAppEmulator, monkeypatch: pytest.MonkeyPatch,
        clock: FrozenClock) -> None:
    first = await start_worker(app, wa, monkeypatch)
    monkeypatch.setattr(whatsapp(first).webhook.inbox, "handle", database_away)
    users = [Beneficiary(app, wa, f"96650222000{i}") for i in range(3)]
    for one in users:
        assert (await wa.deliver(wa.text_message(one.wa_id, "مرحبا")))[0] == 200
    await eventually(lambda: is_(unhandled(app, CHANNEL), 3))
    await first.stop()  # the worker stops with three messages stored, none handled
    clock.advance(seconds=app.config.outbox.inbox_lease_seconds + 1)  # its lease runs out

    second = await build_app(app.settings, clock=clock, faq=None, migrate=False)
    second.engine.throttle.limit = app.engine.throttle.limit
    worker = await start_worker(second, wa, monkeypatch)  # takes them over on start
    try:
        await eventually(lambda: is_(unhandled(second, CHANNEL), 0), timeout=20)
        await settled(second)
        for one in users:
            assert len(one.sent()) == 1  # each answered, once
            assert "الخصوصية" in one.text(one.sent())
    finally:
        await worker.stop()
        await second.close()
