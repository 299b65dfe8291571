"""Volunteer applications: the list, one application, its status, assignee and notes, CSV.

A status change (contacted, accepted, declined) tells the applicant on their channel, through
the outbox; reading an application (it shows the full mobile) and every change are audited."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import console_lists as repo
from bot.services.follow_up import tell
from models import VolunteerApplication
from models.feedback import VOLUNTEER_STATUSES
from web.deps import STAFF, deps_of
from web.followed_up import Change, ItemPages, Refused, assign_or_note
from web.listing import audit, csv_response, require, staff_choices
from web.render import SECURITY_HEADERS, page

CSV_HEADER = ["الرقم reference", "التاريخ date", "الاسم name", "الجوال mobile", "المدينة city",
              "المهارات skills", "الأوقات availability", "الحالة status", "المسؤول assigned_to",
              "ملاحظات notes"]


def _filters(request: web.Request) -> dict[str, str | None]:
    q, staff = request.query, request[STAFF]
    status = q.get("status") if q.get("status") in VOLUNTEER_STATUSES else None
    return {"status": status, "assigned_to": staff.staff_key if q.get("mine") == "1" else None}


async def volunteer_list(request: web.Request) -> web.Response:
    """Applications, newest first, by status and "assigned to me"."""
    deps = deps_of(request)
    async with deps.sessions() as session:
        rows = await repo.volunteers(session, **_filters(request))
        names = dict(await staff_choices(deps, session))
    return page(request, deps, "volunteers.html", rows=rows, names=names, query=request.query,
                statuses=VOLUNTEER_STATUSES)


async def _load(session: AsyncSession, reference: str) -> VolunteerApplication:
    row = await repo.volunteer(session, reference=reference)
    if row is None:
        raise web.HTTPNotFound(text="no such application", headers=SECURITY_HEADERS)
    return row


# One application (name and mobile in full: reading it is audited); its status (new,
# contacted, accepted, declined: the applicant is told of the last three), assignee, notes.
PAGES = ItemPages("volunteer.html", "v", "volunteer", VOLUNTEER_STATUSES, _load)


async def _apply(change: Change[VolunteerApplication]) -> str:
    """A posted status (the applicant is told of all but "new"), assignee or notes."""
    row, now = change.row, change.now
    if change.what == "status":
        to = str(change.form.get("status", ""))
        if to not in VOLUNTEER_STATUSES:
            raise Refused(400, "lists-bad-status")
        told = None
        if to != row.status and to != "new":
            told = await tell(change.session, change.deps.services,
                              beneficiary_id=row.beneficiary_id,
                              key=f"lists-volunteer-told-{to}",
                              dedupe_key=f"volunteer:{row.id}:{to}:{now.isoformat()}",
                              reference=row.reference or "")
        detail = f"{row.reference}: {row.status} -> {to}" + (
            f" (told on {told.channel})" if told else "")
        row.status = to
    else:
        detail = await assign_or_note(change)
    row.updated_at = now
    return detail


async def export(request: web.Request) -> web.Response:
    """The list as CSV (with names and mobiles: permitted roles only, audited)."""
    deps = deps_of(request)
    await require(request, "follow_up", "volunteer_export")
    async with deps.sessions() as session:
        rows = await repo.volunteers(session, limit=100_000, **_filters(request))
    await audit(request, "volunteer_export", f"{len(rows)} applications")
    tz = deps.config.tz
    return csv_response("volunteers.csv", CSV_HEADER, (
        [v.reference, v.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), v.full_name,
         v.mobile, v.city, v.skills, v.availability, v.status, v.assigned_to or "",
         v.notes or ""] for v in rows))


def add_routes(router: web.UrlDispatcher) -> None:
    """The volunteers pages."""
    router.add_get("/volunteers", volunteer_list)
    router.add_get("/volunteers.csv", export)
    PAGES.add_routes(router, "/volunteers/{reference}", _apply)
