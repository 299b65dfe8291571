"""Volunteer applications: the list, one application, its status, assignee and notes, CSV.

A status change (contacted, accepted, declined) tells the applicant on their channel, through
the outbox; reading an application (it shows the full mobile) and every change are audited."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.repo import console_lists as repo
from bot.services.follow_up import tell
from models import StaffSession, VolunteerApplication
from models.feedback import VOLUNTEER_STATUSES
from web.deps import STAFF, deps_of
from web.listing import (
    FormRefused,
    assign_or_note,
    audit,
    audit_in,
    csv_response,
    require,
    staff_choices,
)
from web.render import SECURITY_HEADERS, page
from web.roles import may

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


async def _application_page(request: web.Request, *, status: int = 200,
                            message: str | None = None, error: str | None = None
                            ) -> web.Response:
    deps, staff = deps_of(request), request[STAFF]
    async with deps.sessions() as session:
        row = await _load(session, request.match_info["reference"])
        members = await staff_choices(deps, session)
    return page(request, deps, "volunteer.html", status=status, v=row, members=members,
                names=dict(members), statuses=VOLUNTEER_STATUSES, message=message,
                error=error, may_act=may(staff.role, "follow_up"))


async def volunteer_view(request: web.Request) -> web.Response:
    """One application (name and mobile in full: reading it is audited)."""
    response = await _application_page(request)
    await audit(request, "volunteer_view", request.match_info["reference"])
    return response


async def _change(request: web.Request, what: str) -> web.Response:
    """Apply one posted change (status, assignee, notes) to an application."""
    deps = deps_of(request)
    staff: StaffSession = await require(request, "follow_up", f"volunteer_{what}")
    form = await request.post()
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        row = await _load(session, request.match_info["reference"])
        if what == "status":
            to = str(form.get("status", ""))
            if to not in VOLUNTEER_STATUSES:
                return await _application_page(request, status=400, error="lists-bad-status")
            told = None
            if to != row.status and to != "new":
                told = await tell(session, deps.services, beneficiary_id=row.beneficiary_id,
                                  key=f"lists-volunteer-told-{to}",
                                  dedupe_key=f"volunteer:{row.id}:{to}:{now.isoformat()}",
                                  reference=row.reference or "")
            detail = f"{row.reference}: {row.status} -> {to}" + (
                f" (told on {told.channel})" if told else "")
            row.status = to
        else:
            try:
                detail = await assign_or_note(deps, session, row, what, form)
            except FormRefused as refused:
                return await _application_page(request, status=400, error=refused.key)
        row.updated_at = now
        session.add(row)
        await audit_in(session, deps, staff, f"volunteer_{what}", detail)
    return await _application_page(request, message="lists-saved")


async def set_status(request: web.Request) -> web.Response:
    """New, contacted, accepted, declined; the applicant is told of the last three."""
    return await _change(request, "status")


async def assign(request: web.Request) -> web.Response:
    """Give the application to a member of staff (or to nobody)."""
    return await _change(request, "assign")


async def notes(request: web.Request) -> web.Response:
    """Staff notes (never shown to the applicant)."""
    return await _change(request, "notes")


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
    router.add_get("/volunteers/{reference}", volunteer_view)
    router.add_post("/volunteers/{reference}/status", set_status)
    router.add_post("/volunteers/{reference}/assign", assign)
    router.add_post("/volunteers/{reference}/notes", notes)
