"""Staff follow-up to a volunteer or to the sender of a suggestion or complaint: a catalogue
text in their language, queued in the outbox to the channel they wrote from (else the one they
use now), with a transcript line, as the desk's replies are."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.context import Services
from bot.messages import Outbound
from bot.repo import identities, outbox, transcripts
from models import ChannelIdentity


async def recipient(
    session: AsyncSession, *, beneficiary_id: int, channel: str | None = None
) -> ChannelIdentity | None:
    """The reachable identity on `channel` the person wrote from last, else their preferred."""
    rows = [i for i in await identities.identities_of(session, beneficiary_id=beneficiary_id)
            if not i.unreachable and (channel is None or i.channel == channel)]
    if rows:
        return max(rows, key=lambda i: (i.last_inbound_at or i.created_at, i.id or 0))
    return await identities.preferred_identity(session, beneficiary_id=beneficiary_id)


async def tell(
    session: AsyncSession, services: Services, *, beneficiary_id: int, key: str,
    dedupe_key: str, channel: str | None = None, **args: object,
) -> ChannelIdentity | None:
    """Queue the text `key` to the person; the identity it goes to (None: they have none)."""
    identity = await recipient(session, beneficiary_id=beneficiary_id, channel=channel)
    if identity is None:
        return None
    conv = await identities.conversation_of(session, identity_id=identity.id or 0)
    lang = conv.language if conv and conv.language else services.config.default_language
    text = services.catalog.t(lang, key, **args)
    message = Outbound(text, kind="staff_reply", meta={"lang": lang},
                       template={"kind": "staff_reply", "lang": lang, "params": {}})
    await outbox.enqueue(session, channel=identity.channel, address=identity.platform_user_id,
                         identity_id=identity.id, message=message, dedupe_key=dedupe_key,
                         now=services.clock.now())
    await transcripts.add(session, identity_id=identity.id or 0, direction="out", text=text)
    return identity
