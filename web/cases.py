"""Step 3 for a whole case: refer a staff desk case (the beneficiary's escalation) to a
social-research officer, who then finds it under "assigned to me"."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from models import Escalation, SupportRequest
from web.deps import STAFF
from web.roles import may
from web.views import _refused, change_request


async def assign_case(request: web.Request) -> web.Response:
    """Refer one of the request's beneficiary's cases (or take the referral back)."""
    if not may(request[STAFF].role, "assign"):
        return await _refused(request, "assign_case")
    to = str((await request.post()).get("to", "")) or None

    async def apply(session: AsyncSession, row: SupportRequest, now: dt.datetime) -> str:
        case = await session.get(Escalation, int(request.match_info["case_id"]))
        if case is None or case.beneficiary_id != row.beneficiary_id:
            raise web.HTTPNotFound(text="no such case")
        case.assigned_to = to[:80] if to else None
        session.add(case)
        return f"case {case.id} ({row.reference}): {to or '-'}"

    return await change_request(request, "assign_case", apply, message="cr-case-assigned")


def add_routes(router: web.UrlDispatcher) -> None:
    """Referring a case."""
    router.add_post("/requests/{reference}/cases/{case_id:\\d+}/assign", assign_case)
