"""The staff desk: wires escalations, relays and staff commands to a staff channel.

The composition root subscribes `on_events` to the engine and `on_sent` to the dispatcher,
and hands `remind` and `digest` to the scheduler.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.messages import Outbound
from bot.outbox.alarm import Alert
from bot.outbox.senders import Failed, SendResult, Sent
from bot.repo import escalations, outbox
from bot.uploads import UploadRefusal
from desk import rights, service, volunteers
from desk.cases import open_case, post_to_case, recreate_topic, remind_unanswered, staff_text
from desk.channel import StaffChannel, StaffMessage
from desk.commands import CASE_COMMANDS, COMMANDS, ROLES_FOR, StaffCtx
from desk.deps import DeskDeps
from desk.digest import daily_digest
from desk.new_request import notify_new_request
from desk.relay import audit, beneficiary_to_staff
from desk.roster import Staff
from models import Escalation, OutboxMessage

log = logging.getLogger(__name__)


class StaffDesk:
    """Serves every beneficiary's case from one staff group."""

    def __init__(self, deps: DeskDeps, channel: StaffChannel, roster: dict[int, Staff]) -> None:
        self.deps, self.channel, self.roster = deps, channel, roster

    async def on_events(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        """After a committed turn: open cases, relay held conversations."""
        for name, data in events:
            if name == "escalation_opened":
                await open_case(self.deps, self.channel, data["escalation_id"])
            elif name == "request_submitted":
                await notify_new_request(self.deps, self.channel, data["request_id"])
            elif name == "rights_request_opened":
                await rights.notify_opened(self.deps, self.channel, data["rights_id"])
            elif name == "volunteer_signed_up":
                await volunteers.notify_signed_up(self.deps, self.channel, data["application_id"])
            elif name == "relay_to_staff":
                await beneficiary_to_staff(self.deps, self.channel, data["identity_id"],
                                           data["inbound"])

    async def on_sent(self, row: OutboxMessage, result: SendResult) -> None:
        """Learn card message ids; recreate a case topic that was deleted or closed."""
        if row.channel != self.channel.channel or row.address != self.channel.chat_id:
            return
        case_id = (row.payload.get("meta") or {}).get("escalation_id")
        if case_id is None:
            return
        if isinstance(result, Sent) and row.kind == "staff_card" and not self.channel.uses_topics:
            async with transaction(self.deps.sessions) as session:
                case = await session.get(Escalation, case_id)
                message_id = result.platform_message_id or ""
                if case is not None and message_id.isdigit():
                    case.card_message_id = int(message_id)
        elif isinstance(result, Failed) and "thread not found" in result.reason.lower():
            topic = await recreate_topic(self.deps, self.channel, case_id)
            if topic is not None and row.kind != "staff_card":
                await self._repost(row, topic)

    async def _repost(self, row: OutboxMessage, topic: int) -> None:
        message = Outbound.from_payload(row.payload, kind=row.kind)
        message.meta["thread_id"] = topic
        async with transaction(self.deps.sessions) as session:
            await outbox.enqueue(session, channel=row.channel, address=row.address,
                                 message=message, dedupe_key=f"{row.dedupe_key}:topic:{topic}",
                                 now=self.deps.services.clock.now())

    async def delivery_alert(self, alert: Alert) -> None:
        """Sends keep failing (the outbox's alarm): one notice in the group, counts only."""
        now = self.deps.services.clock.now()
        text = staff_text(self.deps, "delivery-alert", failures=alert.failures,
                          messages=alert.messages, minutes=round(alert.minutes),
                          reasons=alert.summary())
        async with transaction(self.deps.sessions) as session:
            await outbox.enqueue(session, channel=self.channel.channel,
                                 address=self.channel.chat_id,
                                 message=Outbound(text, kind="staff_notice"),
                                 dedupe_key=f"alert:delivery:{now:%Y%m%d%H%M%S}", now=now)
        self.deps.wake()

    async def digest(self) -> bool:
        """The daily digest (called by the scheduler's cron job)."""
        return await daily_digest(self.deps, self.channel)

    async def remind(self) -> int:
        """Service-level reminders for unanswered cases and rights requests near their
        deadline (called by the scheduler)."""
        return (await remind_unanswered(self.deps, self.channel)
                + await rights.remind_due(self.deps, self.channel))

    async def handle(self, msg: StaffMessage) -> None:
        """A message in the staff group: a command, a reply to a beneficiary, or chatter."""
        async with transaction(self.deps.sessions) as session:
            case = await self._case_of(session, msg)
            member = self.roster.get(msg.user_id)
            text = (msg.text or "").strip()
            if text.startswith("/"):
                reply = await self._command(session, msg, member, case, text)
            elif case is None:
                return  # talk among staff outside any case
            elif member is None:
                reply = self._refuse(session, msg, case, "relay")
            elif case.status == "closed":
                reply = staff_text(self.deps, "staff-case-is-closed", case=case.id or 0)
            else:
                reply = await self._relay(session, msg, member, case)
            if reply is not None:
                await self._answer(session, msg, case, reply)
        self.deps.wake()

    async def _case_of(self, session: AsyncSession, msg: StaffMessage) -> Escalation | None:
        return await escalations.by_thread_or_card(session, thread_id=msg.thread_id,
                                                   card_message_id=msg.reply_to_message_id)

    def _refuse(self, session: AsyncSession, msg: StaffMessage, case: Escalation | None,
                action: str) -> str:
        log.warning("staff desk: user %s is not staff; %s refused", msg.user_id, action)
        audit(session, msg.user_id, None, action, case, msg.text, allowed=False)
        return staff_text(self.deps, "staff-refused")

    async def _command(self, session: AsyncSession, msg: StaffMessage, member: Staff | None,
                       case: Escalation | None, text: str) -> str | Outbound:
        name, _, args = text[1:].partition(" ")
        name = name.split("@", 1)[0].lower()
        if member is None:
            return self._refuse(session, msg, case, name)
        if name not in COMMANDS:
            return staff_text(self.deps, "staff-help")
        if name in ROLES_FOR and member.role not in ROLES_FOR[name]:
            audit(session, member.user_id, member.role, name, case, args, allowed=False)
            return staff_text(self.deps, "staff-role-refused", role=member.role)
        if name in CASE_COMMANDS and case is None:
            return staff_text(self.deps, "staff-needs-case")
        ctx = StaffCtx(self.deps, session, member, case, args.strip(), msg.message_id)
        reply = await COMMANDS[name](ctx)
        audit(session, member.user_id, member.role, name, case, args.strip() or None)
        if name == "decide":
            self.deps.on_decision()
        if name == "stats":
            return await self._with_chart(session, reply)
        return reply

    async def _with_chart(self, session: AsyncSession, text: str) -> Outbound:
        from desk.reports import satisfaction

        rows = await satisfaction.load(session, None, None)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp)
            names = satisfaction.labels(self.deps.services.catalog, self.deps.config)
            satisfaction.write_charts(rows, path, names, self.deps.config.tz)
            key, _ = self.deps.services.documents.put((path / "csat_by_channel.png").read_bytes())
        return Outbound(text, kind="staff_notice", file_key=key, file_name="csat.png")

    async def _relay(self, session: AsyncSession, msg: StaffMessage, member: Staff,
                     case: Escalation) -> str | None:
        outcome = await service.reply(self.deps, session, member, case, msg.message_id,
                                      msg.text, msg.attachment)
        if isinstance(outcome, UploadRefusal):  # staff files pass the same content checks
            return staff_text(self.deps, outcome.key, **(outcome.args or {}))
        return None

    async def _answer(self, session: AsyncSession, msg: StaffMessage, case: Escalation | None,
                      reply: str | Outbound) -> None:
        message = reply if isinstance(reply, Outbound) else Outbound(reply, kind="staff_notice")
        key = f"staff-answer:{msg.message_id}"
        if case is not None:
            await post_to_case(self.deps, session, self.channel, case, message, key)
            return
        if msg.thread_id is not None:
            message.meta["thread_id"] = msg.thread_id
        await outbox.enqueue(session, channel=self.channel.channel, address=self.channel.chat_id,
                             message=message, dedupe_key=key, now=self.deps.services.clock.now())
