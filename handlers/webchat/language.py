"""The visitor's language: the one their conversation speaks, stored for their identity."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import LANGUAGES
from bot.repo import identities, links
from handlers.webchat.render import CHANNEL


async def stored_language(sessions: async_sessionmaker[AsyncSession],
                          visitor: str | None) -> str | None:
    """The language of the visitor's conversation, or None before their first turn."""
    if visitor is None:
        return None
    async with sessions() as session:
        identity = await identities.get_identity(session, channel=CHANNEL,
                                                 platform_user_id=visitor)
        if identity is None:
            return None
        lang = await links.language_of(session, identity_id=identity.id)
    return lang if lang in LANGUAGES else None
