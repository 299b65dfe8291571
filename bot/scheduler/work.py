"""One pass over due scheduled messages: claim, check quiet hours, hand to the outbox.

Each row is handled in a savepoint, so one bad row never blocks the others. On PostgreSQL the
rows are claimed with FOR UPDATE SKIP LOCKED: several workers never handle the same row, and
the outbox row is written in the same transaction that marks the scheduled row done.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.engine.context import Services
from bot.engine.engine import ConversationEngine
from bot.repo import identities, requests
from bot.repo import schedule as schedule_repo
from bot.services import linking
from bot.services.calendar import next_allowed
from bot.services.notifications import decision_notice, document_reminder, survey_invitation
from bot.services.surveys import busy_until
from models import SatisfactionSurvey, ScheduledMessage, ScheduledStatus, SupportRequest

log = logging.getLogger(__name__)
# A handler returns None when done, or the time the row must wait until (it stays pending).
Handler = Callable[["Worker", AsyncSession, ScheduledMessage], Awaitable[dt.datetime | None]]
QUIET_EXEMPT = {"survey_expiry"}  # kinds that send nothing may run at any hour
BATCH = 100  # rows per transaction: short enough not to hold SQLite's write lock for long


class Worker:
    """Turns due scheduled rows into outbox messages."""

    def __init__(self, sessions, engine: ConversationEngine) -> None:  # type: ignore[no-untyped-def]
        self.sessions = sessions
        self.engine = engine
        self.services: Services = engine.services

    @property
    def now(self) -> dt.datetime:
        """The injected clock's time."""
        return self.services.clock.now()

    async def run_due(self, max_batches: int = 1000) -> int:
        """Handle every due row once, batch after batch; how many were handled."""
        handled = 0
        for _ in range(max_batches):  # bounded: a decision day is drained in one tick
            done, claimed = await self._run_batch()
            handled += done
            if claimed < BATCH:
                break
        return handled

    async def _run_batch(self) -> tuple[int, int]:
        """One transaction over at most BATCH due rows: (handled, claimed)."""
        handled = 0
        now = self.now
        async with transaction(self.sessions) as session:
            rows = await schedule_repo.claim_due(session, now=now, limit=BATCH)
            for row in rows:
                if row.kind not in QUIET_EXEMPT:
                    allowed = next_allowed(now, self.services.config)
                    if allowed > now:
                        row.due_at = allowed  # quiet hours or a holiday: wait for the morning
                        session.add(row)
                        continue
                try:
                    async with session.begin_nested():
                        wait = await HANDLERS[row.kind](self, session, row)
                        if wait is None:
                            row.status, row.done_at = ScheduledStatus.DONE, now
                        else:
                            row.due_at = wait  # e.g. a survey behind another one
                        session.add(row)
                    if wait is None:
                        handled += 1
                except Exception as exc:  # one bad row must not block the others
                    log.exception("scheduled %s %s failed", row.kind, row.id)
                    row.note = f"{type(exc).__name__}: {exc}"[:500]
                    row.due_at = now + dt.timedelta(minutes=15)
                    session.add(row)
        if handled:
            self.engine.wake_dispatcher()  # the outbox starts while the next batch is built
        return handled, len(rows)

    async def _target(self, session: AsyncSession, request: SupportRequest | None,
                      beneficiary_id: int | None = None):  # type: ignore[no-untyped-def]
        if request is not None:  # only its own identity or one linked with proof
            identity = await linking.recipient(session, request=request)
        else:
            identity = await identities.preferred_identity(session,
                                                           beneficiary_id=beneficiary_id or 0)
        if identity is None:
            raise LookupError(f"beneficiary of request {request and request.id} has no identity")
        conv = await identities.conversation_of(session, identity_id=identity.id or 0)
        lang = conv.language if conv else self.services.config.default_language
        return identity, lang


