"""The requests list, a request's page, its documents, and the actions of steps 5 to 7."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.repo import requests as requests_repo
from bot.repo import staff as repo
from bot.security.redact import mask_national_id
from bot.services.decisions import (
    DECISION_WORDS,
    DecisionError,
    advance,
    parse_decision,
    record_decision,
)
from bot.services.lifecycle import IllegalTransition
from bot.text import clean
from bot.validation import Invalid, parse_mobile, parse_national_id
from models import RequestStatus, StaffSession, SupportRequest
from web.deps import STAFF, ConsoleDeps, deps_of
from web.filters import Filters
from web.listing import FormRefused, period
from web.reasons import WrongTemplate, reason_of
from web.render import SECURITY_HEADERS, page, text_of
from web.request_extras import cases_assigned, page_context
from web.roles import may

REFERENCE = re.compile(r"^[A-Z]{1,5}-\d{4}-\d{1,8}$")
Apply = Callable[[AsyncSession, SupportRequest, dt.datetime], Awaitable[str]]
STEPS = {"registration_completed": RequestStatus.REGISTRATION_COMPLETED,
         "service_delivered": RequestStatus.SERVICE_DELIVERED}


def _actor(staff: StaffSession) -> str:
    return f"console:{staff.staff_key}"[:60]


def _search(deps: ConsoleDeps, text: str) -> dict[str, str]:
    """A search box's text as a reference, or the keyed hash of a national ID or a mobile."""
    q = clean(text).upper()
    if not q:
        return {}
    if REFERENCE.match(q):
        return {"reference": q}
    vault = deps.services.vault
    national_id = parse_national_id(q)
    if not isinstance(national_id, Invalid):
        return {"national_id_hash": vault.lookup_hash(national_id)}
    mobile = parse_mobile(q)
    if not isinstance(mobile, Invalid):
        return {"mobile_hash": vault.lookup_hash(mobile)}
    return {"reference": q}


async def request_list(request: web.Request) -> web.Response:
    """Requests with filters and search; the ones new since the last visit stand out."""
    deps = deps_of(request)
    staff: StaffSession = request[STAFF]
    q, now, filters = request.query, deps.services.clock.now(), Filters(request.query)
    waiting = filters.days("waiting")
    since, until = period(deps, *filters.dates())
    where = repo.RequestFilter(
        status=q.get("status") or None, support_type=q.get("support_type") or None,
        branch=q.get("branch") or None, submitted_from=since, submitted_until=until,
        submitted_before=now - dt.timedelta(days=waiting) if waiting is not None else None,
        assigned_to=staff.staff_key if q.get("mine") == "1" else None,
        **_search(deps, q.get("q", "")))
    async with transaction(deps.sessions) as session:
        rows = await repo.list_requests(session, where=where)
        last_visit = staff.last_list_visit
        live = await repo.session_by_hash(session, token_hash=staff.token_hash)
        if live is not None:
            live.last_list_visit = now
            session.add(live)
        cases = (await cases_assigned(session, staff_key=staff.staff_key)
                 if q.get("mine") == "1" else [])
    new = {r.id for r in rows if last_visit is None or (r.submitted_at or now) > last_visit}
    return page(request, deps, "requests.html", rows=rows, new=new, query=q,
                statuses=[s.value for s in RequestStatus if s != RequestStatus.DRAFT],
                support_types=[s.id for s in deps.config.support_types],
                branches=deps.config.branches, min_days=deps.config.requests.committee_min_days,
                now=now, cases=cases, filter_note=filters.note(text_of(request, deps)))


async def _load(deps: ConsoleDeps, session: Any, reference: str) -> SupportRequest:
    found = await requests_repo.by_reference(session, reference=reference)
    if found is None:
        raise web.HTTPNotFound(text="errors-no-request", headers=SECURITY_HEADERS)
    return found


async def _researchers(deps: ConsoleDeps, session: Any) -> list[tuple[str, str]]:
    """(staff key, shown name) of every social-research officer: a request goes to one."""
    researchers = [(f"tg:{m.user_id}", m.name or f"tg:{m.user_id}")
                   for m in deps.roster.values() if m.role == "researcher"]
    return researchers + [(f"pw:{u.username}"[:40], u.name or u.username)
                          for u in await repo.users_with_role(session, role="researcher")]


