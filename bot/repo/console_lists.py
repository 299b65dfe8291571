"""The console's lists and reports: volunteers, suggestions and complaints, the audit log,
rights requests, and the figures of the reports page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._narrow import where_given, within
from models import (
    Feedback,
    RequestStatusChange,
    RightsRequest,
    SatisfactionSurvey,
    StaffAction,
    SupportRequest,
    VolunteerApplication,
)


async def volunteers(
    session: AsyncSession, *, status: str | None = None, assigned_to: str | None = None,
    limit: int = 500,
) -> list[VolunteerApplication]:
    """Volunteer applications, newest first, narrowed by status and assignee."""
    v = VolunteerApplication
    stmt = where_given(select(v), (v.status, status), (v.assigned_to, assigned_to))
    stmt = stmt.order_by(v.created_at.desc(), v.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list((await session.execute(stmt)).scalars())


async def volunteer(session: AsyncSession, *, reference: str) -> VolunteerApplication | None:
    """The volunteer application with this reference."""
    stmt = select(VolunteerApplication).where(VolunteerApplication.reference == reference)
    return (await session.execute(stmt)).scalar_one_or_none()


async def feedback_items(
    session: AsyncSession, *, kind: str, status: str | None = None,
    assigned_to: str | None = None, opened_before: dt.datetime | None = None, limit: int = 500,
) -> list[Feedback]:
    """Suggestions or complaints (one kind), newest first, narrowed by status and assignee;
    `opened_before` keeps those not closed that were opened before that moment."""
    f = Feedback
    stmt = where_given(select(f).where(f.kind == kind), (f.status, status),
                       (f.assigned_to, assigned_to))
    if opened_before:
        stmt = stmt.where(f.status != "closed", f.created_at < opened_before)  # type: ignore[operator]
    stmt = stmt.order_by(f.created_at.desc(), f.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list((await session.execute(stmt)).scalars())


async def feedback_item(session: AsyncSession, *, reference: str) -> Feedback | None:
    """The suggestion or complaint with this reference."""
    stmt = select(Feedback).where(Feedback.reference == reference)
    return (await session.execute(stmt)).scalar_one_or_none()


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page is narrowed to (moments are UTC-aware bounds)."""

    staff_key: str | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    refused_only: bool = False


async def audit_lines(
    session: AsyncSession, *, where: AuditFilter, limit: int = 500
) -> list[StaffAction]:
    """Lines of the audit log matching the filter, newest first."""
    a = StaffAction
    stmt = where_given(select(a), (a.staff_user_id, where.staff_key), (a.action, where.action))
    if where.since:
        stmt = stmt.where(a.at >= where.since)  # type: ignore[operator]
    if where.until:
        stmt = stmt.where(a.at < where.until)  # type: ignore[operator]
    if where.refused_only:
        stmt = stmt.where(a.allowed.is_(False))  # type: ignore[attr-defined]
    stmt = stmt.order_by(a.at.desc(), a.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list((await session.execute(stmt)).scalars())


async def audit_choices(session: AsyncSession) -> tuple[list[str], list[str]]:
    """The staff keys and the actions present in the audit log, sorted (for the filters)."""
    who = await session.execute(select(StaffAction.staff_user_id).distinct())
    what = await session.execute(select(StaffAction.action).distinct())
    return sorted(who.scalars()), sorted(what.scalars())


async def rights_queue(session: AsyncSession, *, done_limit: int = 50) -> list[RightsRequest]:
    """Open rights requests, the nearest deadline first, then the latest answered ones."""
    r = RightsRequest
    open_rows = await session.execute(
        select(r).where(r.status == "open").order_by(r.due_at, r.id))
    done_rows = await session.execute(
        select(r).where(r.status != "open")
        .order_by(r.closed_at.desc(), r.id.desc()).limit(done_limit))  # type: ignore[union-attr]
    return list(open_rows.scalars()) + list(done_rows.scalars())


async def requests_submitted(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> list[SupportRequest]:
    """Requests submitted in [since, until), oldest first."""
    r = SupportRequest
    stmt = select(r).where(within(r.submitted_at, since, until)).order_by(r.submitted_at, r.id)
    return list((await session.execute(stmt)).scalars())


async def decisions_made(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """(submitted at, decided at, decision) of each committee decision recorded in the period
    (the first accept or reject of each request)."""
    c, r = RequestStatusChange, SupportRequest
    first = (select(c.request_id, func.min(c.at).label("at"))
             .where(c.to_status.in_(("accepted", "rejected")))  # type: ignore[attr-defined]
             .group_by(c.request_id).subquery())
    stmt = (select(r.submitted_at, first.c.at, c.to_status)
            .join(first, first.c.request_id == r.id)
            .join(c, (c.request_id == r.id) & (c.at == first.c.at))
            .where(first.c.at >= since, first.c.at < until,
                   c.to_status.in_(("accepted", "rejected")),  # type: ignore[attr-defined]
                   r.submitted_at.is_not(None))  # type: ignore[union-attr]
            .order_by(first.c.at))
    rows = (await session.execute(stmt)).all()
    seen: set[tuple[object, object]] = set()
    out = []
    for submitted, decided, decision in rows:  # two changes at one instant count once
        if (submitted, decided) not in seen:
            seen.add((submitted, decided))
            out.append((submitted, decided, decision))
    return out


async def surveys_sent(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> list[SatisfactionSurvey]:
    """Surveys sent in [since, until), oldest first."""
    s = SatisfactionSurvey
    stmt = select(s).where(within(s.sent_at, since, until)).order_by(s.sent_at, s.id)
    return list((await session.execute(stmt)).scalars())


async def volunteers_created(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> list[VolunteerApplication]:
    """Volunteer applications made in [since, until)."""
    v = VolunteerApplication
    stmt = select(v).where(within(v.created_at, since, until))
    return list((await session.execute(stmt)).scalars())


async def feedback_created(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> list[Feedback]:
    """Suggestions and complaints made in [since, until)."""
    f = Feedback
    stmt = select(f).where(within(f.created_at, since, until))
    return list((await session.execute(stmt)).scalars())
