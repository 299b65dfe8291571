"""An admin correcting a recorded committee decision: the change and its reason are kept in
the request's history, and the corrected notice goes to the beneficiary through the scheduler
(and so the outbox), marked as a correction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import requests
from bot.repo import schedule as schedule_repo
from bot.services.decisions import DecisionError
from models import RequestCorrection, RequestStatus, SupportRequest

CORRECTABLE = (RequestStatus.ACCEPTED, RequestStatus.REJECTED)


def _shown(status: str, reason: str | None) -> str:
    return f"{status}: {reason}" if reason else status


async def correct_decision(
    session: AsyncSession, *, request: SupportRequest, decision: RequestStatus,
    reason: str | None, why: str, actor: str, now: dt.datetime,
) -> RequestCorrection:
    """Replace an accepted/rejected decision; DecisionError when it cannot or need not be."""
    if request.status not in CORRECTABLE or decision not in CORRECTABLE:
        raise DecisionError(f"{request.reference} is {request.status}: only an accepted or "
                            "rejected decision can be corrected")
    if not why:
        raise DecisionError("a correction needs its reason")
    if decision == RequestStatus.REJECTED and not reason:
        raise DecisionError("a rejection needs a reason")
    if decision == request.status and (reason or None) == (request.decision_reason or None):
        raise DecisionError("nothing changed")
    old = _shown(request.status, request.decision_reason)
    if decision != request.status:
        await requests.set_status(session, request=request, to_status=decision, actor=actor,
                                  now=now, reason=f"correction: {why}")
    request.decision_reason = reason or None
    request.updated_at = now
    session.add(request)
    fix = RequestCorrection(request_id=request.id, field="decision", old_value=old,
                            new_value=_shown(decision, reason), actor=actor, reason=why, at=now)
    session.add(fix)
    await session.flush()
    await schedule_repo.schedule(session, kind="decision", dedupe_key=f"decision:{request.id}"
                                 f":correction:{fix.id}", due_at=now, now=now,
                                 request_id=request.id, beneficiary_id=request.beneficiary_id,
                                 data={"corrected": True})
    return fix
