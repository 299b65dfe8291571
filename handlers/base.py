"""What every channel offers the runtime, what it gets from the core, and the webhook limits."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import AppConfig
from bot.db import is_unavailable
from bot.engine.context import Services
from bot.engine.engine import ConversationEngine
from bot.inbox import Handle, Inbox, Update
from bot.outbox.dispatcher import Dispatcher
from bot.outbox.senders import ChannelSender

log = logging.getLogger(__name__)
MAX_BODY = 2 * 1024 * 1024  # webhooks larger than this are refused with 413


@dataclass(frozen=True)
class ChannelCore:
    """The core as a channel adapter sees it; built by the composition root (app/channels.py)."""

    engine: ConversationEngine  # `handle` runs a turn for a normalised inbound message
    dispatcher: Dispatcher  # the outbox: senders, wake-up, rate limiters
    sessions: async_sessionmaker[AsyncSession]
    config: AppConfig
    services: Services

    def add_sender(self, sender: ChannelSender) -> None:
        """Register how the channel's outbox messages are delivered."""
        self.dispatcher.senders[sender.channel] = sender

    def inbox(self, channel: str, *, handle: Handle, key: Callable[[Update], str],
              chat: Callable[[Update], Hashable]) -> Inbox:
        """The channel's inbound inbox (`key`: the engine's receipt id of a stored update)."""
        return Inbox(self.sessions, channel, handle=handle, key=key, chat=chat,
                     clock=self.services.clock,
                     lease_seconds=self.config.outbox.inbox_lease_seconds)


class RefusedLog:
    """Updates refused while the database is away: one warning a minute per channel, with how
    many were refused since the last one (a 60 s outage logged 965 lines, one a post)."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self._said: dict[str, float] = {}
        self._since: dict[str, int] = {}

    def __call__(self, channel: str, count: int, exc: BaseException) -> None:
        self._since[channel] = self._since.get(channel, 0) + count
        now = time.monotonic()
        if now - self._said.get(channel, -math.inf) >= self.every:
            self._said[channel] = now
            log.warning("%s: %d update(s) refused with 503 since the last warning: the database "
                        "is unavailable (%s); the platform delivers them again",
                        channel, self._since.pop(channel), type(exc).__name__)


_refused = RefusedLog()


async def store_or_refuse(inbox: Inbox, updates: list[Update]) -> list[bool] | web.Response:
    """Commit received updates to the inbox before the platform is answered 200 (for each:
    whether it was new); when nothing could be stored, the answer that makes the platform
    deliver them again later: 503 while the database is away, else 500."""
    try:
        return await inbox.receive_all(updates)
    except Exception as exc:
        keys = ", ".join(inbox.key(update) for update in updates)[:200]
        if is_unavailable(exc):  # intake pauses; nothing is dropped
            _refused(inbox.channel, len(updates), exc)
            return web.Response(status=503, text="try again")
        log.exception("%s update(s) %s not stored", inbox.channel, keys)
        return web.Response(status=500, text="try again")


class ChannelRuntime(Protocol):
    """A server channel's life cycle inside `python -m bot run`."""

    name: str

    async def setup(self, web_app: web.Application) -> None:
        """Register routes and the outbox sender."""

    async def run(self, stop: asyncio.Event) -> None:
        """Long-lived work until `stop` is set (return at once if there is none)."""

    async def close(self) -> None:
        """Release sessions and connections."""
