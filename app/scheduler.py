"""APScheduler (3.x, AsyncIOScheduler) inside `python -m bot run`.

Jobs are not stored by APScheduler: the work lives in database rows (ScheduledMessage), and
the jobs here are deterministic tickers re-registered on every start (`replace_existing`).
A restart therefore loses nothing, and several workers on PostgreSQL can all tick: due rows
are claimed with SKIP LOCKED, so each is handled by exactly one of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobSubmissionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.wiring import App
from bot import metrics
from bot.db import is_unavailable
from bot.scheduler.work import Worker
from bot.services import retention

log = logging.getLogger(__name__)
DUE_JOB_ID = "ghimar:due-messages"
DIGEST_JOB_ID = "ghimar:staff-digest"
RETENTION_JOB_ID = "ghimar:retention"
RETENTION_AT = dt.time(3, 30)  # local time: the quietest hour
T = TypeVar("T")


class DeskJobs(Protocol):
    """What the scheduler runs for a staff desk."""

    async def remind(self) -> int:
        """Reminders for unanswered cases; how many were posted."""
        ...

    async def digest(self) -> bool:
        """The daily digest; True when posted."""
        ...


class SchedulerService:
    """Owns the APScheduler instance and the worker it drives."""

    def __init__(self, app: App, tick_seconds: float = 15.0, *,
                 desks: Sequence[DeskJobs] = ()) -> None:
        self.app = app
        self.desks = desks  # their reminders run with each tick, their digests daily
        self.worker = Worker(app.sessions, app.engine)
        self.scheduler = AsyncIOScheduler(timezone=app.config.tz)
        self.tick_seconds = tick_seconds
        self._running: set[asyncio.Task[object]] = set()

    def start(self) -> None:
        """Register the jobs (deterministic ids) and start."""
        self.scheduler.add_job(self.tick, "interval", seconds=self.tick_seconds, id=DUE_JOB_ID,
                               replace_existing=True, max_instances=1, coalesce=True,
                               next_run_time=dt.datetime.now(self.app.config.tz))
        at = self.app.config.reminders.staff_digest_time
        self.scheduler.add_job(self.digest, "cron", day_of_week="sun,mon,tue,wed,thu",
                               hour=at.hour, minute=at.minute, id=DIGEST_JOB_ID,
                               replace_existing=True, coalesce=True)
        self.scheduler.add_job(self.prune, "cron", hour=RETENTION_AT.hour,
                               minute=RETENTION_AT.minute, id=RETENTION_JOB_ID,
                               replace_existing=True, max_instances=1, coalesce=True)
        self.scheduler.add_listener(_count_job, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED
                                    | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        self.scheduler.start()

    async def _tracked(self, job: Callable[[], Awaitable[T]]) -> T:
        """Run a job while remembering its task, so shutdown() can let it finish."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await job()
        finally:
            if task is not None:
                self._running.discard(task)

    async def digest(self) -> bool:
        """The staff group's daily digest, when the staff desk runs."""
        return await self._tracked(self._digest)

    async def _digest(self) -> bool:
        posted = False
        for desk in self.desks:
            try:
                posted = await desk.digest() or posted
            except Exception:
                log.exception("staff digest failed")
                metrics.scheduler_job_failed(DIGEST_JOB_ID)
        return posted

    async def prune(self) -> dict[str, int]:
        """The daily retention job: every expired row and orphan document goes (retention.py)."""
        return await self._tracked(self._prune)

    async def _prune(self) -> dict[str, int]:
        try:
            services = self.app.services
            counts = await retention.prune_all(self.app.sessions, self.app.config.retention,
                                               now=services.clock.now(),
                                               privacy=self.app.config.privacy,
                                               documents=services.documents,
                                               vault=services.vault)
        except Exception:
            log.exception("retention job failed")
            metrics.scheduler_job_failed(RETENTION_JOB_ID)
            return {}
        log.info("retention: deleted %s",
                 ", ".join(f"{n} from {table}" for table, n in counts.items()))
        return counts

    async def tick(self) -> int:
        """One pass over due rows (errors are logged, the ticker keeps going)."""
        return await self._tracked(self._tick)

    async def _tick(self) -> int:
        try:
            handled = await self.worker.run_due()
            for desk in self.desks:
                handled += await desk.remind()
            return handled
        except Exception as exc:
            if is_unavailable(exc):  # an outage: the next tick tries again, no traceback
                log.warning("scheduler tick skipped: the database is unavailable (%s)",
                            type(exc).__name__)
            else:
                log.exception("scheduler tick failed")
            metrics.scheduler_job_failed(DUE_JOB_ID)
            return 0

    def kick(self) -> None:
        """Run the due-messages job now (a decision was just recorded)."""
        job = self.scheduler.get_job(DUE_JOB_ID)
        if job is not None:
            job.modify(next_run_time=dt.datetime.now(self.app.config.tz))

    async def shutdown(self, grace_seconds: float = 30.0) -> None:
        """Start no new job, let running ones finish (up to the grace period), then stop.

        APScheduler's asyncio executor cancels running jobs on shutdown; a job cancelled in the
        middle of a database call can leave its connection half-closed, and the database can be
        disposed under it. Waiting first avoids both: each row a job claimed is settled.
        """
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        running = [t for t in self._running if not t.done()]
        if running:
            _, late = await asyncio.wait(running, timeout=grace_seconds)
            if late:
                log.warning("scheduler: %d job(s) still running after %.0f s; cancelling",
                            len(late), grace_seconds)
        self.scheduler.shutdown(wait=False)


_OUTCOMES = {EVENT_JOB_EXECUTED: "executed", EVENT_JOB_ERROR: "error", EVENT_JOB_MISSED: "missed"}


def _count_job(event: JobEvent) -> None:
    """APScheduler's listener: each job's lag when submitted, its outcome when done."""
    if isinstance(event, JobSubmissionEvent):
        now = dt.datetime.now(dt.UTC)
        lag = max((now - when).total_seconds() for when in event.scheduled_run_times)
        metrics.scheduler_job_started(event.job_id, lag)
    elif event.code in _OUTCOMES:
        metrics.scheduler_job_done(event.job_id, _OUTCOMES[event.code])
