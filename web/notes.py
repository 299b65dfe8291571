"""Internal notes on a request: any role adds one; every note is in the audit log."""

from __future__ import annotations

from aiohttp import web

from bot.db import transaction
from bot.repo import casework
from bot.repo import staff as staff_repo
from models import RequestNote
from web.deps import STAFF, deps_of
from web.listing import FormRefused, note_text
from web.views import _load, _request_page


async def add_note(request: web.Request) -> web.Response:
    """An internal note on the request (any role); every note is in the audit log."""
    deps, staff = deps_of(request), request[STAFF]
    try:
        text = note_text(await request.post(), "text")
    except FormRefused as refused:
        return await _request_page(request, status=400, error=refused.key)
    if not text:
        return await _request_page(request, status=400, error="cr-note-empty")
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        row = await _load(deps, session, request.match_info["reference"])
        note = await casework.add_note(session, note=RequestNote(
            request_id=row.id, staff_key=staff.staff_key, staff_name=staff.name, text=text,
            at=now))
        await staff_repo.audit(session, staff_key=staff.staff_key, role=staff.role, action="note",
                               request_id=row.id, now=now,
                               detail=f"{row.reference}: note {note.id}")
    return await _request_page(request, message="cr-note-added")


def add_routes(router: web.UrlDispatcher) -> None:
    """Notes on a request."""
    router.add_post("/requests/{reference}/notes", add_note)
