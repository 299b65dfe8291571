"""Staff commands in the group: /claim /release /close /note /link /status /find /request_doc
/decide /stats /rights. Each returns the text to answer in the group; the desk audits every
call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import escalations, identities, requests
from bot.repo import schedule as schedule_repo
from bot.services import linking
from bot.services.decisions import DecisionError, parse_decision, record_decision
from bot.services.lifecycle import IllegalTransition
from bot.validation import Invalid, parse_mobile
from desk import rights as rights_desk
from desk.cases import staff_text
from desk.deps import DeskDeps
from desk.doc_request import ask_for_document
from desk.relay import tell_beneficiary
from desk.roster import Staff
from models import (
    Escalation,
    RequestDocument,
    SatisfactionSurvey,
    SupportRequest,
)


@dataclass
class StaffCtx:
    """One staff command."""

    deps: DeskDeps
    session: AsyncSession
    member: Staff
    case: Escalation | None
    args: str
    message_id: str

    def t(self, key: str, **args: object) -> str:
        """A staff-group text."""
        return staff_text(self.deps, key, **args)


Command = Callable[[StaffCtx], Awaitable[str]]


async def _hold(ctx: StaffCtx, held: bool) -> None:
    assert ctx.case is not None
    conv = await identities.conversation_of(ctx.session, identity_id=ctx.case.identity_id)
    if conv is not None:
        conv.human_hold = held
        ctx.session.add(conv)


async def claim(ctx: StaffCtx) -> str:
    """Take the case: the bot goes silent in that conversation."""
    case = ctx.case
    assert case is not None
    case.status, case.claimed_by = "claimed", str(ctx.member.user_id)
    await _hold(ctx, True)
    await tell_beneficiary(ctx.deps, ctx.session, case, "staff-joined",
                           f"case:{case.id}:joined:{ctx.message_id}", role=ctx.member.role)
    return ctx.t("staff-claimed", case=case.id or 0, role=ctx.t(f"role-{ctx.member.role}"))


async def release(ctx: StaffCtx) -> str:
    """Hand the conversation back to the bot."""
    case = ctx.case
    assert case is not None
    case.status, case.claimed_by = "open", None
    await _hold(ctx, False)
    await tell_beneficiary(ctx.deps, ctx.session, case, "staff-released",
                           f"case:{case.id}:released:{ctx.message_id}")
    return ctx.t("staff-released-note", case=case.id or 0)


async def close(ctx: StaffCtx) -> str:
    """End the case; per config, ask the beneficiary how well they were served."""
    case = ctx.case
    assert case is not None
    now = ctx.deps.services.clock.now()
    case.status, case.closed_at = "closed", now
    await _hold(ctx, False)
    await tell_beneficiary(ctx.deps, ctx.session, case, "staff-case-closed",
                           f"case:{case.id}:closed")
    if ctx.deps.config.staff.survey_on_close:
        request = (await ctx.session.get(SupportRequest, case.request_id)
                   if case.request_id else None)
        survey = SatisfactionSurvey(request_id=case.request_id, beneficiary_id=case.beneficiary_id,
                                    trigger="case", service_type=request.support_type if request
                                    else "case", created_at=now)
        ctx.session.add(survey)
        await ctx.session.flush()
        await schedule_repo.schedule(ctx.session, kind="survey", dedupe_key=f"survey:{survey.id}",
                                     due_at=now + dt.timedelta(hours=1), now=now,
                                     request_id=case.request_id,
                                     beneficiary_id=case.beneficiary_id, survey_id=survey.id)
    return ctx.t("staff-closed-note", case=case.id or 0)


async def note(ctx: StaffCtx) -> str:
    """An internal note: kept in the audit log, never sent."""
    return ctx.t("staff-noted") if ctx.args else ctx.t("staff-usage-note")


def _describe(ctx: StaffCtx, request: SupportRequest, docs: list[RequestDocument]) -> str:
    comma = "، " if ctx.deps.config.default_language == "ar" else ", "
    missing = comma.join(ctx.t(f"document-{d.doc_type}") for d in docs
                         if d.status != "uploaded") or "-"
    submitted = (request.submitted_at.astimezone(ctx.deps.config.tz).date().isoformat()
                 if request.submitted_at else "-")
    return ctx.t("staff-request-line", reference=request.reference or "-",
                 status=ctx.t(f"request-status-{request.status}"),
                 type=ctx.t(f"support-type-{request.support_type}"), date=submitted,
                 missing=missing)


async def status(ctx: StaffCtx) -> str:
    """/status <ref>: a request's status, date and missing documents."""
    request = await requests.by_reference(ctx.session, reference=ctx.args.strip())
    if request is None:
        return ctx.t("staff-not-found", query=ctx.args.strip() or "-")
    docs = await requests.documents_of(ctx.session, request_id=request.id or 0)
    return _describe(ctx, request, docs)


