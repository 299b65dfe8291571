"""Step 5 beyond one request: deciding several at once on the committee page (a reason from
the templates or in words), and an admin correcting a recorded decision, with its history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.repo import staff as repo
from bot.services.decision_correction import correct_decision
from bot.services.decisions import DECISION_WORDS, DecisionError
from bot.services.lifecycle import IllegalTransition
from bot.text import clean
from models import StaffSession, SupportRequest
from web.committee import committee
from web.deps import STAFF, ConsoleDeps, deps_of
from web.reasons import WrongTemplate, reason_of
from web.roles import may
from web.views import _actor, _refused, change_request, record


@dataclass(frozen=True)
class BulkLine:
    """What happened to one request of a many-at-once decision."""

    reference: str
    outcome: str  # recorded | unchanged | error
    error: str | None = None


async def _decide_one(deps: ConsoleDeps, staff: StaffSession, reference: str, word: str,
                      reason: str) -> BulkLine:
    try:
        outcome = await record(deps, staff, reference, word, reason, note=", bulk")
    except (DecisionError, IllegalTransition) as exc:
        return BulkLine(reference, "error", str(exc))
    return BulkLine(reference, outcome)


async def decide_many(request: web.Request) -> web.Response:
    """Accept or reject every ticked request with one reason; each notice via the outbox."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "decide"):
        async with transaction(deps.sessions) as session:
            await repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                             action="decide", now=deps.services.clock.now(), allowed=False,
                             detail="bulk")
        return await committee(request, status=403, error="console-not-allowed")
    form = await request.post()
    word = str(form.get("decision", ""))
    references = sorted({clean(str(r)).upper() for r in form.getall("ref", []) if clean(str(r))})
    if not references or word not in DECISION_WORDS:
        return await committee(request, status=400, error="cr-bulk-none")
    try:
        reason = reason_of(deps.config.decisions.reason_templates, form, str(DECISION_WORDS[word]))
    except WrongTemplate:
        return await committee(request, status=400, error="reasons-wrong-decision")
    if DECISION_WORDS[word] == "rejected" and not reason:
        return await committee(request, status=400, error="console-reason-needed")
    lines = [await _decide_one(deps, staff, ref, word, reason) for ref in references]
    if any(line.outcome == "recorded" for line in lines) and deps.on_decision is not None:
        deps.on_decision()
    return await committee(request, bulk=lines,
                           bulk_recorded=sum(line.outcome == "recorded" for line in lines),
                           bulk_refused=sum(line.outcome == "error" for line in lines))


async def correct(request: web.Request) -> web.Response:
    """An admin replaces a recorded decision; old and new stay in the request's history."""
    staff = request[STAFF]
    if not may(staff.role, "correct_decision"):
        return await _refused(request, "correct_decision")
    form = await request.post()
    word = clean(str(form.get("decision", ""))).lower()
    reason, why = clean(str(form.get("reason", ""))), clean(str(form.get("why", "")))

    async def apply(session: AsyncSession, row: SupportRequest, now: dt.datetime) -> str:
        if word not in DECISION_WORDS:
            raise DecisionError(f"unknown decision {word!r}")
        fix = await correct_decision(session, request=row, decision=DECISION_WORDS[word],
                                     reason=reason or None, why=why, actor=_actor(staff),
                                     now=now)
        return f"{row.reference}: {fix.old_value} -> {fix.new_value}"

    return await change_request(request, "correct_decision", apply,
                                message="cr-decision-corrected", refused=(DecisionError,),
                                error="cr-decision-not-corrected", decided=True)


def add_routes(router: web.UrlDispatcher) -> None:
    """Deciding many at once; correcting a decision."""
    router.add_post("/committee/decide", decide_many)
    router.add_post("/requests/{reference}/correct-decision", correct)
