"""The outbox's running loop and its group commit of outcomes."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import event, select

from app.wiring import App
from bot.messages import Outbound
from bot.outbox.outcomes import OutcomeWriter
from bot.outbox.senders import RateLimits, SendResult, Sent
from bot.repo import outbox as outbox_repo
from models import OutboxMessage, OutboxStatus


class PacedSender:
    """Records when each message went; one message per chat every `gap` seconds."""

    def __init__(self, channel: str, gap: float) -> None:
        self.channel = channel
        self.limits = RateLimits(per_second=1000, per_chat_interval=gap, per_chat_burst=1)
        self.sent: list[tuple[str, str, float]] = []

    async def send(self, address: str, message: Outbound) -> SendResult:
        self.sent.append((address, message.text or "", time.monotonic()))
        return Sent(f"p{len(self.sent)}")


async def _enqueue(app: App, address: str, text: str, key: str) -> None:
    async with app.sessions() as s, s.begin():
        await outbox_repo.enqueue(s, channel="web", address=address, message=Outbound(text),
                                  dedupe_key=key, now=app.services.clock.now())
    app.dispatcher.wake(("web", address))  # as the engine does after a turn


async def _until(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_a_paced_chat_does_not_hold_up_another(app: App) -> None:
    sender = PacedSender("web", gap=1.5)
    app.add_sender(sender)
    stop = asyncio.Event()
    loop = asyncio.create_task(app.dispatcher.run(stop, poll_seconds=0.2))
    try:
        await _enqueue(app, "a", "a1", "a1")
        await _enqueue(app, "a", "a2", "a2")  # must wait 1.5 s behind a1
        await _until(lambda: len(sender.sent) >= 1)
        await _enqueue(app, "b", "b1", "b1")
        await _until(lambda: len(sender.sent) >= 3)
    finally:
        stop.set()
        app.dispatcher.wake()
        await asyncio.wait_for(loop, timeout=10)
    order = [text for _, text, _ in sender.sent]
    assert order == ["a1", "b1", "a2"], order
    times = {text: at for _, text, at in sender.sent}
    assert times["b1"] - times["a1"] < 1.0  # b1 did not wait for a's pacing
    assert times["a2"] - times["a1"] >= 1.4  # a's own pacing held


async def test_a_message_for_a_busy_chat_is_picked_up_when_it_is_free(app: App) -> None:
    sender = PacedSender("web", gap=0.5)
    app.add_sender(sender)
    stop = asyncio.Event()
    loop = asyncio.create_task(app.dispatcher.run(stop, poll_seconds=30))  # no polling help
    try:
        await _enqueue(app, "a", "a1", "a1")
        await _enqueue(app, "a", "a2", "a2")
        await _until(lambda: len(sender.sent) >= 1)
        await _enqueue(app, "a", "a3", "a3")  # committed while the chat is being delivered
        await _until(lambda: len(sender.sent) >= 3, timeout=5)
    finally:
        stop.set()
        app.dispatcher.wake()
        await asyncio.wait_for(loop, timeout=10)
    assert [text for _, text, _ in sender.sent] == ["a1", "a2", "a3"]


async def test_outcomes_finishing_together_share_one_transaction(app: App) -> None:
    async with app.sessions() as s, s.begin():
        for i in range(6):
            await outbox_repo.enqueue(s, channel="web", address=f"c{i}", message=Outbound("x"),
                                      dedupe_key=f"g{i}", now=app.services.clock.now())
    async with app.sessions() as s:
        stmt = select(OutboxMessage.id).order_by(OutboxMessage.id)
        ids = list((await s.execute(stmt)).scalars())
    updates: list[int] = []

    def seen(_conn, _cursor, statement, params, _context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE"):
            updates.append(len(params) if executemany else 1)

    event.listen(app.db.sync_engine, "before_cursor_execute", seen)
    writer = OutcomeWriter(app.sessions)
    now = app.services.clock.now()
    try:
        await asyncio.gather(*(
            writer.write(row_id, {"status": OutboxStatus.SENT, "sent_at": now,
                                  "platform_message_id": f"m{row_id}"}
                         if i % 2 == 0 else {"last_error": "slow down", "attempts": 1})
            for i, row_id in enumerate(ids)))
    finally:
        event.remove(app.db.sync_engine, "before_cursor_execute", seen)
    # the first write goes alone; the five that queued behind it go in one statement per shape
    assert sum(updates) == 6
    assert len(updates) <= 3, updates
    async with app.sessions() as s:
        rows = list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    assert [r.status for r in rows[0::2]] == [OutboxStatus.SENT] * 3
    assert [r.platform_message_id for r in rows[0::2]] == [f"m{i}" for i in ids[0::2]]
    assert [r.sent_at for r in rows[0::2]] == [now] * 3
    assert [(r.status, r.last_error, r.attempts) for r in rows[1::2]] == [
        (OutboxStatus.PENDING, "slow down", 1)] * 3


async def test_a_failed_group_commit_reaches_every_waiter(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = OutcomeWriter(app.sessions)

    async def broken(_batch: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(writer, "_commit", broken)
    results = await asyncio.gather(writer.write(1, {"attempts": 1}),
                                   writer.write(2, {"attempts": 1}), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]


async def test_a_backlog_is_read_as_capacity_frees_up(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.outbox import dispatcher as dispatcher_module
    from bot.outbox.dispatcher import Dispatcher

    sender = PacedSender("web", gap=0.0001)
    dispatcher = Dispatcher(app.sessions, {"web": sender}, app.config.outbox, app.services.clock,
                            concurrency=2)
    async with app.sessions() as s, s.begin():
        for i in range(7):
            await outbox_repo.enqueue(s, channel="web", address=f"c{i}", message=Outbound("x"),
                                      dedupe_key=f"b{i}", now=app.services.clock.now())
    limits: list[int] = []
    for name in ("pending_of_due_chats", "due_chats"):  # SQLite, PostgreSQL
        real = getattr(dispatcher_module.repo, name)

        async def spy(*args, real=real, **kwargs):  # type: ignore[no-untyped-def]
            limits.append(kwargs["limit"])
            found = await real(*args, **kwargs)
            assert len(found) <= kwargs["limit"]
            assert not set(found) & kwargs["skip"]  # chats in flight are not read again
            return found

        monkeypatch.setattr(dispatcher_module.repo, name, spy)
    stop = asyncio.Event()
    loop = asyncio.create_task(dispatcher.run(stop, poll_seconds=30))  # no polling help
    try:
        dispatcher.wake()
        await _until(lambda: len(sender.sent) >= 7, timeout=10)
    finally:
        stop.set()
        dispatcher.wake()
        await asyncio.wait_for(loop, timeout=10)
    assert sorted(address for address, _, _ in sender.sent) == [f"c{i}" for i in range(7)]
    assert limits and max(limits) <= 2


async def test_the_chat_waiting_longest_is_read_first(app: App) -> None:
    for address in ("zz", "mm", "aa"):  # committed in this order, names in the reverse one
        await _enqueue(app, address, address, f"fair-{address}")
    now = app.services.clock.now()
    async with app.sessions() as s:
        first = await outbox_repo.due_chats(s, channels=["web"], now=now, limit=1)
        rows = await outbox_repo.pending_of_due_chats(s, channels=["web"], now=now, limit=2)
        rest = await outbox_repo.due_chats(s, channels=["web"], now=now, limit=5,
                                           skip={("web", "zz")})
    assert first == [("web", "zz")]
    assert list(rows) == [("web", "zz"), ("web", "mm")]
    assert rest == [("web", "mm"), ("web", "aa")]


@pytest.mark.postgres
async def test_a_chat_another_worker_delivers_is_not_tried_again_at_every_look(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several workers look at the same oldest due chats; one held by another worker (its
    advisory lock) is left out of this worker's looks for a moment, not tried at each wake."""
    import hashlib

    from bot.outbox import dispatcher as dispatcher_module
    from bot.outbox.dispatcher import Dispatcher

    if app.db.dialect.name != "postgresql":
        pytest.skip("chats are locked across workers on PostgreSQL only")
    sender = PacedSender("web", gap=0.0001)
    dispatcher = Dispatcher(app.sessions, {"web": sender}, app.config.outbox, app.services.clock,
                            concurrency=4)
    tries: list[int] = []
    real = dispatcher_module.repo.try_chat_lock

    async def spy(conn, *, key):  # type: ignore[no-untyped-def]
        tries.append(key)
        return await real(conn, key=key)

    monkeypatch.setattr(dispatcher_module.repo, "try_chat_lock", spy)
    held = int.from_bytes(hashlib.sha256(b"outbox:web:held").digest()[:8], "big", signed=True)
    async with app.db.connect() as other:  # the other worker delivering chat "held"
        assert await real(other, key=held)
        await other.commit()
        await _enqueue(app, "held", "x", "elsewhere-held")
        stop = asyncio.Event()
        loop = asyncio.create_task(dispatcher.run(stop, poll_seconds=30))
        try:
            for i in range(20):  # turns committing messages for other chats wake the loop
                await _enqueue(app, f"free{i}", "y", f"elsewhere-{i}")
                dispatcher.wake(("web", f"free{i}"))
                await asyncio.sleep(0.02)
            await _until(lambda: len(sender.sent) >= 20)
        finally:
            stop.set()
            dispatcher.wake()
            await asyncio.wait_for(loop, timeout=10)
        await dispatcher_module.repo.release_chat_lock(other, key=held)
        await other.commit()
    assert sorted(a for a, _, _ in sender.sent) == sorted(f"free{i}" for i in range(20))
    assert 1 <= tries.count(held) <= 2, tries.count(held)


