"""Prometheus metrics: every family the bot exports, defined once, counted with one-line calls.

Counters and histograms move where things happen (the engine, the outbox's senders, the
scheduler, the FAQ answers); the gauges of the database's state (outbox depth, open cases)
are read at scrape time by `refresh` with two cheap queries. Labels are small fixed sets
(channel, outcome, reason, job, kind): never a user, an address or a text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client import generate_latest as _generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbox.senders import Failed, RetryLater, SendResult, Sent, Unreachable
from bot.repo import health
from models import OutboxMessage

disable_created_metrics()  # no `*_created` series: a timestamp per label set, of no use here
CONTENT_TYPE = CONTENT_TYPE_LATEST
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

TURN_SECONDS = Histogram(
    "ghimar_turn_duration_seconds",
    "Inbound messages handled by the engine (one transaction each, throttled ones included) "
    "and how long each took.",
    ["channel"], buckets=_SECONDS)
INBOUND_IGNORED = Counter(
    "ghimar_inbound_ignored_total",
    "Inbound messages not turned into a turn: duplicate (already handled), throttled "
    "(over the per-person rate), given_up (an update the adapter could not process).",
    ["channel", "reason"])
SENDS = Counter(
    "ghimar_sends_total", "Outbox send attempts by channel and outcome (sent; retry_later: "
    "the platform asked to wait, a 429 or a paused token; unreachable; failed).",
    ["channel", "outcome"])
SEND_FAILURES = Counter(
    "ghimar_send_failures_total", "Failed sends by reason: permanent (not retried), "
    "transient (platform away), retryable (uses an attempt), unreachable.",
    ["channel", "reason"])
RATE_LIMITED = Counter(
    "ghimar_rate_limited_total", "429 / rate-limit answers from a platform.", ["channel"])
RETRY_AFTER = Histogram(
    "ghimar_retry_after_seconds", "The wait after a rate-limit answer: Telegram's retry_after, "
    "WhatsApp's back-off.",
    ["channel"], buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900))
SCHEDULER_JOBS = Counter(
    "ghimar_scheduler_jobs_total", "Scheduler jobs by job and APScheduler's outcome (executed, "
    "error: raised, missed: too late to run).", ["job", "outcome"])
SCHEDULER_JOB_ERRORS = Counter(
    "ghimar_scheduler_job_errors_total", "Failures a scheduler job caught and logged (it goes "
    "on ticking).", ["job"])
SCHEDULER_LAG = Histogram(
    "ghimar_scheduler_lag_seconds", "How late a scheduler job started after its scheduled time.",
    ["job"], buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300))
FAQ_ANSWERS = Counter(
    "ghimar_faq_answers_total", "Questions put to the service guides, by the kind of result "
    "(answer, suggest, unknown).", ["kind"])
CASES_OPENED = Counter(
    "ghimar_cases_opened_total", "Staff cases (escalations) opened, by reason.", ["reason"])
OUTBOX_DEPTH = Gauge(
    "ghimar_outbox_due", "Pending outbox messages that are due now (read at scrape time).",
    ["channel"])
OUTBOX_OLDEST_DUE = Gauge(
    "ghimar_outbox_oldest_due_age_seconds",
    "How long the oldest due outbox message has been waiting (0 when none; at scrape time).",
    ["channel"])
CASES_OPEN = Gauge("ghimar_cases_open", "Staff cases not closed (read at scrape time).")
CASES_OLDEST_OPEN = Gauge(
    "ghimar_cases_oldest_open_age_seconds", "Age of the oldest case not closed (0 when none).")


def turn_done(channel: str, seconds: float) -> None:
    """A turn was committed."""
    TURN_SECONDS.labels(channel).observe(seconds)


def inbound_ignored(channel: str, reason: str) -> None:
    """An inbound message produced no turn (duplicate, throttled, given_up)."""
    INBOUND_IGNORED.labels(channel, reason).inc()


def rate_limited(channel: str, retry_after: float) -> None:
    """A platform answered 429 (or its rate-limit code) asking to wait `retry_after` s."""
    RATE_LIMITED.labels(channel).inc()
    RETRY_AFTER.labels(channel).observe(retry_after)


def faq_answered(kind: str) -> None:
    """A question was put to the guides: answer, suggest or unknown."""
    FAQ_ANSWERS.labels(kind).inc()


async def on_events(events: list[tuple[str, dict[str, Any]]]) -> None:
    """The engine's listener: cases opened by a committed turn, by reason."""
    for name, data in events:
        if name == "escalation_opened":
            CASES_OPENED.labels(str(data.get("reason", "unknown"))).inc()


async def on_sent(row: OutboxMessage, result: SendResult) -> None:
    """The dispatcher's listener: each send attempt by outcome, failures by reason."""
    outcome, reason = _classify(result)
    SENDS.labels(row.channel, outcome).inc()
    if reason is not None:
        SEND_FAILURES.labels(row.channel, reason).inc()


def _classify(result: SendResult) -> tuple[str, str | None]:
    if isinstance(result, Sent):
        return "sent", None
    if isinstance(result, RetryLater):
        return "retry_later", None
    if isinstance(result, Unreachable):
        return "unreachable", "unreachable"
    assert isinstance(result, Failed)
    kind = "permanent" if result.permanent else "transient" if result.transient else "retryable"
    return "failed", kind


def scheduler_job_started(job: str, lag_seconds: float) -> None:
    """A scheduler job was handed to its executor `lag_seconds` after its scheduled time."""
    SCHEDULER_LAG.labels(job).observe(max(lag_seconds, 0.0))


def scheduler_job_done(job: str, outcome: str) -> None:
    """A scheduler job ended: executed, error or missed."""
    SCHEDULER_JOBS.labels(job, outcome).inc()


def scheduler_job_failed(job: str) -> None:
    """A scheduler job caught and logged a failure."""
    SCHEDULER_JOB_ERRORS.labels(job).inc()


async def refresh(sessions: async_sessionmaker[AsyncSession], now: dt.datetime) -> None:
    """Read the database's gauges (outbox due per channel, open cases) before a scrape."""
    async with sessions() as session:
        due = await health.outbox_due(session, now=now)
        cases = await health.open_cases(session)
    OUTBOX_DEPTH.clear()
    OUTBOX_OLDEST_DUE.clear()
    for channel, stats in due.items():
        OUTBOX_DEPTH.labels(channel).set(stats.count)
        OUTBOX_OLDEST_DUE.labels(channel).set(stats.age_seconds(now))
    CASES_OPEN.set(cases.count)
    CASES_OLDEST_OPEN.set(cases.age_seconds(now))


def exposition() -> bytes:
    """Every metric of this process in Prometheus' text format."""
    return _generate_latest(REGISTRY)
