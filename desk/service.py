"""The desk's case actions, channel-neutral: the staff group and the web console both call these.

A door (the Telegram group, the browser) turns its input into a `Staff` member, a case and
text or a file; what happens to the case, what the beneficiary hears and what is audited is
decided here once.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Attachment
from bot.uploads import UploadRefusal, accept_upload, shown_name
from desk.commands import CASE_COMMANDS, StaffCtx, claim
from desk.deps import DeskDeps
from desk.relay import audit, staff_to_beneficiary
from desk.roster import Staff
from models import Escalation

ACTIONS = ("claim", "release", "close", "note")  # what the browser may do to a case


async def act(deps: DeskDeps, session: AsyncSession, member: Staff, case: Escalation,
              action: str, args: str, message_id: str) -> str:
    """Run a case command (claim, release, close, note) as the group does; audited.

    Returns the desk's answer for the staff (the same text the group sees).
    """
    reply = await CASE_COMMANDS[action](StaffCtx(deps, session, member, case, args, message_id))
    audit(session, member.user_id, member.role, action, case, args or None)
    return reply


async def reply(deps: DeskDeps, session: AsyncSession, member: Staff, case: Escalation,
                message_id: str, text: str | None,
                attachment: Attachment | None) -> UploadRefusal | tuple[str, str] | None:
    """A staff answer to the beneficiary (text and/or a file), signed by role.

    The first answer takes the case. A file passes the same content checks as any upload;
    a refused file returns the refusal and nothing is sent. Returns the stored file's
    (key, shown name) when there was one, else None.
    """
    file = None
    if attachment is not None:
        upload = accept_upload(attachment, deps.config.limits, deps.services.documents)
        if isinstance(upload, UploadRefusal):
            return upload
        file = (upload.key, shown_name(attachment.file_name))
    if case.status != "claimed":
        await claim(StaffCtx(deps, session, member, case, "", message_id))
        audit(session, member.user_id, member.role, "claim", case, "by replying")
    await staff_to_beneficiary(deps, session, case, member, message_id, text, file)
    return file
