"""Delivery statuses from the webhook, recorded on the outbox row of the message they name.

A `failed` status means the message never reached the person although the send got 200
(Meta reports 131026, 131047 and others this way). The row then leaves `sent` for `failed`
(what the outbox counts and staff read), `delivery_status` is `failed` and `last_error` holds
Meta's code and title and what was done about it. A 131047 (outside the 24-hour window) is
re-queued once as the template configured for the message's kind, when there is one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import MultipleResultsFound
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import WhatsAppConfig
from bot.db import transaction
from bot.messages import Outbound
from bot.repo import outbox as outbox_repo
from handlers.whatsapp.client import REENGAGEMENT
from handlers.whatsapp.normalize import CHANNEL, StatusEvent
from handlers.whatsapp.sender import TEMPLATE_ONLY
from models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)
# A later status never goes back to an earlier one (webhooks may arrive out of order).
RANK = {"sent": 1, "delivered": 2, "read": 3, "played": 4}


def _moves_forward(current: str | None, new: str) -> bool:
    if new == "failed":
        return current != "failed"
    return RANK.get(new, 0) > RANK.get(current or "", 0) and current != "failed"


class StatusRecorder:
    """Writes delivery_status; a failure marks the row failed, a 131047 re-queues a template."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: WhatsAppConfig,
        clock: Clock,
        wake: Callable[[], None],
    ) -> None:
        self.sessions, self.config, self.clock, self.wake = sessions, config, clock, wake

    async def record(self, events: list[StatusEvent]) -> None:
        """Record each status in its own short transaction."""
        requeued = False
        for event in events:
            async with transaction(self.sessions) as session:
                requeued |= await self._record_one(session, event)
        if requeued:
            self.wake()

    async def _record_one(self, session: AsyncSession, event: StatusEvent) -> bool:
        try:
            row = await outbox_repo.by_platform_id(session, channel=CHANNEL,
                                                   platform_message_id=event.wamid)
        except MultipleResultsFound:
            log.error("several outbox rows carry WhatsApp id %s", event.wamid)
            return False
        if row is None:
            log.info("WhatsApp status %r for an unknown message %s", event.status, event.wamid)
            return False
        if not _moves_forward(row.delivery_status, event.status):
            return False
        row.delivery_status = event.status[:20]
        if event.status != "failed":
            return False
        reason = " ".join(str(x) for x in (event.error_code, event.error) if x)
        requeued, outcome = False, None
        if event.error_code == REENGAGEMENT:
            requeued, outcome = await self._requeue_as_template(session, row)
        row.status = OutboxStatus.FAILED  # accepted by the API, never delivered
        row.next_attempt_at = self.clock.now()  # a failed row's time is when it failed
        row.last_error = "WhatsApp delivery failed: " + "; ".join(
            x for x in (reason or "no reason given", outcome) if x)
        log.warning("WhatsApp message %s (outbox %s) failed: %s", event.wamid, row.id,
                    row.last_error)
        return requeued

    async def _requeue_as_template(
        self, session: AsyncSession, row: OutboxMessage
    ) -> tuple[bool, str]:
        """Queue the message again as its template; (queued, what the outbox row should say)."""
        payload = dict(row.payload or {})
        meta = payload.get("meta") or {}
        kind = str((payload.get("template") or {}).get("kind") or row.kind)
        ref = self.config.templates.get(kind)
        if meta.get(TEMPLATE_ONLY):
            return False, "it was already the template; not re-queued"
        if ref is None:
            log.warning("outbox %s hit 131047 and has no template for %r", row.id, kind)
            return False, (f"outside the 24-hour window and no WhatsApp template is configured "
                           f"for {kind!r} (config.yaml whatsapp.templates)")
        payload["meta"] = {**meta, TEMPLATE_ONLY: True}
        queued = await outbox_repo.enqueue(
            session, channel=CHANNEL, address=row.address, identity_id=row.identity_id,
            message=Outbound.from_payload(payload, kind=row.kind),
            dedupe_key=f"wa-template:{row.id}", now=self.clock.now(),
        )
        return queued, f"re-queued as template {ref.name} (wa-template:{row.id})"
