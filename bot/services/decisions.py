"""Recording committee decisions (from /decide, CSV minutes or the HTTP API), idempotently."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import AppConfig
from bot.repo import requests
from bot.repo import schedule as schedule_repo
from bot.services.hijri import to_gregorian
from bot.services.lifecycle import transition
from bot.text import clean
from models import RequestStatus, SatisfactionSurvey, SupportRequest

DECISION_WORDS = {
    "accepted": RequestStatus.ACCEPTED, "accept": RequestStatus.ACCEPTED,
    "قبول": RequestStatus.ACCEPTED, "مقبول": RequestStatus.ACCEPTED,
    "rejected": RequestStatus.REJECTED, "reject": RequestStatus.REJECTED,
    "رفض": RequestStatus.REJECTED, "مرفوض": RequestStatus.REJECTED,
}
DECIDED = {RequestStatus.ACCEPTED, RequestStatus.REJECTED, RequestStatus.REGISTRATION_COMPLETED,
           RequestStatus.SERVICE_DELIVERED}


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class Decision:
    """One committee outcome, validated."""

    reference: str
    decision: RequestStatus
    reason: str | None = None
    decided_on: dt.date | None = None
    service: str | None = None
    amount: int | None = None


@dataclass(frozen=True)
class ReadDate:
    """A decision date and how it was read (for the import report)."""

    day: dt.date
    read_as: str


_DATE = re.compile(r"^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})$")
_HIJRI_MARK = re.compile(r"\s*(?:هـ|ه)$")
_GREGORIAN_MARK = re.compile(r"\s*م$")
DATE_FORMS = ("YYYY-MM-DD, DD/MM/YYYY (day first, e.g. 01/12/2026) or a Hijri date "
              "(1448/06/10 or 10/06/1448 هـ)")


def parse_decision_date(text: str) -> ReadDate:
    """A date as written in Saudi minutes: ISO, day first, or Hijri (Umm al-Qura)."""
    raw = clean(text)
    hijri_marked = bool(_HIJRI_MARK.search(raw))
    body = _GREGORIAN_MARK.sub("", _HIJRI_MARK.sub("", raw))
    match = _DATE.match(body)
    if match is None:
        raise DecisionError(f"decided_on must be {DATE_FORMS}, not {text!r}")
    first, sep, month, last = match.groups()
    if len(first) == 4 and len(last) <= 2:
        year, day, order = int(first), int(last), "YYYY-MM-DD" if sep == "-" else "YYYY/MM/DD"
    elif len(last) == 4 and len(first) <= 2:
        year, day, order = int(last), int(first), "DD/MM/YYYY (day first)"
    else:
        raise DecisionError(f"decided_on must be {DATE_FORMS}, not {text!r}")
    try:
        if hijri_marked or year < 1900:
            read, how = to_gregorian(year, int(month), day), f"Hijri (Umm al-Qura) {order}"
        else:
            read, how = dt.date(year, int(month), day), order
    except (ValueError, OverflowError) as exc:
        raise DecisionError(f"decided_on must be {DATE_FORMS}, not {text!r}") from exc
    return ReadDate(read, f"{how} = {read.isoformat()}")


def parse_decision(
    *, reference: str, decision: str, reason: str | None = None, decided_on: str | None = None,
    service: str | None = None, amount: str | int | None = None,
) -> Decision:
    """Validate raw fields (CSV cells, JSON values, command words) into a Decision."""
    ref = clean(reference or "").upper()
    if not ref:
        raise DecisionError("reference is empty")
    word = clean(decision or "").lower()
    if word not in DECISION_WORDS:
        raise DecisionError(f"decision must be accepted/rejected (or قبول/رفض), not {decision!r}")
    day = None
    if decided_on and clean(decided_on):
        day = parse_decision_date(decided_on).day
    value = None
    if amount not in (None, ""):
        text = clean(str(amount)).replace(",", "")
        if not text.isdigit():
            raise DecisionError(f"amount must be a whole number of riyals, not {amount!r}")
        value = int(text)
    return Decision(ref, DECISION_WORDS[word], clean(reason) if reason else None, day,
                    clean(service) if service else None, value)


async def record_decision(
    session: AsyncSession, *, config: AppConfig, decision: Decision, actor: str, now: dt.datetime
) -> tuple[str, SupportRequest]:
    """Record a decision and schedule its notice; ("recorded" | "unchanged", request)."""
    request = await requests.by_reference(session, reference=decision.reference)
    if request is None:
        raise DecisionError(f"no request with reference {decision.reference}")
    status = RequestStatus(request.status)
    if status in DECIDED or status == RequestStatus.CLOSED:
        decided_as = _decided_as(request)
        if decided_as == decision.decision:
            return "unchanged", request
        raise DecisionError(f"{decision.reference} was already decided ({status})")
    if status == RequestStatus.SUBMITTED:
        await transition(session, request=request, to=RequestStatus.UNDER_STUDY, actor=actor,
                         now=now, reason="sent to the research committee")
    await transition(session, request=request, to=decision.decision, actor=actor, now=now,
                     reason=decision.reason)
    request.decided_at = now
    request.decision_reason = decision.reason
    request.decided_service, request.decided_amount = decision.service, decision.amount
    delay = dt.timedelta(minutes=config.decisions.notify_delay_minutes)
    await schedule_repo.schedule(session, kind="decision", dedupe_key=f"decision:{request.id}",
                                 due_at=now + delay, now=now, request_id=request.id,
                                 beneficiary_id=request.beneficiary_id)
    await schedule_survey(session, config=config, request=request, trigger="decision", now=now)
    return "recorded", request


def _decided_as(request: SupportRequest) -> RequestStatus | None:
    """The committee's decision as far as the status tells (None once closed)."""
    if request.status == RequestStatus.REJECTED:
        return RequestStatus.REJECTED
    if request.status in DECIDED:
        return RequestStatus.ACCEPTED
    return None


async def schedule_survey(
    session: AsyncSession, *, config: AppConfig, request: SupportRequest, trigger: str,
    now: dt.datetime,
) -> None:
    """Create the survey of a request for a trigger and schedule it (once)."""
    hours = (config.surveys.after_decision_hours if trigger == "decision"
             else config.surveys.after_delivery_hours)
    if hours is None:
        return
    if await schedule_repo.survey_for(session, request_id=request.id or 0, trigger=trigger):
        return
    survey = SatisfactionSurvey(
        request_id=request.id, beneficiary_id=request.beneficiary_id, trigger=trigger,
        service_type=request.support_type, decision=_decided_as(request), created_at=now,
    )
    session.add(survey)
    await session.flush()
    await schedule_repo.schedule(session, kind="survey", dedupe_key=f"survey:{survey.id}",
                                 due_at=now + dt.timedelta(hours=hours), now=now,
                                 request_id=request.id, beneficiary_id=request.beneficiary_id,
                                 survey_id=survey.id)


async def advance(
    session: AsyncSession, *, config: AppConfig, request: SupportRequest, to: RequestStatus,
    actor: str, now: dt.datetime, reason: str | None = None,
) -> None:
    """Steps 6-7 and the like: move a request along its life cycle (IllegalTransition if the
    move is not allowed); a delivered service starts its satisfaction survey."""
    await transition(session, request=request, to=to, actor=actor, now=now, reason=reason)
    if to == RequestStatus.SERVICE_DELIVERED:
        await schedule_survey(session, config=config, request=request, trigger="delivery",
                              now=now)
