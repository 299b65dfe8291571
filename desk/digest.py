"""The daily digest in the staff group: requests waiting on the committee, unanswered cases."""

from __future__ import annotations

import datetime as dt

from bot.db import transaction
from bot.messages import Outbound
from bot.repo import escalations, outbox, requests
from desk.cases import staff_text
from desk.channel import StaffChannel
from desk.deps import DeskDeps

MAX_LINES = 30


async def daily_digest(deps: DeskDeps, staff: StaffChannel) -> bool:
    """Post today's digest once (nothing when nothing waits); True when posted."""
    now = deps.services.clock.now()
    limit = now - dt.timedelta(days=deps.config.reminders.committee_waiting_days)
    async with transaction(deps.sessions) as session:
        waiting = await requests.waiting_for_committee(session, submitted_before=limit)
        unanswered = await escalations.unanswered(session)
        if not waiting and not unanswered:
            return False
        request_lines = [staff_text(deps, "staff-digest-request", reference=r.reference or "-",
                                    days=(now - r.submitted_at).days if r.submitted_at else 0)
                         for r in waiting[:MAX_LINES]] or ["-"]
        case_lines = [staff_text(deps, "staff-digest-case", case=c.id or 0,
                                 reason=staff_text(deps, f"staff-reason-{c.reason}"),
                                 hours=int((now - c.created_at).total_seconds() // 3600))
                      for c in unanswered[:MAX_LINES]] or ["-"]
        day = now.astimezone(deps.config.tz).date().isoformat()
        text = staff_text(deps, "staff-digest", date=day, requests="\n".join(request_lines),
                          cases="\n".join(case_lines), days=deps.config.reminders
                          .committee_waiting_days)
        await outbox.enqueue(session, channel=staff.channel, address=staff.chat_id,
                             message=Outbound(text, kind="staff_digest"),
                             dedupe_key=f"digest:{day}", now=now)
    deps.wake()
    return True
