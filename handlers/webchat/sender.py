"""The outbox sender of the website: appends to the visitor's chat log and wakes their pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db import transaction
from bot.messages import Outbound
from bot.outbox.senders import OUTBOX_ID, RateLimits, SendResult, Sent
from bot.repo import chatlog
from handlers.webchat.render import CHANNEL, Appended, appended_event, logged


class WebChatSender:
    """Delivery is the commit of the log entry: a visitor who is away reads it on return.

    The outbox row's id keys the entry, so a re-delivery after a crash appends nothing.
    """

    channel = CHANNEL
    limits = RateLimits(unlimited=True)  # a row in our own database: no platform to spare

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock,
                 notify: Callable[[str, Appended | None], None]) -> None:
        self.sessions, self.clock, self.notify = sessions, clock, notify

    async def send(self, address: str, message: Outbound) -> SendResult:
        """Append the message to the log (a database error is raised: the outbox retries)."""
        outbox_id = message.meta.get(OUTBOX_ID)
        key = f"out:{outbox_id}" if outbox_id is not None else f"out:{uuid.uuid4().hex}"
        row = outbox_id if isinstance(outbox_id, int) else None
        payload = logged(message)
        async with transaction(self.sessions) as session:
            ids = await chatlog.append(session, channel=CHANNEL, address=address,
                                       direction="out", dedupe_key=key, payload=payload,
                                       now=self.clock.now(), outbox_id=row)
        if ids is not None:  # a re-delivery appended nothing: the pages have it
            self.notify(address, appended_event(ids, direction="out", payload=payload,
                                                outbox_id=row))
        return Sent(platform_message_id=key)
