"""Long polling through a database outage: intake pauses, no update is dropped or skipped."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from tests.channels.telegram.conftest import Bench, eventually, shown

pytestmark = pytest.mark.parametrize("mode", ["polling"])


def _database_down(bench: Bench, monkeypatch: pytest.MonkeyPatch, failures: int
                   ) -> Counter[str]:
    """Every turn fails `failures` times as if PostgreSQL were away, then runs; the tries."""
    engine = bench.app.engine
    real, tries = engine.handle, Counter[str]()

    async def handle(inbound: Any, *args: Any, **kwargs: Any) -> Any:
        tries[inbound.message_id] += 1
        if tries[inbound.message_id] <= failures:
            raise OperationalError("INSERT INTO inboundreceipt ...", {},
                                   ConnectionRefusedError("connection refused"))
        return await real(inbound, *args, **kwargs)

    monkeypatch.setattr(engine, "handle", handle)
    return tries


async def test_an_outage_longer_than_three_tries_loses_no_message(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    tg = bench.tg
    tries = _database_down(bench, monkeypatch, failures=5)  # three quick tries dropped them
    users = [tg.make_user(7700 + i, f"User{i}", "ar") for i in range(5)]
    updates = [tg.command_update(u, "/start") for u in users]
    for update in updates:
        await bench.deliver(update)
    await bench.settled([u["update_id"] for u in updates], timeout=30)
    assert sorted(tries.values()) == [6] * 5
    for user in users:
        [reply] = tg.sent_messages(user["id"])
        assert "الخصوصية" in shown(reply)

    async def confirmed() -> bool:  # the next getUpdates asked past all of them
        return not tg.updates

    await eventually(confirmed)


async def test_a_stop_during_an_outage_leaves_the_update_to_the_next_start(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    tg = bench.tg
    tries = _database_down(bench, monkeypatch, failures=1000)
    user = tg.make_user(7800, "Huda", "ar")
    update = tg.command_update(user, "/start")
    await bench.deliver(update)
    while not tries:
        await asyncio.sleep(0.01)
    since = len(tg.calls)
    await bench.restart()  # stops while the database is away; the new process finds it up
    confirms = [c.params.get("offset") for c in tg.calls[since:] if c.method == "getUpdates"]
    assert all((o or 0) <= update["update_id"] for o in confirms)  # never confirmed past it
    await bench.settled([update["update_id"]], timeout=20)
    [reply] = tg.sent_messages(user["id"])
    assert "الخصوصية" in shown(reply)
