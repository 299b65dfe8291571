"""Opening cases in the staff group: topic or card, out-of-hours notice, reminders."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Outbound
from bot.repo import escalations, identities, outbox, requests, transcripts
from bot.security.redact import mask_mobile, mask_national_id, redact
from bot.services.calendar import is_working_time, next_working_start, working_minutes_between
from desk.channel import StaffChannel
from desk.deps import DeskDeps
from models import Beneficiary, ChannelIdentity, Escalation, SupportRequest

log = logging.getLogger(__name__)


def staff_text(deps: DeskDeps, key: str, **args: object) -> str:
    """A text for the staff group, in the association's default language."""
    return deps.services.catalog.t(deps.config.default_language, key, **args)


async def post_to_case(
    deps: DeskDeps, session: AsyncSession, staff: StaffChannel, case: Escalation,
    message: Outbound, dedupe_key: str,
) -> None:
    """Queue a message into the case's topic (or as a reply to its card)."""
    meta = dict(message.meta)
    meta["escalation_id"] = case.id
    if case.topic_id is not None:
        meta["thread_id"] = case.topic_id
    elif case.card_message_id is not None:
        meta["reply_to"] = case.card_message_id
    message.meta = meta
    await outbox.enqueue(session, channel=staff.channel, address=staff.chat_id, message=message,
                         dedupe_key=dedupe_key, now=deps.services.clock.now())


async def card_text(deps: DeskDeps, session: AsyncSession, case: Escalation) -> str:
    """The case card: who, where, which request, why, and the last messages (masked)."""
    person = await session.get(Beneficiary, case.beneficiary_id)
    identity = await session.get(ChannelIdentity, case.identity_id)
    request = await session.get(SupportRequest, case.request_id) if case.request_id else None
    missing = "-"
    if request is not None:
        docs = await requests.documents_of(session, request_id=request.id or 0)
        missing = ", ".join(d.doc_type for d in docs if d.status != "uploaded") or "-"
    national_id = "-"
    if person is not None and person.national_id_enc:
        national_id = mask_national_id(deps.services.vault.decrypt(person.national_id_enc))
    lines = await transcripts.last_lines(session, identity_id=case.identity_id,
                                         limit=deps.config.staff.transcript_lines)
    transcript = "\n".join(f"{'←' if ln.direction == 'in' else '→'} {redact(ln.text)[:200]}"
                           for ln in lines) or "-"
    return staff_text(
        deps, "staff-card", case=case.id or 0,
        reason=staff_text(deps, f"staff-reason-{case.reason}"),
        role=staff_text(deps, f"role-{case.role}"),
        name=(person.full_name if person and person.full_name else
              (identity.display_name if identity and identity.display_name else "-")),
        channel=identity.channel if identity else "-",
        mobile=mask_mobile(person.mobile) if person and person.mobile else "-",
        national_id=national_id,
        reference=request.reference if request else "-",
        status=request.status if request else "-",
        missing=missing, transcript=transcript)


def topic_name(case: Escalation, first_name: str, reference: str | None) -> str:
    """Topic title: reference (or case number) and the beneficiary's first name."""
    return f"{reference or f'#{case.id}'} — {first_name}"[:120]


async def open_case(deps: DeskDeps, staff: StaffChannel, escalation_id: int) -> None:
    """Give a new escalation its topic (or card); out of hours, say when a person will answer.

    The topic is created between two transactions, never inside one: on SQLite a transaction
    holds the one writer lock, which must not wait for a Telegram round trip.
    """
    from bot.db import transaction

    name = await _topic_wanted(deps, staff, escalation_id)
    topic = await _create_topic(staff, escalation_id, name) if name is not None else None
    async with transaction(deps.sessions) as session:
        case = await session.get(Escalation, escalation_id)
        if case is None or case.status == "closed":
            return
        if name is not None and case.topic_id is None:
            case.topic_id = topic
            session.add(case)
        message = Outbound(await card_text(deps, session, case), kind="staff_card")
        await post_to_case(deps, session, staff, case, message, f"case:{case.id}:card")
        await _out_of_hours_notice(deps, session, case)
    deps.wake()


