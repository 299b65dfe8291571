"""The website channel inside `python -m bot run`: its pages, API, event stream and sender."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.base import ChannelCore
from handlers.webchat.api import ChatApi
from handlers.webchat.guard import Guard
from handlers.webchat.hub import Hub
from handlers.webchat.page import Pages
from handlers.webchat.render import CHANNEL
from handlers.webchat.sender import WebChatSender
from handlers.webchat.stream import EventStream

log = logging.getLogger(__name__)


class WebChatRuntime:
    """Builds the page, the API, the stream and the sender around one hub of open pages."""

    name = CHANNEL

    def __init__(self, core: ChannelCore, redis_url: str | None = None) -> None:
        self.core = core
        config = core.config
        self.hub = Hub(redis_url)
        self.guard = Guard(config.web)
        self.pages = Pages(config.web, core.services.catalog, config.default_language,
                           core.sessions)
        self.api = ChatApi(core, self.guard, self.hub)
        self.stream = EventStream(core, self.api, self.hub)
        self.sender = WebChatSender(core.sessions, core.services.clock, self.hub.appended)

    async def setup(self, web_app: web.Application) -> None:
        """Register /chat/... and the outbox sender."""
        self.pages.register(web_app)
        self.api.register(web_app)
        self.stream.register(web_app)
        self.core.add_sender(self.sender)
        log.info("website chat ready at /chat/ (allowed origins: %s)",
                 ", ".join(self.core.config.web.allowed_origins) or "its own only")

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the other workers' appends: LISTEN on PostgreSQL, SUBSCRIBE on Redis when
        configured (both when both); nothing to do for one worker on SQLite."""
        engine: AsyncEngine = self.core.sessions.kw["bind"]
        relays = []
        if engine.dialect.name == "postgresql":
            relays.append(self.hub.listen(engine, stop))
        if self.hub.redis_url is not None:
            relays.append(self.hub.listen_redis(stop))
        await asyncio.gather(*relays)

    async def close(self) -> None:
        """End the open streams, so that the server stops without waiting for them."""
        self.hub.close()
        await self.hub.aclose()
