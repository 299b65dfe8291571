"""The daily digest in the staff group: requests waiting on the committee, unanswered cases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.wiring import App
from bot.db import transaction
from bot.messages import Outbound
from bot.repo import outbox
from desk.cases import staff_text
from desk.channel import StaffChannel
from models import Escalation, SupportRequest

MAX_LINES = 30


async def daily_digest(app: App, staff: StaffChannel) -> bool:
    """Post today's digest once (nothing when nothing waits); True when posted."""
    now = app.services.clock.now()
    limit = now - dt.timedelta(days=app.config.reminders.committee_waiting_days)
    async with transaction(app.sessions) as session:
        waiting = list((await session.execute(
            select(SupportRequest).where(SupportRequest.status.in_(["submitted", "under_study"]),
                                         SupportRequest.submitted_at < limit)
            .order_by(SupportRequest.submitted_at))).scalars())
        unanswered = list((await session.execute(
            select(Escalation).where(Escalation.status != "closed",
                                     Escalation.first_staff_reply_at.is_(None))
            .order_by(Escalation.created_at))).scalars())
        if not waiting and not unanswered:
            return False
        request_lines = [staff_text(app, "staff-digest-request", reference=r.reference or "-",
                                    days=(now - r.submitted_at).days if r.submitted_at else 0)
                         for r in waiting[:MAX_LINES]] or ["-"]
        case_lines = [staff_text(app, "staff-digest-case", case=c.id or 0,
                                 reason=staff_text(app, f"staff-reason-{c.reason}"),
                                 hours=int((now - c.created_at).total_seconds() // 3600))
                      for c in unanswered[:MAX_LINES]] or ["-"]
        day = now.astimezone(app.config.tz).date().isoformat()
        text = staff_text(app, "staff-digest", date=day, requests="\n".join(request_lines),
                          cases="\n".join(case_lines), days=app.config.reminders
                          .committee_waiting_days)
        await outbox.enqueue(session, channel=staff.channel, address=staff.chat_id,
                             message=Outbound(text, kind="staff_digest"),
                             dedupe_key=f"digest:{day}", now=now)
    app.dispatcher.wake()
    return True