async def find(ctx: StaffCtx) -> str:
    """/find <mobile or reference>."""
    query = ctx.args.strip()
    found = []
    request = await requests.by_reference(ctx.session, reference=query) if query else None
    if request is not None:
        found = [request]
    else:
        mobile = parse_mobile(query)
        if not isinstance(mobile, Invalid):
            found = await requests.by_mobile_hash(
                ctx.session, mobile_hash=ctx.deps.services.vault.lookup_hash(mobile))
    if not found:
        return ctx.t("staff-not-found", query=query or "-")
    lines = []
    for item in found[:10]:
        docs = await requests.documents_of(ctx.session, request_id=item.id or 0)
        lines.append(_describe(ctx, item, docs))
    return "\n".join(lines)


async def request_doc(ctx: StaffCtx) -> str:
    """/request_doc <ref> <document>: ask the beneficiary to upload a document."""
    parts = ctx.args.split()
    known = {d.id for t in ctx.deps.config.support_types for d in t.documents}
    if len(parts) != 2 or parts[1] not in known:
        return ctx.t("staff-usage-request-doc", documents=", ".join(sorted(known)))
    request = await requests.by_reference(ctx.session, reference=parts[0])
    if request is None:
        return ctx.t("staff-not-found", query=parts[0])
    doc = await ask_for_document(ctx.session, services=ctx.deps.services, push=ctx.deps.push,
                                 request=request, doc_type=parts[1],
                                 dedupe_key=f"request-doc:{ctx.message_id}")
    if doc is None:
        return ctx.t("staff-doc-already", document=parts[1])
    return ctx.t("staff-doc-requested", document=parts[1], reference=request.reference or "")


async def decide(ctx: StaffCtx) -> str:
    """/decide <ref> accept|reject [reason]: record the committee's decision."""
    parts = ctx.args.split(maxsplit=2)
    if len(parts) < 2:
        return ctx.t("staff-usage-decide")
    try:
        decision = parse_decision(reference=parts[0], decision=parts[1],
                                  reason=parts[2] if len(parts) > 2 else None)
        outcome, request = await record_decision(
            ctx.session, config=ctx.deps.config, decision=decision,
            actor=f"staff:{ctx.member.user_id}", now=ctx.deps.services.clock.now())
    except (DecisionError, IllegalTransition) as exc:
        return ctx.t("staff-error", error=str(exc))
    return ctx.t("staff-decided", reference=request.reference or "", outcome=outcome,
                 status=request.status)


async def link(ctx: StaffCtx) -> str:
    """/link <ref> in a case: staff vouch that the case's person owns the request."""
    assert ctx.case is not None
    reference = ctx.args.split()[0] if ctx.args.split() else ""
    if not reference:
        return ctx.t("staff-usage-link")
    outcome, request = await linking.link_by_staff(
        ctx.session, ctx.deps.services, identity_id=ctx.case.identity_id, reference=reference,
        staff_id=str(ctx.member.user_id))
    if request is None:
        return ctx.t("staff-not-found", query=reference)
    return ctx.t(f"staff-link-{outcome}", reference=request.reference or "",
                 case=ctx.case.id or 0)


async def stats(ctx: StaffCtx) -> str:
    """/stats: key figures (the desk attaches the chart)."""
    from desk.reports import satisfaction

    session = ctx.session
    open_cases = await escalations.count_open(session)
    by_status = await requests.count_by_status(session)
    summary = satisfaction.summarise(await satisfaction.load(session, None, None))
    return ctx.t("staff-stats", cases=open_cases,
                 requests=", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())) or "-",
                 sent=summary.sent, answered=summary.answered,
                 csat=f"{summary.csat:.0f}%" if summary.csat is not None else "-")


async def rights_requests(ctx: StaffCtx) -> str:
    """/rights [done N]: open data-subject rights requests (PDPL), or close one."""
    return await rights_desk.command(ctx.deps, ctx.session, ctx.args)


CASE_COMMANDS: dict[str, Command] = {"claim": claim, "release": release, "close": close,
                                     "note": note, "link": link}
COMMANDS: dict[str, Command] = {**CASE_COMMANDS, "status": status, "find": find,
                                "request_doc": request_doc, "decide": decide, "stats": stats,
                                "rights": rights_requests}
ROLES_FOR = {"decide": {"researcher", "admin"}}


