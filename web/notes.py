"""Internal notes on a request: any role adds one; every note is in the audit log."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import casework
from models import RequestNote, SupportRequest
from web.deps import STAFF
from web.listing import FormRefused, note_text
from web.views import _request_page, change_request


async def add_note(request: web.Request) -> web.Response:
    """An internal note on the request (any role); every note is in the audit log."""
    staff = request[STAFF]
    try:
        text = note_text(await request.post(), "text")
    except FormRefused as refused:
        return await _request_page(request, status=400, error=refused.key)
    if not text:
        return await _request_page(request, status=400, error="cr-note-empty")

    async def apply(session: AsyncSession, row: SupportRequest, now: dt.datetime) -> str:
        note = await casework.add_note(session, note=RequestNote(
            request_id=row.id, staff_key=staff.staff_key, staff_name=staff.name, text=text,
            at=now))
        return f"{row.reference}: note {note.id}"

    return await change_request(request, "note", apply, message="cr-note-added")


def add_routes(router: web.UrlDispatcher) -> None:
    """Notes on a request."""
    router.add_post("/requests/{reference}/notes", add_note)
