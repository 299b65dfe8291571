"""A flood of messages: only so many turns run at once, the rest wait their turn, none is lost."""

from __future__ import annotations

import asyncio

import pytest

from app.wiring import App
from bot.messages import Inbound
from tests.support.convo import RecordingSender


async def test_turns_in_flight_are_bounded(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    app.add_sender(RecordingSender("terminal"))
    app.engine._turns = asyncio.Semaphore(2)
    running, peak = 0, 0
    real_turn = app.engine.runner.turn

    async def slow_turn(ctx):  # type: ignore[no-untyped-def]
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        try:
            await asyncio.sleep(0.05)  # other users' messages arrive meanwhile
            return await real_turn(ctx)
        finally:
            running -= 1

    monkeypatch.setattr(app.engine.runner, "turn", slow_turn)
    results = await asyncio.wait_for(asyncio.gather(*(
        app.engine.handle(Inbound("terminal", f"flood{i}", f"f{i}", text="مرحبا"))
        for i in range(7))), timeout=20)
    # SQLite itself lets one writer through at a time; PostgreSQL runs both turns at once
    assert peak == (2 if app.db.dialect.name == "postgresql" else 1)
    assert all(not r.duplicate and r.replies for r in results)
