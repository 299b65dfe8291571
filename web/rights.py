"""Data-subject rights requests (PDPL): the queue with each request's 30-day deadline, and
"done" once the person has been answered (as `/rights done N` in the staff group)."""

from __future__ import annotations

from aiohttp import web

from bot.db import transaction
from bot.repo import console_lists as repo
from bot.services import rights
from web.deps import STAFF, deps_of
from web.listing import FormRefused, audit_in, note_text, require
from web.render import page
from web.roles import may


async def queue(request: web.Request, *, status: int = 200, message: str | None = None,
                error: str | None = None) -> web.Response:
    """Open requests by deadline (overdue and near ones marked), then the answered ones."""
    deps, staff = deps_of(request), request[STAFF]
    async with deps.sessions() as session:
        rows = await repo.rights_queue(session)
    return page(request, deps, "rights.html", status=status, rows=rows, message=message,
                error=error, now=deps.services.clock.now(), may_close=may(staff.role, "rights"),
                soon_days=deps.config.privacy.remind_days_before)


async def done(request: web.Request) -> web.Response:
    """Mark one answered, with what was done (no personal data, as the field says)."""
    deps = deps_of(request)
    staff = await require(request, "rights", "rights_done")
    try:
        note = note_text(await request.post(), "note") or None
    except FormRefused as refused:
        return await queue(request, status=400, error=refused.key)
    async with transaction(deps.sessions) as session:
        row = await rights.close_request(session, int(request.match_info["number"]),
                                         deps.services.clock.now())
        if row is None:
            return await queue(request, status=409, error="lists-rights-not-open")
        if note:
            row.note = note
            session.add(row)
        await audit_in(session, deps, staff, "rights_done", f"{row.id}: {row.kind}")
    return await queue(request, message="lists-rights-closed")


def add_routes(router: web.UrlDispatcher) -> None:
    """The rights requests page."""
    router.add_get("/rights", queue)
    router.add_post("/rights/{number:\\d+}/done", done)
