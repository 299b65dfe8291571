"""Step 3 for a whole case: refer a staff desk case (the beneficiary's escalation) to a
social-research officer, who then finds it under "assigned to me"."""

from __future__ import annotations

from aiohttp import web

from bot.db import transaction
from bot.repo import staff as repo
from models import Escalation
from web.deps import STAFF, deps_of
from web.roles import may
from web.views import _load, _refused, _request_page


async def assign_case(request: web.Request) -> web.Response:
    """Refer one of the request's beneficiary's cases (or take the referral back)."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "assign"):
        return await _refused(request, "assign_case")
    to = str((await request.post()).get("to", "")) or None
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        row = await _load(deps, session, request.match_info["reference"])
        case = await session.get(Escalation, int(request.match_info["case_id"]))
        if case is None or case.beneficiary_id != row.beneficiary_id:
            raise web.HTTPNotFound(text="no such case")
        case.assigned_to = to[:80] if to else None
        session.add(case)
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                         action="assign_case", request_id=row.id, now=now,
                         detail=f"case {case.id} ({row.reference}): {to or '-'}")
    return await _request_page(request, message="cr-case-assigned")


def add_routes(router: web.UrlDispatcher) -> None:
    """Referring a case."""
    router.add_post("/requests/{reference}/cases/{case_id:\\d+}/assign", assign_case)
