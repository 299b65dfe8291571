"""Suggestions (SG-) and complaints (CP-): two lists, each item's status, assignee, notes, and
a reply to the sender on their channel (through the outbox). A complaint not closed after
`staff.complaint_flag_days` days is flagged."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import console_lists as repo
from bot.services.follow_up import tell
from bot.uploads import content_type
from models import Feedback
from models.feedback import FEEDBACK_STATUSES
from web.deps import STAFF, ConsoleDeps, deps_of
from web.followed_up import SAVED, Change, ItemPages, Refused, assign_or_note
from web.listing import audit, staff_choices, words
from web.render import SECURITY_HEADERS, page

KINDS = {"suggestions": "suggestion", "complaints": "complaint"}
PAGE_OF = {kind: name for name, kind in KINDS.items()}
MAX_REPLY = 1000


def flag_before(deps: ConsoleDeps) -> dt.datetime:
    """Complaints opened before this moment and not closed are flagged."""
    return deps.services.clock.now() - dt.timedelta(days=deps.config.staff.complaint_flag_days)


def flagged(deps: ConsoleDeps, item: Feedback) -> bool:
    """A complaint open longer than the configured days."""
    return (item.kind == "complaint" and item.status != "closed"
            and item.created_at < flag_before(deps))


async def feedback_list(request: web.Request) -> web.Response:
    """One kind's list, newest first: by status, "assigned to me", and (complaints) flagged."""
    deps, q, staff = deps_of(request), request.query, request[STAFF]
    name = request.match_info["kind"]
    kind = KINDS[name]
    async with deps.sessions() as session:
        rows = await repo.feedback_items(
            session, kind=kind, status=q.get("status") if q.get("status") in FEEDBACK_STATUSES
            else None, assigned_to=staff.staff_key if q.get("mine") == "1" else None,
            opened_before=flag_before(deps) if q.get("flagged") == "1" else None)
        names = dict(await staff_choices(deps, session))
    return page(request, deps, "feedback_list.html", rows=rows, names=names, query=q,
                kind=kind, page_name=name, statuses=FEEDBACK_STATUSES,
                flagged={r.id for r in rows if flagged(deps, r)},
                flag_days=deps.config.staff.complaint_flag_days)


async def _load(session: AsyncSession, reference: str) -> Feedback:
    row = await repo.feedback_item(session, reference=reference)
    if row is None:
        raise web.HTTPNotFound(text="no such suggestion or complaint", headers=SECURITY_HEADERS)
    return row


def _more(deps: ConsoleDeps, row: Feedback) -> dict[str, object]:
    return {"page_name": PAGE_OF.get(row.kind, "suggestions"), "is_flagged": flagged(deps, row),
            "flag_days": deps.config.staff.complaint_flag_days, "max_reply": MAX_REPLY}


# One suggestion or complaint (reading its text is audited); its status (new, in progress,
# closed), assignee, notes (never shown to the sender), and a reply on the sender's channel.
PAGES = ItemPages("feedback_item.html", "f", "feedback", FEEDBACK_STATUSES, _load, _more)


async def _apply(change: Change[Feedback]) -> str:
    """A posted status, reply (on the sender's channel), assignee or notes."""
    row, now = change.row, change.now
    if change.what == "status":
        to = str(change.form.get("status", ""))
        if to not in FEEDBACK_STATUSES:
            raise Refused(400, "lists-bad-status")
        detail = f"{row.reference}: {row.status} -> {to}"
        row.status, row.closed_at = to, now if to == "closed" else None
        return detail
    if change.what == "reply":
        text = words(change.form, "text", MAX_REPLY + 1)
        if not text or len(text) > MAX_REPLY:
            raise Refused(400, "lists-reply-bad")
        told = await tell(change.session, change.deps.services,
                          beneficiary_id=row.beneficiary_id, channel=row.channel,
                          key="lists-feedback-reply",
                          dedupe_key=f"feedback:{row.id}:reply:{now.isoformat()}",
                          reference=row.reference or "", text=text)
        if told is None:
            raise Refused(409, "lists-unreachable")
        row.replied_at = now
        if row.status == "new":
            row.status = "in_progress"
        return f"{row.reference}: reply on {told.channel}"
    return await assign_or_note(change)


async def attachment(request: web.Request) -> web.Response:
    """The file sent with a complaint, as a download (its type judged by its content);
    every download is audited."""
    deps = deps_of(request)
    async with deps.sessions() as session:
        row = await _load(session, request.match_info["reference"])
    if not row.attachment_key:
        raise web.HTTPNotFound(text="no attachment", headers=SECURITY_HEADERS)
    try:
        content = deps.services.documents.get(row.attachment_key)
    except FileNotFoundError:
        raise web.HTTPNotFound(text="the file is gone", headers=SECURITY_HEADERS) from None
    await audit(request, "feedback_attachment", row.reference)
    mime = content_type(content) or "application/octet-stream"
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(mime,
                                                                                      "bin")
    headers = {**SECURITY_HEADERS, "Content-Disposition":
               f'attachment; filename="{row.reference}-attachment.{extension}"'}
    return web.Response(body=content, headers=headers,
                        content_type=mime if extension != "bin" else "application/octet-stream")


def add_routes(router: web.UrlDispatcher) -> None:
    """The suggestions and complaints pages."""
    router.add_get("/{kind:suggestions|complaints}", feedback_list)
    PAGES.add_routes(router, "/feedback/{reference}", _apply,
                     changes={**SAVED, "reply": "lists-reply-sent"})
    router.add_get("/feedback/{reference}/attachment", attachment)
