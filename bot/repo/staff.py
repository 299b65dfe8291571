"""The staff web console's SQL: accounts, sign-in links, sessions, audit log, request list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo._narrow import where_given
from models import (
    Declaration,
    RequestStatusChange,
    StaffAction,
    StaffLoginLink,
    StaffSession,
    StaffUser,
    SupportRequest,
)


async def user_by_name(session: AsyncSession, *, username: str) -> StaffUser | None:
    """The password account with this user name."""
    stmt = select(StaffUser).where(StaffUser.username == username)
    return (await session.execute(stmt)).scalar_one_or_none()


async def save_user(session: AsyncSession, *, user: StaffUser) -> None:
    """Insert or update a password account."""
    session.add(user)
    await session.flush()


async def add_link(session: AsyncSession, *, link: StaffLoginLink) -> None:
    """Store a one-time sign-in link (its token hashed)."""
    session.add(link)
    await session.flush()


async def link_by_hash(session: AsyncSession, *, token_hash: str) -> StaffLoginLink | None:
    """The sign-in link with this token hash."""
    stmt = select(StaffLoginLink).where(StaffLoginLink.token_hash == token_hash)
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_session(session: AsyncSession, *, staff_session: StaffSession) -> None:
    """Store a signed-in browser's session."""
    session.add(staff_session)
    await session.flush()


async def session_by_hash(session: AsyncSession, *, token_hash: str) -> StaffSession | None:
    """The console session with this cookie hash."""
    stmt = select(StaffSession).where(StaffSession.token_hash == token_hash)
    return (await session.execute(stmt)).scalar_one_or_none()


async def end_session(session: AsyncSession, *, session_id: int) -> None:
    """Forget a console session (sign-out, idle timeout)."""
    await session.execute(delete(StaffSession).where(StaffSession.id == session_id))  # type: ignore[arg-type]


async def audit(
    session: AsyncSession, *, staff_key: str, role: str | None, action: str,
    now: dt.datetime, request_id: int | None = None, detail: str | None = None,
    allowed: bool = True,
) -> None:
    """Write one line of the audit log (`staffaction`)."""
    session.add(StaffAction(staff_user_id=staff_key[:40], role=role, action=action[:30],
                            request_id=request_id, detail=detail, allowed=allowed, at=now))


async def audit_of(session: AsyncSession, *, action: str) -> list[StaffAction]:
    """The audit lines of one kind of action, oldest first."""
    stmt = select(StaffAction).where(StaffAction.action == action).order_by(StaffAction.id)
    return list((await session.execute(stmt)).scalars())


@dataclass(frozen=True)
class RequestFilter:
    """What the console's request list is narrowed to."""

    status: str | None = None
    support_type: str | None = None
    branch: str | None = None
    submitted_from: dt.datetime | None = None
    submitted_until: dt.datetime | None = None
    submitted_before: dt.datetime | None = None  # waiting since before this moment
    reference: str | None = None
    national_id_hash: str | None = None
    mobile_hash: str | None = None
    assigned_to: str | None = None


async def list_requests(
    session: AsyncSession, *, where: RequestFilter, limit: int = 200
) -> list[SupportRequest]:
    """Submitted requests matching the filter, newest first."""
    r = SupportRequest
    stmt = where_given(select(r).where(r.submitted_at.is_not(None)),  # type: ignore[union-attr]
                       (r.status, where.status), (r.support_type, where.support_type),
                       (r.branch, where.branch), (r.national_id_hash, where.national_id_hash),
                       (r.mobile_hash, where.mobile_hash), (r.assigned_to, where.assigned_to))
    if where.submitted_from:
        stmt = stmt.where(r.submitted_at >= where.submitted_from)  # type: ignore[operator]
    if where.submitted_until:
        stmt = stmt.where(r.submitted_at < where.submitted_until)  # type: ignore[operator]
    if where.submitted_before:
        stmt = stmt.where(r.submitted_at < where.submitted_before,  # type: ignore[operator]
                          r.status.in_(["submitted", "under_study"]))  # type: ignore[attr-defined]
    if where.reference:
        stmt = stmt.where(r.reference == where.reference.upper())
    stmt = stmt.order_by(r.submitted_at.desc(), r.id.desc()).limit(limit)  # type: ignore[union-attr]
    return list((await session.execute(stmt)).scalars())


async def history_of(session: AsyncSession, *, request_id: int) -> list[RequestStatusChange]:
    """A request's status changes, oldest first."""
    stmt = (select(RequestStatusChange).where(RequestStatusChange.request_id == request_id)
            .order_by(RequestStatusChange.id))
    return list((await session.execute(stmt)).scalars())


async def declaration_of(session: AsyncSession, *, request_id: int) -> Declaration | None:
    """The signed declaration of a request."""
    stmt = select(Declaration).where(Declaration.request_id == request_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def prune_stale(
    session: AsyncSession, *, now: dt.datetime, idle_before: dt.datetime
) -> None:
    """Forget sign-in links past their time and sessions idle since before `idle_before`."""
    await session.execute(delete(StaffLoginLink).where(StaffLoginLink.expires_at < now))  # type: ignore[arg-type]
    await session.execute(delete(StaffSession).where(StaffSession.last_seen < idle_before))  # type: ignore[arg-type]


async def users_with_role(session: AsyncSession, *, role: str) -> list[StaffUser]:
    """The password accounts of one role, by user name."""
    stmt = select(StaffUser).where(StaffUser.role == role).order_by(StaffUser.username)
    return list((await session.execute(stmt)).scalars())


async def assign(session: AsyncSession, *, request: SupportRequest, staff_key: str | None,
                 now: dt.datetime) -> None:
    """Refer a request to a member of staff (policy step 3), or take the referral back."""
    request.assigned_to = staff_key
    request.updated_at = now
    session.add(request)
