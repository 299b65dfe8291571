"""Support requests: creation, lookup, documents and status history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.references import format_reference
from models import (
    Declaration,
    Feedback,
    RequestDocument,
    RequestStatus,
    RequestStatusChange,
    SupportRequest,
)
from models.request import OPEN_STATUSES


async def create(
    session: AsyncSession,
    *,
    request: SupportRequest,
    documents: list[RequestDocument],
    declaration: Declaration,
    prefix: str,
    year: int,
    actor: str,
) -> SupportRequest:
    """Store a submitted request with its documents, declaration and first status."""
    session.add(request)
    await session.flush()
    assert request.id is not None
    request.reference = format_reference(prefix, year, request.id)
    for doc in documents:
        doc.request_id = request.id
        session.add(doc)
    declaration.request_id = request.id
    session.add(declaration)
    session.add(
        RequestStatusChange(
            request_id=request.id, from_status=None, to_status=request.status, actor=actor,
            **({"at": request.submitted_at} if request.submitted_at else {}),  # the turn's clock
        )
    )
    await session.flush()
    return request


async def open_by_national_id(session: AsyncSession, *, id_hash: str) -> SupportRequest | None:
    """A request by this national ID that the committee has not decided yet."""
    stmt = select(SupportRequest).where(
        SupportRequest.national_id_hash == id_hash,
        SupportRequest.status.in_([s.value for s in OPEN_STATUSES]),
    )
    return (await session.execute(stmt)).scalars().first()


async def last_decided_by_national_id(
    session: AsyncSession, *, id_hash: str
) -> SupportRequest | None:
    """The most recently decided request by this national ID."""
    stmt = (
        select(SupportRequest)
        .where(SupportRequest.national_id_hash == id_hash, SupportRequest.decided_at.is_not(None))
        .order_by(SupportRequest.decided_at.desc())
    )
    return (await session.execute(stmt)).scalars().first()


async def of_beneficiary(session: AsyncSession, *, beneficiary_id: int) -> list[SupportRequest]:
    """A beneficiary's own requests, newest first."""
    stmt = (
        select(SupportRequest)
        .where(SupportRequest.beneficiary_id == beneficiary_id)
        .order_by(SupportRequest.id.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def by_reference(session: AsyncSession, *, reference: str) -> SupportRequest | None:
    """The request with this reference."""
    stmt = select(SupportRequest).where(SupportRequest.reference == reference.upper())
    return (await session.execute(stmt)).scalar_one_or_none()


async def by_id(session: AsyncSession, *, request_id: int) -> SupportRequest | None:
    """The request with this id."""
    return await session.get(SupportRequest, request_id)


async def documents_of(session: AsyncSession, *, request_id: int) -> list[RequestDocument]:
    """The required documents of a request and where each stands."""
    stmt = select(RequestDocument).where(RequestDocument.request_id == request_id)
    return list((await session.execute(stmt)).scalars())


async def set_status(
    session: AsyncSession,
    *,
    request: SupportRequest,
    to_status: RequestStatus,
    actor: str,
    now: dt.datetime,
    reason: str | None = None,
) -> None:
    """Record a transition (the caller has checked it is allowed)."""
    session.add(
        RequestStatusChange(
            request_id=request.id, from_status=request.status, to_status=to_status,
            actor=actor, reason=reason, at=now,
        )
    )
    request.status = to_status
    request.updated_at = now
    session.add(request)


async def by_mobile_hash(session: AsyncSession, *, mobile_hash: str) -> list[SupportRequest]:
    """Requests whose mobile has this keyed hash (mobiles are encrypted), newest first."""
    stmt = (
        select(SupportRequest)
        .where(SupportRequest.mobile_hash == mobile_hash)
        .order_by(SupportRequest.id.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many requests are in each status."""
    from sqlalchemy import func

    stmt = select(SupportRequest.status, func.count()).group_by(SupportRequest.status)
    return {str(status): int(n) for status, n in (await session.execute(stmt)).all()}


async def waiting_for_committee(
    session: AsyncSession, *, submitted_before: dt.datetime
) -> list[SupportRequest]:
    """Requests still before the committee (submitted, under study) since before a date."""
    stmt = (
        select(SupportRequest)
        .where(SupportRequest.status.in_(["submitted", "under_study"]),
               SupportRequest.submitted_at < submitted_before)
        .order_by(SupportRequest.submitted_at)
    )
    return list((await session.execute(stmt)).scalars())


async def referenced_file_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    """Those of the storage keys that a request document or a feedback attachment refers to."""
    docs = select(RequestDocument.storage_key).where(RequestDocument.storage_key.in_(keys))
    notes = select(Feedback.attachment_key).where(Feedback.attachment_key.in_(keys))
    found = set((await session.execute(docs)).scalars()) | set(
        (await session.execute(notes)).scalars())
    return {k for k in found if k}
