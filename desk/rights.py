"""Rights requests (PDPL) in the staff group: a notice when one arrives, a reminder before
its deadline, and `/rights` to list the open ones or close one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.messages import Outbound
from bot.repo import outbox
from bot.repo import rights as rights_repo
from bot.services import rights
from desk.cases import staff_text
from desk.channel import StaffChannel
from desk.deps import DeskDeps
from models import RightsRequest


def _due(deps: DeskDeps, row: RightsRequest) -> str:
    return row.due_at.astimezone(deps.config.tz).date().isoformat()


def _kind(deps: DeskDeps, row: RightsRequest) -> str:
    return staff_text(deps, f"staff-rights-kind-{row.kind}")


async def _post(deps: DeskDeps, session: AsyncSession, staff: StaffChannel, text: str,
                key: str) -> None:
    await outbox.enqueue(session, channel=staff.channel, address=staff.chat_id,
                         message=Outbound(text, kind="staff_notice"), dedupe_key=key,
                         now=deps.services.clock.now())


async def notify_opened(deps: DeskDeps, staff: StaffChannel, rights_id: int) -> None:
    """Post a new rights request in the staff group (kind, state, deadline; no personal data)."""
    async with transaction(deps.sessions) as session:
        row = await session.get(RightsRequest, rights_id)
        if row is None:
            return
        text = staff_text(deps, "staff-rights-opened", number=row.id or 0, kind=_kind(deps, row),
                          state=staff_text(deps, f"staff-rights-state-{row.status}"),
                          due=_due(deps, row))
        await _post(deps, session, staff, text, f"rights:{row.id}:opened")
    deps.wake()


async def remind_due(deps: DeskDeps, staff: StaffChannel) -> int:
    """Remind staff once of each open rights request near its deadline; how many."""
    now = deps.services.clock.now()
    soon = now + dt.timedelta(days=deps.config.privacy.remind_days_before)
    async with transaction(deps.sessions) as session:
        rows = await rights_repo.due_for_reminder(session, due_before=soon)
        for row in rows:
            text = staff_text(deps, "staff-rights-reminder", number=row.id or 0,
                              kind=_kind(deps, row), due=_due(deps, row))
            await _post(deps, session, staff, text, f"rights:{row.id}:reminder")
            row.reminded_at = now
            session.add(row)
    if rows:
        deps.wake()
    return len(rows)


async def command(deps: DeskDeps, session: AsyncSession, args: str) -> str:
    """/rights: the open requests; /rights done N: close one after replying."""
    parts = args.split()
    if parts[:1] == ["done"] and len(parts) == 2 and parts[1].isdigit():
        row = await rights.close_request(session, int(parts[1]), deps.services.clock.now())
        if row is None:
            return staff_text(deps, "staff-not-found", query=parts[1])
        return staff_text(deps, "staff-rights-closed", number=row.id or 0)
    if parts:
        return staff_text(deps, "staff-rights-usage")
    rows = await rights.open_requests(session)
    if not rows:
        return staff_text(deps, "staff-rights-none")
    lines = [staff_text(deps, "staff-rights-line", number=r.id or 0, kind=_kind(deps, r),
                        due=_due(deps, r), case=staff_text(deps, "staff-rights-case",
                                                           case=r.escalation_id)
                        if r.escalation_id else "") for r in rows]
    return staff_text(deps, "staff-rights-list", lines="\n".join(lines))