async def _topic_wanted(deps: DeskDeps, staff: StaffChannel, escalation_id: int,
                        again: bool = False) -> str | None:
    """The name of the topic the case needs (None: it has one, or the group has no topics)."""
    async with deps.sessions() as session:  # a read: no writer lock
        case = await session.get(Escalation, escalation_id)
        if case is None or (case.status == "closed" and not again) or not staff.uses_topics:
            return None
        if case.topic_id is not None and not again:
            return None
        person = await session.get(Beneficiary, case.beneficiary_id)
        request = await session.get(SupportRequest, case.request_id) if case.request_id else None
    first = ((person.full_name or "").split() or ["-"])[0] if person else "-"
    return topic_name(case, first, request.reference if request else None)


async def _create_topic(staff: StaffChannel, escalation_id: int, name: str) -> int | None:
    try:
        return await staff.create_topic(name)
    except Exception as exc:  # no topics here (not a forum, no right): a card still works
        log.warning("case %s: no forum topic (%s); posting a case card instead", escalation_id,
                    exc)
        return None


async def recreate_topic(
    deps: DeskDeps, staff: StaffChannel, escalation_id: int
) -> int | None:
    """The topic was deleted or closed: make a new one and re-post the card."""
    from bot.db import transaction

    name = await _topic_wanted(deps, staff, escalation_id, again=True)
    topic = await _create_topic(staff, escalation_id, name) if name is not None else None
    async with transaction(deps.sessions) as session:
        case = await session.get(Escalation, escalation_id)
        if case is None:
            return None
        old, case.topic_id = case.topic_id, topic
        session.add(case)
        message = Outbound(await card_text(deps, session, case), kind="staff_card")
        await post_to_case(deps, session, staff, case, message,
                           f"case:{case.id}:card:{case.topic_id}")
        log.warning("case %s: topic %s was gone; recreated as %s", case.id, old, case.topic_id)
        return case.topic_id


async def _out_of_hours_notice(
    deps: DeskDeps, session: AsyncSession, case: Escalation
) -> None:
    now = deps.services.clock.now()
    if case.out_of_hours_notified or is_working_time(now, deps.config):
        return
    identity = await session.get(ChannelIdentity, case.identity_id)
    conv = await identities.conversation_of(session, identity_id=case.identity_id)
    if identity is None:
        return
    lang = conv.language if conv else deps.config.default_language
    opening = next_working_start(now, deps.config).astimezone(deps.config.tz)
    day = deps.services.catalog.t(lang, f"weekday-{opening:%a}".lower())
    text = deps.services.catalog.t(lang, "staff-out-of-hours", day=day,
                                  time=opening.strftime("%H:%M"))
    await deps.push(session, identity=identity, messages=[Outbound(text, kind="notice")],
                          dedupe_key=f"case:{case.id}:out-of-hours")
    case.out_of_hours_notified = True
    session.add(case)


async def remind_unanswered(deps: DeskDeps, staff: StaffChannel) -> int:
    """Remind the role (then an admin) of cases without a staff answer; how many reminders."""
    from bot.db import transaction

    now, cfg, sent = deps.services.clock.now(), deps.config.staff, 0
    async with transaction(deps.sessions) as session:
        for case in await escalations.unanswered(session):
            waited = working_minutes_between(case.created_at, now, deps.config)
            level = 2 if waited >= cfg.admin_reminder_minutes else (
                1 if waited >= cfg.first_reminder_minutes else 0)
            if level <= case.reminders_sent:
                continue
            role = "admin" if level == 2 else case.role
            text = staff_text(deps, "staff-reminder", case=case.id or 0, minutes=int(waited),
                              role=staff_text(deps, f"role-{role}"))
            await post_to_case(deps, session, staff, case,
                               Outbound(text, kind="staff_notice"),
                               f"case:{case.id}:reminder:{level}")
            case.reminders_sent = level
            session.add(case)
            sent += 1
    if sent:
        deps.wake()
    return sent


