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


class FakeDesk:
    """A staff desk as the scheduler sees it: reminders and a digest, counted."""

    def __init__(self, reminders: int, posts: bool) -> None:
        self.reminders, self.posts = reminders, posts
        self.calls: list[str] = []

    async def remind(self) -> int:
        self.calls.append("remind")
        return self.reminders

    async def digest(self) -> bool:
        self.calls.append("digest")
        return self.posts


async def test_the_desks_handed_to_the_scheduler_run_with_its_jobs(app: App) -> None:
    desks = [FakeDesk(2, False), FakeDesk(1, True)]
    service = SchedulerService(app, tick_seconds=3600, desks=desks)
    assert await service.tick() == 3  # no due rows; the desks' reminders
    assert await service.digest() is True
    assert [d.calls for d in desks] == [["remind", "digest"], ["remind", "digest"]]
    assert await SchedulerService(app).digest() is False  # no staff desk: nothing to post
