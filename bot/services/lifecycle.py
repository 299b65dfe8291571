"""The life cycle of a support request: which status may follow which."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import requests
from models import RequestStatus, SupportRequest

S = RequestStatus
ALLOWED: dict[RequestStatus, set[RequestStatus]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.UNDER_STUDY, S.WITHDRAWN, S.CLOSED},
    S.UNDER_STUDY: {S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
    S.ACCEPTED: {S.REGISTRATION_COMPLETED, S.WITHDRAWN, S.CLOSED},
    S.REJECTED: {S.CLOSED},
    S.REGISTRATION_COMPLETED: {S.SERVICE_DELIVERED, S.WITHDRAWN, S.CLOSED},
    S.SERVICE_DELIVERED: {S.CLOSED},
    S.WITHDRAWN: set(),
    S.CLOSED: set(),
}


class IllegalTransition(ValueError):
    """A status change the life cycle does not allow."""

    def __init__(self, reference: str, current: str, wanted: str) -> None:
        allowed = ", ".join(sorted(ALLOWED[RequestStatus(current)])) or "none (final)"
        super().__init__(f"{reference}: cannot go from {current} to {wanted} (allowed: {allowed})")


async def transition(
    session: AsyncSession,
    *,
    request: SupportRequest,
    to: RequestStatus,
    actor: str,
    now: dt.datetime,
    reason: str | None = None,
) -> None:
    """Move a request to `to`, recording time, actor and reason; refuse illegal moves."""
    current = RequestStatus(request.status)
    if to not in ALLOWED[current]:
        raise IllegalTransition(request.reference or str(request.id), current, to)
    await requests.set_status(session, request=request, to_status=to, actor=actor, now=now,
                              reason=reason)