async def _decision(worker: Worker, session: AsyncSession, row: ScheduledMessage) -> None:
    request = await session.get(SupportRequest, row.request_id)
    assert request is not None
    identity, lang = await worker._target(session, request)
    docs = await requests.documents_of(session, request_id=request.id or 0)
    message = decision_notice(worker.services.catalog, lang, worker.services.config, request, docs)
    if (row.data or {}).get("corrected"):  # an admin corrected a recorded decision
        header = worker.services.catalog.t(lang, "cr-decision-corrected-notice",
                                           reference=request.reference or "")
        message.text = f"{header}\n{message.text}"
    await worker.engine.push(session, identity=identity, messages=[message],
                             dedupe_key=f"sched:{row.dedupe_key}")


async def _survey(
    worker: Worker, session: AsyncSession, row: ScheduledMessage
) -> dt.datetime | None:
    survey = await session.get(SatisfactionSurvey, row.survey_id)
    request = await session.get(SupportRequest, row.request_id) if row.request_id else None
    assert survey is not None
    reminder = row.kind == "survey_reminder"
    if survey.status != ("sent" if reminder else "scheduled"):
        return None  # answered, declined or expired meanwhile
    identity, lang = await worker._target(session, request, survey.beneficiary_id)
    if not reminder:  # one survey at a time
        conv = await identities.conversation_of(session, identity_id=identity.id or 0)
        wait = await busy_until(session, survey=survey, now=worker.now,
                                expire_hours=worker.services.config.surveys.expire_hours,
                                in_survey_flow=conv is not None and conv.flow == "survey")
        if wait is not None:
            row.data = {**(row.data or {}), "waits_for_survey": True}
            return wait
    reference = request.reference or "" if request else ""
    message = survey_invitation(worker.services.catalog, lang, survey, reference,
                                reminder=reminder)
    await worker.engine.push(session, identity=identity, messages=[message],
                             dedupe_key=f"sched:{row.dedupe_key}", flow="survey",
                             answers={"survey_id": survey.id})
    if reminder:
        return None
    survey.status, survey.sent_at, survey.channel = "sent", worker.now, identity.channel
    session.add(survey)
    cfg = worker.services.config.surveys
    follow_ups = (("survey_reminder", cfg.reminder_hours), ("survey_expiry", cfg.expire_hours))
    for kind, hours in follow_ups:
        await schedule_repo.schedule(
            session, kind=kind, dedupe_key=f"{kind}:{survey.id}", now=worker.now,
            due_at=worker.now + dt.timedelta(hours=hours), request_id=survey.request_id,
            beneficiary_id=survey.beneficiary_id, survey_id=survey.id)
    return None


async def _document_reminder(worker: Worker, session: AsyncSession, row: ScheduledMessage) -> None:
    request = await session.get(SupportRequest, row.request_id)
    assert request is not None
    if request.status not in ("submitted", "under_study", "accepted"):
        return
    docs = await requests.documents_of(session, request_id=request.id or 0)
    missing = [d for d in docs if d.status != "uploaded"]
    if not missing:
        return
    identity, lang = await worker._target(session, request)
    message = document_reminder(worker.services.catalog, lang, request, missing)
    await worker.engine.push(session, identity=identity, messages=[message],
                             dedupe_key=f"sched:{row.dedupe_key}")
    sent = int(row.data.get("n", 1))
    cfg = worker.services.config.reminders
    if sent < cfg.missing_documents_max:
        await schedule_repo.schedule(
            session, kind="document_reminder", dedupe_key=f"docs:{request.id}:{sent + 1}",
            due_at=worker.now + dt.timedelta(hours=cfg.missing_documents_after_hours),
            now=worker.now, request_id=request.id, beneficiary_id=request.beneficiary_id,
            data={"n": sent + 1})


async def _survey_expiry(worker: Worker, session: AsyncSession, row: ScheduledMessage) -> None:
    survey = await session.get(SatisfactionSurvey, row.survey_id)
    if survey is not None and survey.status == "sent":
        survey.status = "expired"
        session.add(survey)


HANDLERS: dict[str, Handler] = {
    "decision": _decision,
    "survey": _survey,
    "survey_reminder": _survey,
    "survey_expiry": _survey_expiry,
    "document_reminder": _document_reminder,
}
