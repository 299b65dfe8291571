"""Messages between a case's beneficiary and the staff group, both ways, audited."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Inbound, Outbound
from bot.repo import escalations, identities
from bot.uploads import UploadRefusal, accept_upload, shown_name
from desk.cases import post_to_case, staff_text
from desk.channel import StaffChannel
from desk.deps import DeskDeps
from desk.roster import Staff
from models import Beneficiary, ChannelIdentity, Escalation, StaffAction


def audit(session: AsyncSession, member_id: int | str, role: str | None, action: str,
          case: Escalation | None = None, detail: str | None = None, *,
          allowed: bool = True, request_id: int | None = None,
          file_key: str | None = None) -> None:
    """Write one line of the audit log (with the storage key of a relayed file)."""
    session.add(StaffAction(staff_user_id=str(member_id), role=role, action=action,
                            escalation_id=case.id if case else None,
                            request_id=request_id or (case.request_id if case else None),
                            detail=(detail or "")[:1000] or None, allowed=allowed,
                            file_key=file_key))


async def beneficiary_language(session: AsyncSession, case: Escalation, default: str) -> str:
    """The language the beneficiary of a case talks in."""
    conv = await identities.conversation_of(session, identity_id=case.identity_id)
    return conv.language if conv else default


async def tell_beneficiary(
    deps: DeskDeps, session: AsyncSession, case: Escalation, key: str, dedupe_key: str,
    kind: str = "staff_reply", file_key: str | None = None, file_name: str | None = None,
    **args: object,
) -> None:
    """Send the beneficiary of a case a catalogue text (a template outside WhatsApp's window)."""
    identity = await session.get(ChannelIdentity, case.identity_id)
    if identity is None:
        return
    lang = await beneficiary_language(session, case, deps.config.default_language)
    catalog = deps.services.catalog
    if "role" in args:
        args["role"] = catalog.t(lang, f"role-{args['role']}")
    message = Outbound(catalog.t(lang, key, **args), kind=kind, file_key=file_key,
                       file_name=file_name,
                       template={"kind": "staff_reply", "lang": lang, "params": {}})
    await deps.push(session, identity=identity, messages=[message], dedupe_key=dedupe_key)


async def staff_to_beneficiary(
    deps: DeskDeps, session: AsyncSession, case: Escalation, member: Staff, message_id: str,
    text: str | None, file: tuple[str, str] | None,
) -> None:
    """A staff member's words (and file) to the beneficiary, signed by role, not by person."""
    await tell_beneficiary(deps, session, case, "staff-reply", f"staff:{message_id}",
                           file_key=file[0] if file else None,
                           file_name=file[1] if file else None,
                           role=member.role, text=text or "")
    if case.first_staff_reply_at is None:
        case.first_staff_reply_at = deps.services.clock.now()
    session.add(case)
    audit(session, member.user_id, member.role, "relay_out", case, text or (file or ("",))[-1],
          file_key=file[0] if file else None)


async def beneficiary_to_staff(
    deps: DeskDeps, staff: StaffChannel, identity_id: int, inbound: Inbound
) -> bool:
    """While a person holds the case, the beneficiary's message goes to its topic."""
    from bot.db import transaction

    async with transaction(deps.sessions) as session:
        case = await escalations.open_of_identity(session, identity_id=identity_id)
        if case is None:
            return False
        person = await session.get(Beneficiary, case.beneficiary_id)
        identity = await session.get(ChannelIdentity, identity_id)
        name = (person.full_name if person and person.full_name else
                identity.display_name if identity and identity.display_name else "-")
        file_key = file_name = None
        if inbound.attachment is not None:  # the same checks as any upload, content first
            upload = accept_upload(inbound.attachment, deps.config.limits, deps.services.documents)
            if isinstance(upload, UploadRefusal):
                await tell_beneficiary(deps, session, case, upload.key,
                                       f"relay-refused:{inbound.channel}:{inbound.message_id}",
                                       kind="reply", **(upload.args or {}))
            else:
                file_key, file_name = upload.key, shown_name(inbound.attachment.file_name)
        if inbound.text or file_key:
            text = staff_text(deps, "staff-from-beneficiary", name=name,
                              text=inbound.text or f"[{file_name}]")
            await post_to_case(deps, session, staff, case,
                               Outbound(text, kind="staff_relay", file_key=file_key,
                                        file_name=file_name),
                               f"relay-in:{inbound.channel}:{inbound.message_id}")
            audit(session, f"beneficiary:{case.beneficiary_id}", None, "relay_in", case,
                  inbound.text or file_name, file_key=file_key)
    deps.wake()
    return True