async def test_a_database_outage_is_one_warning_a_minute_not_a_traceback_a_poll(
    app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The loop looks every poll while the database is away; it says so once, then
    delivers when it is back. A bug (not an outage) still logs its traceback."""
    from bot.outbox.dispatcher import Dispatcher

    sender = PacedSender("web", gap=0.0001)
    dispatcher = Dispatcher(app.sessions, {"web": sender}, app.config.outbox, app.services.clock)
    real, failures = dispatcher._claim_due, [ConnectionRefusedError(111, "refused")] * 20

    async def away(limit: int = 500):  # type: ignore[no-untyped-def]
        if failures:
            raise failures.pop()
        return await real(limit=limit)

    monkeypatch.setattr(dispatcher, "_claim_due", away)
    await _enqueue(app, "back", "x", "away-1")
    stop = asyncio.Event()
    with caplog.at_level("WARNING", logger="bot.outbox.dispatcher"):
        loop = asyncio.create_task(dispatcher.run(stop, poll_seconds=0.01))
        try:
            await _until(lambda: len(sender.sent) == 1)
            failures.append(RuntimeError("a bug"))
            dispatcher.wake()
            await _until(lambda: not failures)
        finally:
            stop.set()
            dispatcher.wake()
            await asyncio.wait_for(loop, timeout=10)
    away_lines = [r for r in caplog.records if "database is unavailable" in r.getMessage()]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(away_lines) == 1 and away_lines[0].levelname == "WARNING"
    assert away_lines[0].exc_info is None
    assert len(errors) == 1 and errors[0].exc_info is not None  # the bug's traceback


async def test_a_database_outage_is_one_warning_not_a_traceback_a_second(
        app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A 12 s PostgreSQL outage logged 24 ERROR tracebacks (~2,800 lines) from the loop:
    one WARNING when the database goes, one INFO when it is back, delivery resumes."""
    from sqlalchemy.exc import OperationalError

    sender = PacedSender("web", gap=0.01)
    app.add_sender(sender)
    real_claim = app.dispatcher._claim_due
    down = {"polls": 0}

    async def claim(limit: int = 500):  # type: ignore[no-untyped-def]
        if down["polls"] < 8:
            down["polls"] += 1
            raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))
        return await real_claim(limit=limit)

    monkeypatch.setattr(app.dispatcher, "_claim_due", claim)
    await _enqueue(app, "a", "a1", "a1")
    stop = asyncio.Event()
    with caplog.at_level("INFO", logger="bot.outbox.dispatcher"):
        loop = asyncio.create_task(app.dispatcher.run(stop, poll_seconds=0.02))
        try:
            await _until(lambda: len(sender.sent) >= 1)
        finally:
            stop.set()
            app.dispatcher.wake()
            await asyncio.wait_for(loop, timeout=10)
    records = [r for r in caplog.records if r.name == "bot.outbox.dispatcher"]
    assert down["polls"] == 8
    assert [r.levelname for r in records] == ["WARNING", "INFO"], [r.getMessage() for r in records]
    assert "database is unavailable" in records[0].getMessage()
    assert records[0].exc_info is None
