"""A new volunteer application in the staff group: one masked notice (reference, city,
availability, masked mobile), when `staff.notify_volunteers` is on."""

from __future__ import annotations

from bot.db import transaction
from bot.messages import Outbound
from bot.repo import outbox
from bot.security.redact import mask_mobile
from desk.cases import staff_text
from desk.channel import StaffChannel
from desk.deps import DeskDeps
from models import VolunteerApplication


async def notify_signed_up(deps: DeskDeps, staff: StaffChannel, application_id: int) -> bool:
    """Post the notice once per application; False when switched off or not found."""
    if not deps.config.staff.notify_volunteers:
        return False
    async with transaction(deps.sessions) as session:
        row = await session.get(VolunteerApplication, application_id)
        if row is None:
            return False
        text = staff_text(deps, "lists-volunteer-notice", reference=row.reference or "-",
                          city=row.city,
                          availability=staff_text(deps, f"availability-{row.availability}"),
                          mobile=mask_mobile(row.mobile))
        await outbox.enqueue(session, channel=staff.channel, address=staff.chat_id,
                             message=Outbound(text, kind="staff_notice"),
                             dedupe_key=f"volunteer:{row.id}:signed_up",
                             now=deps.services.clock.now())
    deps.wake()
    return True
