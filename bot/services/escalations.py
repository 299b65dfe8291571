"""Opening escalations: handing a conversation to a person."""

from __future__ import annotations

from bot.engine.context import Ctx
from bot.repo import escalations, requests, transcripts
from models import Escalation


async def open_escalation(ctx: Ctx, reason: str, details: str | None = None) -> Escalation:
    """Record a case for staff, routed by reason to the configured role (default: officer).

    An identity has at most one open case: asking again adds to it instead of opening another.
    """
    session = ctx.store.session
    existing = await escalations.open_of_identity(session, identity_id=ctx.identity.id or 0)
    if existing is not None:
        ctx.emit("escalation_updated", escalation_id=existing.id, reason=reason)
        return existing
    lines = await transcripts.last_lines(session, identity_id=ctx.identity.id, limit=11)
    said = [(ln.direction, ln.text) for ln in lines]
    if ctx.heard:  # the message of this turn: its transcript line is written at the turn's end
        said.append(("in", ctx.heard))
    summary = "\n".join(f"{'←' if way == 'in' else '→'} {text}" for way, text in said)
    if details:
        summary += f"\n\n{details}"
    latest = await requests.of_beneficiary(session, beneficiary_id=ctx.beneficiary.id)
    escalation = Escalation(
        beneficiary_id=ctx.beneficiary.id,
        identity_id=ctx.identity.id,
        request_id=latest[0].id if latest else None,
        reason=reason,
        role=ctx.config.escalation_roles.get(reason, "officer"),
        summary=summary,
        created_at=ctx.now,
    )
    session.add(escalation)
    await session.flush()
    ctx.emit("escalation_opened", escalation_id=escalation.id, reason=reason)
    return escalation


async def escalate_once(ctx: Ctx, reason: str) -> bool:
    """The runner's escalation (repeated failures): True only when a new case was opened.

    While the identity's case is open, more failures add nothing and send no second notice.
    """
    if await escalations.open_of_identity(ctx.store.session, identity_id=ctx.identity.id or 0):
        return False
    await open_escalation(ctx, reason)
    return True
