"""Messages between a case's beneficiary and the staff group, both ways, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.wiring import App
from bot.messages import Inbound, Outbound
from bot.repo import identities
from desk.cases import post_to_case, staff_text
from desk.channel import StaffChannel
from desk.roster import Staff
from models import Beneficiary, ChannelIdentity, Escalation, StaffAction


def audit(session: AsyncSession, member_id: int | str, role: str | None, action: str,
          case: Escalation | None = None, detail: str | None = None, *,
          allowed: bool = True, request_id: int | None = None) -> None:
    """Write one line of the audit log."""
    session.add(StaffAction(staff_user_id=str(member_id), role=role, action=action,
                            escalation_id=case.id if case else None,
                            request_id=request_id or (case.request_id if case else None),
                            detail=(detail or "")[:1000] or None, allowed=allowed))


async def beneficiary_language(session: AsyncSession, case: Escalation, default: str) -> str:
    """The language the beneficiary of a case talks in."""
    conv = await identities.conversation_of(session, identity_id=case.identity_id)
    return conv.language if conv else default


async def tell_beneficiary(
    app: App, session: AsyncSession, case: Escalation, key: str, dedupe_key: str,
    kind: str = "staff_reply", file_key: str | None = None, file_name: str | None = None,
    **args: object,
) -> None:
    """Send the beneficiary of a case a catalogue text (a template outside WhatsApp's window)."""
    identity = await session.get(ChannelIdentity, case.identity_id)
    if identity is None:
        return
    lang = await beneficiary_language(session, case, app.config.default_language)
    catalog = app.services.catalog
    if "role" in args:
        args["role"] = catalog.t(lang, f"role-{args['role']}")
    message = Outbound(catalog.t(lang, key, **args), kind=kind, file_key=file_key,
                       file_name=file_name,
                       template={"kind": "staff_reply", "lang": lang, "params": {}})
    await app.engine.push(session, identity=identity, messages=[message], dedupe_key=dedupe_key)


async def staff_to_beneficiary(
    app: App, session: AsyncSession, case: Escalation, member: Staff, message_id: str,
    text: str | None, file: tuple[str, str] | None,
) -> None:
    """A staff member's words (and file) to the beneficiary, signed by role, not by person."""
    await tell_beneficiary(app, session, case, "staff-reply", f"staff:{message_id}",
                           file_key=file[0] if file else None,
                           file_name=file[1] if file else None,
                           role=member.role, text=text or "")
    if case.first_staff_reply_at is None:
        case.first_staff_reply_at = app.services.clock.now()
    session.add(case)
    audit(session, member.user_id, member.role, "relay_out", case, text or (file or ("",))[-1])


async def open_case_of(session: AsyncSession, identity_id: int) -> Escalation | None:
    """The identity's case that is not closed."""
    stmt = select(Escalation).where(Escalation.identity_id == identity_id,
                                    Escalation.status != "closed").order_by(Escalation.id.desc())
    return (await session.execute(stmt)).scalars().first()


async def beneficiary_to_staff(
    app: App, staff: StaffChannel, identity_id: int, inbound: Inbound
) -> bool:
    """While a person holds the case, the beneficiary's message goes to its topic."""
    from bot.db import transaction

    async with transaction(app.sessions) as session:
        case = await open_case_of(session, identity_id)
        if case is None:
            return False
        person = await session.get(Beneficiary, case.beneficiary_id)
        identity = await session.get(ChannelIdentity, identity_id)
        name = (person.full_name if person and person.full_name else
                identity.display_name if identity and identity.display_name else "-")
        file_key = file_name = None
        if inbound.attachment is not None and inbound.attachment.content:
            file_key, _ = app.services.documents.put(inbound.attachment.content)
            file_name = inbound.attachment.file_name or "file"
        text = staff_text(app, "staff-from-beneficiary", name=name,
                          text=inbound.text or (f"[{file_name}]" if file_name else ""))
        await post_to_case(app, session, staff, case,
                           Outbound(text, kind="staff_relay", file_key=file_key,
                                    file_name=file_name),
                           f"relay-in:{inbound.channel}:{inbound.message_id}")
        audit(session, f"beneficiary:{case.beneficiary_id}", None, "relay_in", case,
              inbound.text or file_name)
    app.dispatcher.wake()
    return True
