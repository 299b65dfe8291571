"""What every channel offers the runtime, what it gets from the core, and the webhook limits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import AppConfig
from bot.engine.context import Services
from bot.engine.engine import ConversationEngine
from bot.outbox.dispatcher import Dispatcher
from bot.outbox.senders import ChannelSender

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


class ChannelRuntime(Protocol):
    """A server channel's life cycle inside `python -m bot run`."""

    name: str

    async def setup(self, web_app: web.Application) -> None:
        """Register routes and the outbox sender."""

    async def run(self, stop: asyncio.Event) -> None:
        """Long-lived work until `stop` is set (return at once if there is none)."""

    async def close(self) -> None:
        """Release sessions and connections."""
