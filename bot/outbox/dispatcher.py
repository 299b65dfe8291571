"""The outbox dispatcher: delivers committed messages in order, within limits, with retries.

Each address (a chat) is delivered strictly in order; different addresses go in parallel,
each in its own task, so a chat waiting for its pacing never holds up the others. One query
finds the due chats with their rows; outcomes are committed in groups (`outcomes.py`).
No database transaction is held while a message is on the wire (SQLite has one writer).
With several workers on PostgreSQL, a session advisory lock per address makes one worker
deliver an address at a time. Delivery is at-least-once: a crash between the platform's
answer and the status update re-sends that one message on restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import OutboxConfig
from bot.db import is_unavailable, transaction
from bot.messages import Outbound
from bot.outbox.alarm import Alert, FailureAlarm
from bot.outbox.outcomes import OutcomeWriter
from bot.outbox.ratelimit import ChannelRateLimiter, Limiter
from bot.outbox.ratelimit_pg import chat_sessions
from bot.outbox.senders import (
    OUTBOX_ID,
    PARTS_SENT,
    ChannelSender,
    Failed,
    RateLimits,
    RetryLater,
    SendResult,
    Sent,
    Unreachable,
)
from bot.repo import identities
from bot.repo import outbox as repo
from models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
SentListener = Callable[[OutboxMessage, SendResult], Awaitable[None]]
AlertListener = Callable[[Alert], Awaitable[None]]
Sessions = async_sessionmaker[AsyncSession]
ELSEWHERE_SECONDS = 2.0  # a chat locked by another worker is not tried again for this long
AWAY_EVERY = 60.0  # seconds between two warnings that the database is unavailable


class Dispatcher:
    """Delivers pending outbox rows through the channel senders."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        senders: dict[str, ChannelSender],
        config: OutboxConfig,
        clock: Clock,
        concurrency: int = 64,
        make_limiter: Callable[[str, RateLimits], Limiter] | None = None,
    ) -> None:
        self.sessions = sessions
        self.senders = senders
        self.config = config
        self.clock = clock
        self.limiters: dict[str, Limiter] = {}
        self.make_limiter = make_limiter  # shared by workers (Redis, PostgreSQL); None: here
        self.listeners: list[SentListener] = []
        self._wake = asyncio.Event()
        self.concurrency = concurrency
        self._semaphore = asyncio.Semaphore(concurrency)
        self._saturated = False  # the last look found as many chats as it could take
        self._busy: set[tuple[str, str]] = set()
        # chats another worker was delivering when this one tried (PostgreSQL): left out of
        # this worker's looks for a moment instead of being tried again and again
        self._elsewhere: dict[tuple[str, str], float] = {}
        self._recheck: set[tuple[str, str]] = set()  # busy chats that got new rows
        self._outcomes = OutcomeWriter(sessions)
        self._transient_tries: dict[int, int] = {}  # row id -> platform-away retries so far
        self.alarm = FailureAlarm(clock, config.alert_failures, config.alert_window_minutes)
        self.alert_listeners: list[AlertListener] = []  # the staff group's notice
        self._said_away = -AWAY_EVERY  # when the database's absence was last logged
        self._db_away = False  # the database was away since the last good look

    def limiter(self, channel: str) -> Limiter:
        """The rate limiter of a channel, made on first use from its sender's limits."""
        if channel not in self.limiters:
            limits = self.senders[channel].limits
            self.limiters[channel] = (self.make_limiter(channel, limits) if self.make_limiter
                                      else ChannelRateLimiter(limits))
        return self.limiters[channel]

    def wake(self, chat: tuple[str, str] | None = None) -> None:
        """Tell the loop that new rows were committed (for `chat`, when known).

        A chat being delivered works from the rows it read when it started: naming it here
        makes it look again when done. Rows committed without a chat are found by the next
        look or poll (at most `poll_seconds` later for a chat busy at that moment).
        """
        if chat is not None and chat in self._busy:
            self._recheck.add(chat)
        if chat is not None:  # its new rows deserve a try, whoever held it a moment ago
            self._elsewhere.pop(chat, None)
        self._wake.set()

    async def run(self, stop: asyncio.Event, poll_seconds: float = 1.0) -> None:
        """Deliver until `stop` is set; sleeps until woken or the next poll.

        Each due chat is delivered by its own task; the loop goes straight back to waiting,
        so a message committed for another chat meanwhile goes at once.
        """
        tasks: set[asyncio.Task[int]] = set()
        while not stop.is_set():
            self._wake.clear()
            free = self.concurrency - len(tasks)
            try:
                claimed = await self._claim_due(limit=free) if free > 0 else {}
                for (channel, address), rows in claimed.items():
                    task = asyncio.create_task(self._deliver_address(channel, address, rows))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    task.add_done_callback(self._delivered)
            except Exception as exc:
                if is_unavailable(exc):
                    self._database_away(exc)
                else:
                    log.exception("outbox drain failed; retrying")
            else:
                if self._db_away:
                    self._db_away = False
                    self._said_away = -AWAY_EVERY
                    log.info("outbox: the database is back; delivery resumes")
            if self._wake.is_set():
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)
        if tasks:  # let chats in flight record what they sent; the rest stays pending
            _, late = await asyncio.wait(tasks, timeout=5)
            for task in late:
                task.cancel()

    def _delivered(self, task: asyncio.Task[int]) -> None:
        if task.cancelled() or (exc := task.exception()) is None:
            return
        if is_unavailable(exc):
            self._database_away(exc)
        else:
            log.error("outbox delivery failed; retrying at the next poll", exc_info=exc)

    def _database_away(self, exc: BaseException) -> None:
        """The database is away (an outage, a restart): one warning a minute, no traceback;
        the loop keeps looking every poll and delivers once it is back (one line says so)."""
        self._db_away = True
        now = time.monotonic()
        if now - self._said_away >= AWAY_EVERY:
            self._said_away = now
            log.warning("outbox: the database is unavailable (%s); delivery resumes when it "
                        "is back", type(exc).__name__)

    async def drain_once(self) -> int:
        """Deliver every due message once and wait for it; returns the sends attempted."""
        due = await self._claim_due()
        results = await asyncio.gather(*(self._deliver_address(channel, address, rows)
                                         for (channel, address), rows in due.items()))
        return sum(results)

    async def _claim_due(self, limit: int = 500) -> dict[tuple[str, str], repo.Pending | None]:
        """Due chats that no task is delivering yet (at most `limit`), claimed before any
        other await. Chats in flight are left out of the query, so a backlog of thousands of
        chats is read a few at a time, as delivery capacity frees up."""
        channels, now, busy = list(self.senders), self.clock.now(), set(self._busy)
        if self._elsewhere:
            moment = time.monotonic()
            self._elsewhere = {k: t for k, t in self._elsewhere.items() if t > moment}
            busy |= self._elsewhere.keys()
        async with self.sessions() as session:
            if self._shared_store():  # rows are read under each chat's lock
                due: dict[tuple[str, str], repo.Pending | None] = dict.fromkeys(
                    await repo.due_chats(session, channels=channels, now=now, limit=limit,
                                         skip=busy))
            else:
                due = dict(await repo.pending_of_due_chats(session, channels=channels, now=now,
                                                           limit=limit, skip=busy))
        self._saturated = len(due) >= limit
        claimed: dict[tuple[str, str], repo.Pending | None] = {}
        for key, rows in due.items():
            if key not in self._busy:  # a concurrent drain may have claimed it meanwhile
                claimed[key] = rows
        self._busy.update(claimed)  # concurrent drains skip these chats
        return claimed

    async def _deliver_address(
        self, channel: str, address: str, rows: repo.Pending | None = None
    ) -> int:
        key = (channel, address)
        try:
            async with self._semaphore, self._address_lock(channel, address) as sessions:
                if sessions is None:  # another worker is delivering this chat
                    self._elsewhere[key] = time.monotonic() + ELSEWHERE_SECONDS
                    return 0
                chat_sessions.set(sessions)  # the shared limiter reserves on this connection
                if rows is None:  # read under the chat's lock (several workers)
                    async with sessions() as session:
                        rows = await repo.pending_for_addresses(
                            session, channel=channel, addresses=[address])
                return await self._deliver_rows(channel, address, rows)
        finally:
            self._busy.discard(key)
            # rows committed while this chat was busy were not in its snapshot, and a
            # saturated look left chats behind (looked at again once half the capacity is
            # free: each look reads the backlog)
            if key in self._recheck or (
                    self._saturated and len(self._busy) <= self.concurrency // 2):
                self._recheck.discard(key)
                self.wake()

    async def _deliver_rows(self, channel: str, address: str, rows: repo.Pending) -> int:
        attempted = 0
        unreachable: dict[int | None, bool] = {}
        for row, identity_unreachable in repo.business_first(rows, self.clock.now()):
            if row.next_attempt_at > self.clock.now():
                break  # keep the chat's order: later rows wait for this one
            unreachable.setdefault(row.identity_id, identity_unreachable)
            if unreachable[row.identity_id]:
                await self._update(row, status=OutboxStatus.UNREACHABLE,
                                   last_error="identity is unreachable")
                continue
            limited = not self.senders[channel].limits.unlimited
            if limited:
                await self.limiter(channel).acquire(address, group=address.startswith("-"))
            try:
                result = await self._send(channel, address, row)
            finally:
                if limited:  # the chat's pace and the send window count from the answer
                    await self.limiter(channel).release(address)
            attempted += 1
            if isinstance(result, Unreachable):
                unreachable[row.identity_id] = True
            if not await self._record(row, result):
                break
        return attempted

    async def _send(self, channel: str, address: str, row: OutboxMessage) -> SendResult:
        try:
            message = Outbound.from_payload(row.payload, kind=row.kind)
            message.meta[OUTBOX_ID] = row.id
            if row.parts_sent:
                message.meta[PARTS_SENT] = row.parts_sent  # resume after the delivered parts
            return await self.senders[channel].send(address, message)
        except Exception as exc:  # a sender bug must not stop the outbox
            log.exception("sender %s raised", channel)
            return Failed(f"{type(exc).__name__}: {exc}")

    async def _record(self, row: OutboxMessage, result: SendResult) -> bool:
        """Store the outcome; True when the next row of the chat may go."""
        for listener in self.listeners:
            try:
                await listener(row, result)
            except Exception:  # a listener's bug must never block or repeat a delivery
                log.exception("outbox listener failed for row %s", row.id)
        now = self.clock.now()
        if not (isinstance(result, Failed) and result.transient):
            self._transient_tries.pop(row.id or 0, None)
        if isinstance(result, Failed):
            await self._count_failure(result.reason, row.id)
        if isinstance(result, Failed | RetryLater) and result.parts_sent > row.parts_sent:
            await self._update(row, parts_sent=result.parts_sent)  # a retry resumes there
        if isinstance(result, Sent):
            await self._update(row, status=OutboxStatus.SENT, sent_at=now,
                               platform_message_id=result.platform_message_id,
                               attempts=row.attempts + 1)
            return True
        if isinstance(result, RetryLater):
            if not result.per_chat:
                self.limiter(row.channel).pause(result.seconds)
            await self._update(row, next_attempt_at=now + _seconds(result.seconds),
                               last_error=result.reason)
            return False
        if isinstance(result, Unreachable):
            await self._mark_unreachable(row, result.reason)
            return True
        if result.transient and not result.permanent:
            return await self._transient(row, result.reason)
        attempts = row.attempts + 1
        if result.permanent or attempts >= self.config.max_attempts:
            log.error("outbox %s failed for good after %s attempts: %s", row.id, attempts,
                      result.reason)
            await self._update(row, status=OutboxStatus.FAILED, attempts=attempts,
                               last_error=result.reason, next_attempt_at=now)
            return True
        delay = min(self.config.max_backoff_seconds,
                    self.config.base_backoff_seconds * 2 ** (attempts - 1))
        delay *= random.uniform(0.75, 1.0)
        await self._update(row, attempts=attempts, last_error=result.reason,
                           next_attempt_at=now + _seconds(delay))
        return False

    async def _count_failure(self, reason: str, row_id: int | None) -> None:
        alert = self.alarm.failed(reason, row_id)
        if alert is None:
            return
        log.error("outbox: %s sends of %s messages failed in the last %.0f minutes: %s",
                  alert.failures, alert.messages, alert.minutes, alert.summary())
        for listener in self.alert_listeners:
            try:
                await listener(alert)
            except Exception:  # the alarm must never stop a delivery
                log.exception("outbox alert listener failed")

    async def _transient(self, row: OutboxMessage, reason: str) -> bool:
        """The platform is away (network, 5xx): try again later without using an attempt,
        with capped back-off, until the message is `give_up_after_hours` old."""
        now, key = self.clock.now(), row.id or 0
        if now - row.created_at >= dt.timedelta(hours=self.config.give_up_after_hours):
            self._transient_tries.pop(key, None)
            log.error("outbox %s failed for good: still undeliverable after %.0f h: %s", row.id,
                      self.config.give_up_after_hours, reason)
            await self._update(row, status=OutboxStatus.FAILED, last_error=reason,
                               next_attempt_at=now)
            return True
        tries = self._transient_tries.get(key, 0)
        if len(self._transient_tries) > 100_000:  # rows that were retried by another worker
            self._transient_tries.clear()
        self._transient_tries[key] = tries + 1
        delay = min(self.config.transient_max_backoff_seconds,
                    self.config.base_backoff_seconds * 2 ** min(tries, 30))
        delay *= random.uniform(0.75, 1.0)
        await self._update(row, last_error=reason, next_attempt_at=now + _seconds(delay))
        return False

    async def _update(self, row: OutboxMessage, **values: object) -> None:
        await self._outcomes.write(row.id or 0, values)
        for name, value in values.items():
            setattr(row, name, value)

    async def _mark_unreachable(self, row: OutboxMessage, reason: str) -> None:
        log.warning("%s address of outbox %s unreachable: %s", row.channel, row.id, reason)
        await self._update(row, status=OutboxStatus.UNREACHABLE, last_error=reason)
        if row.identity_id is not None:
            async with transaction(self.sessions) as session:
                await identities.mark_unreachable(session, identity_id=row.identity_id)

    def _shared_store(self) -> bool:
        """PostgreSQL: several workers may deliver, so chats are locked and read under it."""
        engine: AsyncEngine = self.sessions.kw["bind"]
        return engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def _address_lock(self, channel: str, address: str) -> AsyncIterator[Sessions | None]:
        """Sessions to deliver this chat with, or None when another worker holds it.

        On PostgreSQL the session advisory lock and all the chat's reads and updates share one
        connection, so a chat never needs two pooled connections at once.
        """
        if not self._shared_store():
            yield self.sessions
            return
        engine: AsyncEngine = self.sessions.kw["bind"]
        digest = hashlib.sha256(f"outbox:{channel}:{address}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        async with engine.connect() as conn:
            got = await repo.try_chat_lock(conn, key=key)
            await conn.commit()
            try:
                yield async_sessionmaker(bind=conn, expire_on_commit=False) if got else None
            finally:
                if got:
                    await repo.release_chat_lock(conn, key=key)
                    await conn.commit()


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)