async def _request_page(request: web.Request, *, reveal: bool = False, status: int = 200,
                        message: str | None = None, error: str | None = None) -> web.Response:
    deps = deps_of(request)
    staff: StaffSession = request[STAFF]
    vault = deps.services.vault
    async with deps.sessions() as session:
        row = await _load(deps, session, request.match_info["reference"])
        documents = await requests_repo.documents_of(session, request_id=row.id or 0)
        history = await repo.history_of(session, request_id=row.id or 0)
        declaration = await repo.declaration_of(session, request_id=row.id or 0)
        researchers = await _researchers(deps, session)
        extras = await page_context(session, row, role=staff.role)
    national_id = vault.decrypt(row.national_id_enc)
    return page(request, deps, "request.html", status=status, r=row, documents=documents,
                history=history, declaration=declaration, message=message, error=error,
                national_id=national_id if reveal else mask_national_id(national_id),
                revealed=reveal, income=vault.decrypt(row.monthly_income_enc),
                may_reveal=may(staff.role, "reveal_id"), may_decide=may(staff.role, "decide"),
                may_deliver=may(staff.role, "deliver"), may_assign=may(staff.role, "assign"),
                researchers=researchers, researcher_names=dict(researchers),
                reason_templates=deps.config.decisions.reason_templates,
                assigned_name=dict(researchers).get(row.assigned_to or "", row.assigned_to),
                deciding=row.status in ("submitted", "under_study"),
                next_step={"accepted": "registration_completed",
                           "registration_completed": "service_delivered"}.get(row.status),
                **extras)


async def request_view(request: web.Request) -> web.Response:
    """Every answer, the declaration, the documents, the status history."""
    return await _request_page(request)


async def _refused(request: web.Request, action: str) -> web.Response:
    deps, staff = deps_of(request), request[STAFF]
    async with transaction(deps.sessions) as session:
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role, action=action,
                         now=deps.services.clock.now(), allowed=False,
                         detail=request.match_info.get("reference"))
    return await _request_page(request, status=403, error="console-not-allowed")


async def change_request(request: web.Request, action: str, apply: Apply, *,
                         message: str | None = None, refused: tuple[type[Exception], ...] = (),
                         error: str = "", decided: bool = False, reveal: bool = False
                         ) -> web.Response:
    """Load the request, apply one change and audit it as `action` (`apply` returns the
    detail) in one transaction, then show the page again: with `message`, or with `error`
    (409) when `apply` raises one of `refused`. A change of decision (`decided`) is told to
    the committee page's listeners."""
    deps, staff = deps_of(request), request[STAFF]
    now = deps.services.clock.now()
    try:
        async with transaction(deps.sessions) as session:
            row = await _load(deps, session, request.match_info["reference"])
            detail = await apply(session, row, now)
            await repo.audit(session, staff_key=staff.staff_key, role=staff.role, action=action,
                             request_id=row.id, now=now, detail=detail)
    except FormRefused as form_refused:  # a field the console cannot take: a polite 400
        return await _request_page(request, status=400, error=form_refused.key)
    except refused:
        return await _request_page(request, status=409, error=error)
    if decided and deps.on_decision is not None:
        deps.on_decision()
    return await _request_page(request, reveal=reveal, message=message)


async def reveal(request: web.Request) -> web.Response:
    """Show the national ID in full to a permitted role, and audit it."""
    if not may(request[STAFF].role, "reveal_id"):
        return await _refused(request, "reveal_national_id")

    async def apply(session: AsyncSession, row: SupportRequest, now: dt.datetime) -> str:
        return row.reference or ""

    return await change_request(request, "reveal_national_id", apply, reveal=True)


async def record(deps: ConsoleDeps, staff: StaffSession, reference: str, word: str,
                 reason: str, *, note: str = "") -> str:
    """Record one committee decision and its audit line (`note` added to the detail); the
    outcome (recorded or unchanged). DecisionError (or IllegalTransition) when refused."""
    now = deps.services.clock.now()
    decision = parse_decision(reference=reference, decision=word, reason=reason or None)
    async with transaction(deps.sessions) as session:
        outcome, row = await record_decision(session, config=deps.config, decision=decision,
                                             actor=_actor(staff), now=now)
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role, action="decide",
                         request_id=row.id, now=now,
                         detail=f"{row.reference}: {decision.decision} ({outcome}{note})")
    return outcome


