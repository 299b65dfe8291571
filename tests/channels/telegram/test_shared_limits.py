"""Two workers (two Apps and Runtimes on one PostgreSQL database) share one bot's limits.

Without Redis the buckets live in PostgreSQL (`bot/outbox/ratelimit_pg.py`): together the
workers stay within 30/s, a private chat gets its burst of three once (not once per worker)
and then ~1/s, a group 20 a minute, and Telegram never answers 429.
"""

from __future__ import annotations

import itertools

import pytest

from app.wiring import App, build_app
from bot.messages import Outbound
from bot.outbox.ratelimit_pg import PostgresRateLimiter
from bot.outbox.senders import SendResult, Sent
from models import OutboxMessage, OutboxStatus
from tests.channels.telegram.conftest import Bench
from tests.channels.telegram.test_delivery import enqueue_many, statuses
from tests.emulators import RateLimits, TelegramEmulator


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["webhook"])  # two pollers of one token would conflict
async def test_two_workers_share_one_bots_limits(
    app: App, tg: TelegramEmulator, driver: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if app.db.dialect.name != "postgresql":
        pytest.skip("several workers need PostgreSQL")
    other = await build_app(app.settings, clock=app.services.clock, faq=None, migrate=False)
    workers = [Bench(app, tg, driver, mode, monkeypatch, fast=False),  # config.yaml's limits
               Bench(other, tg, driver, mode, monkeypatch, fast=False)]
    sent_by: list[int] = [0, 0]
    for index, worker in enumerate(workers):
        async def count(_row: OutboxMessage, result: SendResult, index: int = index) -> None:
            sent_by[index] += isinstance(result, Sent)
        worker.app.dispatcher.listeners.append(count)
    try:
        for worker in workers:
            await worker.start()
        tg.rate_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20,
                       per_chat_burst=3)
        group = tg.make_supergroup(-1001234567891, "Ghimar staff", is_forum=False)
        batches = {7700 + i: [Outbound(f"إشعار {i}-{n}") for n in range(2)] for i in range(60)}
        batches[7690] = [Outbound(f"جزء {n}") for n in range(8)]  # a long reply to one chat
        batches[group["id"]] = [Outbound("حالة جديدة"), Outbound("حالة أخرى")]
        await enqueue_many(app, batches)
        other.dispatcher.wake()
        await workers[0].settled([], timeout=40)
    finally:
        for worker in workers:
            await worker.close()
        await other.close()
    assert all(isinstance(app.dispatcher.limiter("telegram"), PostgresRateLimiter)
               for app in (app, other))
    report = tg.max_rate_observed()
    assert tg.violations == []  # no 429 at 30/s
    assert report.exceeded(RateLimits(30, 1, 20, per_chat_burst=3)) == []
    assert report.total_sends == 130 and min(sent_by) > 0  # both workers delivered
    assert report.global_max_per_second >= 20  # yet together at most ~27/s, not 54/s
    times = report.chat_times[7690]  # one chat's burst of three (once, not once per worker),
    assert times[2] - times[0] < 1.0  # then ~1 s apart
    assert times[3] - times[0] >= 1.0
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times[3:]))
    assert report.per_chat_min_interval[group["id"]] >= 3.0
    assert set(await statuses(app)) == {OutboxStatus.SENT}
