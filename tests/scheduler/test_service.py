"""The APScheduler service: stopping while a tick runs lets the tick finish its rows."""

from __future__ import annotations

import asyncio

from app.scheduler import SchedulerService
from app.wiring import App


async def test_shutdown_waits_for_the_running_tick(app: App) -> None:
    service = SchedulerService(app, tick_seconds=3600)
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow_run_due() -> int:
        started.set()
        await release.wait()
        finished.append("tick")
        return 1

    service.worker.run_due = slow_run_due  # type: ignore[method-assign]
    service.start()  # the due-messages job runs at once
    await asyncio.wait_for(started.wait(), timeout=5)

    stopping = asyncio.create_task(service.shutdown(grace_seconds=10))
    await asyncio.sleep(0.2)
    assert not stopping.done(), "shutdown returned while the tick was still running"
    release.set()
    await asyncio.wait_for(stopping, timeout=5)
    assert finished == ["tick"]
    assert not service.scheduler.running


async def test_shutdown_gives_up_after_the_grace_period(app: App) -> None:
    service = SchedulerService(app, tick_seconds=3600)
    started = asyncio.Event()

    async def stuck_run_due() -> int:
        started.set()
        await asyncio.Event().wait()
        return 0

    service.worker.run_due = stuck_run_due  # type: ignore[method-assign]
    service.start()
    await asyncio.wait_for(started.wait(), timeout=5)
    await asyncio.wait_for(service.shutdown(grace_seconds=0.2), timeout=5)
    assert not service.scheduler.running
