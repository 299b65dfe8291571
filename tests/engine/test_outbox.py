"""The outbox: written with the state change, delivered once, in order, with retries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.wiring import App
from bot.messages import Inbound, Outbound
from bot.outbox.senders import Failed, RateLimits, RetryLater, SendResult, Sent, Unreachable
from bot.repo import outbox as outbox_repo
from models import ChannelIdentity, Conversation, InboundReceipt, OutboxMessage
from tests.support.convo import Convo


class ScriptedSender:
    """Answers sends from a script of results, then succeeds."""

    limits = RateLimits(per_second=10000, per_chat_interval=0.0001, per_chat_burst=1000)

    def __init__(self, channel: str, script: list[SendResult]) -> None:
        self.channel, self.script, self.sent = channel, list(script), []

    async def send(self, address: str, message: Outbound) -> SendResult:
        result = self.script.pop(0) if self.script else Sent(f"ok{len(self.sent)}")
        if isinstance(result, Sent):
            self.sent.append((address, message.text))
        return result


async def _count(app: App, model: type) -> int:
    async with app.sessions() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def test_duplicate_platform_message_is_answered_once(app: App) -> None:
    c = Convo(app, "dup")
    inbound = Inbound("terminal", "dup", "same-id", text="hi")
    first = await c.deliver(inbound)
    second = await c.deliver(inbound)
    assert len(first) == 1 and second == []
    assert await _count(app, OutboxMessage) == 1
    assert await _count(app, InboundReceipt) == 1


async def test_failed_turn_commits_nothing(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    c = Convo(app, "boom")
    await c.send("hi")
    await c.press("أوافق")

    async def explode(ctx: object) -> None:
        raise RuntimeError("flow bug")

    monkeypatch.setattr(app.engine.runner, "turn", explode)
    with pytest.raises(RuntimeError):
        await c.send("1")
    assert c.new_messages() == []
    assert await _count(app, OutboxMessage) == 2  # only the two earlier replies
    async with app.sessions() as s:
        conv = (await s.execute(select(Conversation))).scalar_one()
        assert conv.flow == "menu"
    monkeypatch.undo()
    out = await c.send("1")  # the same answer again works: nothing half-done remained
    assert "اسمك" in c.text(out)


async def test_retry_after_and_backoff_then_delivery(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    sender = ScriptedSender("web", [RetryLater(5), Failed("HTTP 502")])
    app.add_sender(sender)
    async with app.sessions() as s, s.begin():
        for i in range(2):
            await outbox_repo.enqueue(s, channel="web", address="a1", message=Outbound(f"m{i}"),
                                      dedupe_key=f"k{i}", now=clock.now())
    assert await app.dispatcher.drain_once() == 1  # 429: wait
    assert await app.dispatcher.drain_once() == 0  # not due yet, and m1 waits behind m0
    clock.advance(seconds=6)
    assert await app.dispatcher.drain_once() == 1  # 502: back off
    clock.advance(seconds=5)
    app.dispatcher.limiters.clear()
    assert await app.dispatcher.drain_once() == 2
    assert [t for _, t in sender.sent] == ["m0", "m1"]  # in order, each once
    async with app.sessions() as s:
        rows = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
        assert [r.status for r in rows] == ["sent", "sent"]
        assert rows[0].attempts == 2 and rows[0].last_error == "HTTP 502"


async def test_enqueue_is_idempotent(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    async with app.sessions() as s, s.begin():
        assert await outbox_repo.enqueue(s, channel="web", address="a", message=Outbound("x"),
                                         dedupe_key="decision:1", now=clock.now())
        assert not await outbox_repo.enqueue(s, channel="web", address="a",
                                             message=Outbound("x"), dedupe_key="decision:1",
                                             now=clock.now())
    assert await _count(app, OutboxMessage) == 1


async def test_permanent_failure_is_recorded_not_dropped(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    app.add_sender(ScriptedSender("web", [Failed("400 bad request", permanent=True)]))
    async with app.sessions() as s, s.begin():
        await outbox_repo.enqueue(s, channel="web", address="a", message=Outbound("x"),
                                  dedupe_key="k", now=clock.now())
    await app.dispatcher.drain_once()
    async with app.sessions() as s:
        row = (await s.execute(select(OutboxMessage))).scalar_one()
        assert row.status == "failed" and row.last_error == "400 bad request"


async def test_gives_up_after_max_attempts(app: App, clock) -> None:  # type: ignore[no-untyped-def]
    attempts = app.config.outbox.max_attempts
    app.add_sender(ScriptedSender("web", [Failed("timeout")] * attempts))
    async with app.sessions() as s, s.begin():
        await outbox_repo.enqueue(s, channel="web", address="a", message=Outbound("x"),
                                  dedupe_key="k", now=clock.now())
    for _ in range(attempts):
        await app.dispatcher.drain_once()
        clock.advance(seconds=app.config.outbox.max_backoff_seconds + 1)
    async with app.sessions() as s:
        row = (await s.execute(select(OutboxMessage))).scalar_one()
        assert row.status == "failed" and row.attempts == attempts


async def test_the_platform_away_uses_no_attempt_until_the_message_is_too_old(  # type: ignore[no-untyped-def]
    app: App, clock
) -> None:
    cfg = app.config.outbox
    outage = [Failed("transient: 502 Bad Gateway", transient=True)] * (cfg.max_attempts * 3)
    sender = ScriptedSender("web", outage)
    app.add_sender(sender)
    async with app.sessions() as s, s.begin():
        for i in range(2):
            await outbox_repo.enqueue(s, channel="web", address="a", message=Outbound(f"m{i}"),
                                      dedupe_key=f"k{i}", now=clock.now())
    delays = []
    while sender.script:  # three times max_attempts 502s: none of them is an attempt
        before = clock.now()
        assert await app.dispatcher.drain_once() == 1
        async with app.sessions() as s:
            row = (await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalar()
        assert row is not None and row.status == "pending" and row.attempts == 0
        delays.append((row.next_attempt_at - before).total_seconds())
        clock.advance(seconds=cfg.transient_max_backoff_seconds + 1)
    assert delays[0] <= cfg.base_backoff_seconds  # capped exponential back-off
    assert max(delays) <= cfg.transient_max_backoff_seconds and delays[-1] > delays[0] * 4
    assert await app.dispatcher.drain_once() == 2  # the platform is back: in order, once
    assert [t for _, t in sender.sent] == ["m0", "m1"]

    sender.script = [Failed("network: timeout", transient=True)] * 3
    async with app.sessions() as s, s.begin():
        await outbox_repo.enqueue(s, channel="web", address="a", message=Outbound("late"),
                                  dedupe_key="late", now=clock.now())
    await app.dispatcher.drain_once()
    clock.advance(hours=cfg.give_up_after_hours)
    await app.dispatcher.drain_once()  # a day old and still away: failed with its reason
    async with app.sessions() as s:
        row = (await s.execute(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == "late"))).scalar_one()
    assert row.status == "failed" and row.last_error == "network: timeout"
    assert row.attempts == 0


async def test_unreachable_marks_identity_and_stops(app: App) -> None:
    c = Convo(app, "blocked", channel="web")
    c.sender = ScriptedSender("web", [Unreachable("403 blocked")])  # type: ignore[assignment]
    app.add_sender(c.sender)  # type: ignore[arg-type]
    await app.engine.handle(Inbound("web", "blocked", "w1", text="hi"))
    await app.dispatcher.drain_once()
    async with app.sessions() as s:
        identity = (await s.execute(select(ChannelIdentity))).scalar_one()
        assert identity.unreachable
        row = (await s.execute(select(OutboxMessage))).scalar_one()
        assert row.status == "unreachable"
    await app.engine.handle(Inbound("web", "blocked", "w2", text="back again"))
    async with app.sessions() as s:
        identity = (await s.execute(select(ChannelIdentity))).scalar_one()
        assert not identity.unreachable  # writing again makes them reachable


async def test_concurrent_drains_send_each_message_once(  # type: ignore[no-untyped-def]
    app: App, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from bot.outbox import dispatcher as dispatcher_module

    sender = ScriptedSender("web", [])
    app.add_sender(sender)
    async with app.sessions() as s, s.begin():
        for i in range(5):
            await outbox_repo.enqueue(s, channel="web", address=f"a{i}", message=Outbound("x"),
                                      dedupe_key=f"k{i}", now=clock.now())
    arrived, both = [], asyncio.Event()

    def in_step(real):  # type: ignore[no-untyped-def]
        async def step(*args, **kwargs):  # type: ignore[no-untyped-def]
            found = await real(*args, **kwargs)
            arrived.append(1)
            if len(arrived) == 2:
                both.set()
            await both.wait()  # both drains see the same due chats at the same moment
            return found
        return step

    for name in ("pending_of_due_chats", "due_chats"):  # SQLite, PostgreSQL
        monkeypatch.setattr(dispatcher_module.repo, name,
                            in_step(getattr(dispatcher_module.repo, name)))
    await asyncio.gather(app.dispatcher.drain_once(), app.dispatcher.drain_once())
    assert sorted(a for a, _ in sender.sent) == [f"a{i}" for i in range(5)]
