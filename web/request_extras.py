"""What a request's page shows beside its answers: the linked channels, the conversation so
far, internal notes, the step 2 checklist and the corrections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repo import casework
from bot.repo import links as links_repo
from bot.repo import requests as requests_repo
from bot.security.redact import mask_national_id
from bot.services.decisions import DECIDED
from models import Escalation, RequestCheck, RequestCorrection, SupportRequest
from web.roles import may

ANSWERS = ("full_name", "national_id", "mobile", "branch", "family_size", "income",
           "support_type", "description")
CORRECTABLE = ("full_name", "national_id", "mobile", "branch", "family_size", "income",
               "description")  # a different support type is a different request


@dataclass(frozen=True)
class Channel:
    """One linked channel of the beneficiary, its handle masked."""

    channel: str
    handle: str
    trusted: bool
    unreachable: bool
    last_inbound: Any


@dataclass(frozen=True)
class CheckRow:
    """One line of the step 2 checklist."""

    item: str  # answer:<field> | document:<type>
    kind: str
    name: str
    state: str | None  # verified | needs_correction | missing | corrected | None
    states: tuple[str, ...]


@dataclass(frozen=True)
class Shown:
    """A correction as the page shows it (a national ID masked)."""

    field: str
    old_value: str | None
    new_value: str | None
    actor: str
    reason: str | None
    at: Any


def shown(fix: RequestCorrection) -> Shown:
    """A correction for the page: national IDs keep only their last four digits."""
    old, new = fix.old_value, fix.new_value
    if fix.field == "national_id":
        old, new = (mask_national_id(v) if v else v for v in (old, new))
    return Shown(fix.field, old, new, fix.actor, fix.reason, fix.at)


@dataclass(frozen=True)
class CaseRow:
    """A staff desk case as the console lists it, with the request it belongs to."""

    id: int
    reason: str
    status: str
    assigned_to: str | None
    reference: str | None
    created_at: Any


async def _case_rows(session: AsyncSession, cases: list[Escalation]) -> list[CaseRow]:
    rows = []
    for case in cases:
        request = (await requests_repo.by_id(session, request_id=case.request_id)
                   if case.request_id else None)
        if request is None:  # a case about no request in particular: the person's latest one
            owned = await requests_repo.of_beneficiary(session,
                                                       beneficiary_id=case.beneficiary_id)
            request = owned[0] if owned else None
        rows.append(CaseRow(case.id or 0, case.reason, case.status, case.assigned_to,
                            request.reference if request else None, case.created_at))
    return rows


async def cases_assigned(session: AsyncSession, *, staff_key: str) -> list[CaseRow]:
    """The open cases referred to a member of staff ("assigned to me")."""
    return await _case_rows(session, await casework.cases_assigned_to(session,
                                                                      staff_key=staff_key))


def mask_handle(handle: str) -> str:
    """A platform user id with only its last three characters shown."""
    return "•••" + handle[-3:] if len(handle) > 3 else "•••"


def _state(check: RequestCheck | None, corrections: list[RequestCorrection], field: str
           ) -> str | None:
    if check is None:
        return None
    answered = [c for c in corrections if c.field == field and c.actor == "beneficiary"]
    if check.state == "needs_correction" and answered and answered[-1].at >= check.at:
        return "corrected"
    return check.state


async def checklist(session: AsyncSession, row: SupportRequest,
                    corrections: list[RequestCorrection]) -> list[CheckRow]:
    """Every answer and every document with where its check stands."""
    checks = await casework.checks_of(session, request_id=row.id or 0)
    lines = []
    for field in ANSWERS:
        states = ("verified", "needs_correction") if field in CORRECTABLE else ("verified",)
        lines.append(CheckRow(f"answer:{field}", "answer", field,
                              _state(checks.get(f"answer:{field}"), corrections, field), states))
    for doc in await requests_repo.documents_of(session, request_id=row.id or 0):
        item = f"document:{doc.doc_type}"
        check = checks.get(item)
        state = check.state if check else None
        if state in ("missing", "needs_correction") and doc.uploaded_at and check \
                and doc.uploaded_at >= check.at:
            state = "corrected"  # uploaded again since it was asked for
        lines.append(CheckRow(item, "document", doc.doc_type, state,
                              ("verified", "needs_correction", "missing")))
    return lines


async def page_context(session: AsyncSession, row: SupportRequest, *, role: str
                       ) -> dict[str, Any]:
    """The request page's casework sections (and what the role may do in them)."""
    trusted = {i.id for i in await links_repo.trusted_identities(session, request=row)}
    identities = await casework.identities_of(session, beneficiary_id=row.beneficiary_id)
    channels = [Channel(i.channel, mask_handle(i.platform_user_id), i.id in trusted,
                        i.unreachable, i.last_inbound_at) for i in identities]
    transcript = await casework.transcript_of(session, identity_ids=sorted(trusted))
    corrections = await casework.corrections_of(session, request_id=row.id or 0)
    return {"channels": channels, "transcript": transcript,
            "notes": await casework.notes_of(session, request_id=row.id or 0),
            "checklist": await checklist(session, row, corrections),
            "corrections": [shown(c) for c in corrections], "may_verify": may(role, "verify"),
            "may_correct_decision": may(role, "correct_decision"),
            "decided": row.status in DECIDED,
            "cases": await _case_rows(session, await casework.cases_of(
                session, beneficiary_id=row.beneficiary_id))}
