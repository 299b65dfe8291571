"""A short notice in the staff group for each new support request: its reference, support
type, branch and how many documents are missing; no name, ID, mobile or free text. Off with
`staff.notify_new_requests: false`."""

from __future__ import annotations

from bot.db import transaction
from bot.messages import Outbound
from bot.repo import outbox, requests
from desk.cases import staff_text
from desk.channel import StaffChannel
from desk.deps import DeskDeps
from models import SupportRequest


async def notify_new_request(deps: DeskDeps, staff: StaffChannel, request_id: int) -> bool:
    """Queue the notice once per request; True when queued."""
    if not deps.config.staff.notify_new_requests:
        return False
    async with transaction(deps.sessions) as session:
        row = await session.get(SupportRequest, request_id)
        if row is None or row.reference is None:
            return False
        docs = await requests.documents_of(session, request_id=request_id)
        text = staff_text(deps, "cr-staff-new-request", reference=row.reference,
                          type=staff_text(deps, f"support-type-{row.support_type}"),
                          branch=staff_text(deps, f"branch-{row.branch}"),
                          missing=sum(d.status != "uploaded" for d in docs))
        await outbox.enqueue(session, channel=staff.channel, address=staff.chat_id,
                             message=Outbound(text, kind="staff_notice"),
                             dedupe_key=f"request:{request_id}:new", now=deps.services.clock.now())
    deps.wake()
    return True