async def decide(request: web.Request) -> web.Response:
    """Step 5: the committee's accept or reject with a reason; the notice goes via the outbox."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "decide"):
        return await _refused(request, "decide")
    form = await request.post()
    word = clean(str(form.get("decision", ""))).lower()
    if word not in DECISION_WORDS:
        return await _request_page(request, status=400, error="errors-unknown-decision")
    try:
        reason = reason_of(deps.config.decisions.reason_templates, form, str(DECISION_WORDS[word]))
    except WrongTemplate:
        return await _request_page(request, status=400, error="reasons-wrong-decision")
    if DECISION_WORDS[word] == RequestStatus.REJECTED and not reason:
        return await _request_page(request, status=400, error="console-reason-needed")
    try:
        outcome = await record(deps, staff, request.match_info["reference"], word, reason)
    except DecisionError:
        return await _request_page(request, status=409, error="console-decision-refused")
    if outcome == "recorded" and deps.on_decision is not None:
        deps.on_decision()
    return await _request_page(request, message="console-decision-recorded")


async def set_status(request: web.Request) -> web.Response:
    """Steps 6 and 7: registration completed, service delivered (the latter starts a survey)."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "deliver"):
        return await _refused(request, "set_status")
    target = STEPS.get(str((await request.post()).get("to", "")))
    if target is None:
        return await _request_page(request, status=400, error="console-status-refused")

    async def apply(session: AsyncSession, row: SupportRequest, now: dt.datetime) -> str:
        await advance(session, config=deps.config, request=row, to=target,
                      actor=_actor(staff), now=now)
        return f"{row.reference}: {target}"

    return await change_request(request, "set_status", apply, message="console-status-recorded",
                                refused=(IllegalTransition,), error="console-status-refused",
                                decided=True)


async def document(request: web.Request) -> web.StreamResponse:
    """A document decrypted, inline or as a download; every view is audited."""
    deps, staff = deps_of(request), request[STAFF]
    doc_id = int(request.match_info["doc_id"])
    async with transaction(deps.sessions) as session:
        row = await _load(deps, session, request.match_info["reference"])
        doc = next((d for d in await requests_repo.documents_of(session, request_id=row.id or 0)
                    if d.id == doc_id and d.storage_key), None)
        if doc is None or doc.storage_key is None:
            raise web.HTTPNotFound(text="no such document", headers=SECURITY_HEADERS)
        download = request.query.get("download") == "1"
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                         action="document_download" if download else "document_view",
                         request_id=row.id, now=deps.services.clock.now(),
                         detail=f"{row.reference}: {doc.doc_type}")
    content = deps.services.documents.get(doc.storage_key)
    mime = doc.mime_type if doc.mime_type in ("application/pdf", "image/jpeg", "image/png",
                                              "image/webp") else "application/octet-stream"
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
                 "image/webp": "webp"}.get(mime, "bin")
    disposition = "attachment" if download else "inline"
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": "frame-ancestors 'self'",
               "Content-Disposition":
                   f'{disposition}; filename="{row.reference}-{doc.doc_type}.{extension}"'}
    return web.Response(body=content, content_type=mime, headers=headers)


async def assign(request: web.Request) -> web.Response:
    """Step 3: refer the request to a social-research officer (or take the referral back)."""
    if not may(request[STAFF].role, "assign"):
        return await _refused(request, "assign")
    to = str((await request.post()).get("to", "")) or None

    async def apply(session: AsyncSession, row: SupportRequest, now: dt.datetime) -> str:
        if to is not None and to not in dict(await _researchers(deps_of(request), session)):
            raise FormRefused("errors-not-researcher")
        await repo.assign(session, request=row, staff_key=to, now=now)
        return f"{row.reference}: {to or '-'}"

    return await change_request(request, "assign", apply, message="console-assigned")


def add_routes(router: web.UrlDispatcher) -> None:
    """The requests pages and actions."""
    router.add_get("/requests", request_list)
    router.add_get("/requests/{reference}", request_view)
    router.add_post("/requests/{reference}/reveal", reveal)
    router.add_post("/requests/{reference}/decide", decide)
    router.add_post("/requests/{reference}/status", set_status)
    router.add_post("/requests/{reference}/assign", assign)
    router.add_get("/requests/{reference}/documents/{doc_id:\\d+}", document)
