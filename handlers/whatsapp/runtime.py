"""The WhatsApp channel inside `python -m bot run`: webhook routes and the outbox sender."""

from __future__ import annotations

import asyncio
import logging

import httpx
from aiohttp import web

from handlers.base import ChannelCore
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.normalize import CHANNEL
from handlers.whatsapp.sender import WhatsAppSender
from handlers.whatsapp.settings import WhatsAppSettings
from handlers.whatsapp.statuses import StatusRecorder
from handlers.whatsapp.webhook import WhatsAppWebhook

log = logging.getLogger(__name__)


class WhatsAppRuntime:
    """Builds the Graph client, the sender and the webhook for one phone number."""

    name = CHANNEL

    def __init__(
        self,
        core: ChannelCore,
        settings: WhatsAppSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.core = core
        self.settings = settings
        config = core.config.whatsapp
        self.client = GraphClient(
            base_url=settings.api_base_url,
            api_version=settings.version(config),
            phone_number_id=settings.phone_number_id,
            access_token=settings.access_token.get_secret_value(),
            transport=transport,
        )
        services = core.services
        self.sender = WhatsAppSender(
            client=self.client, sessions=core.sessions, config=config, clock=services.clock,
            catalog=services.catalog, documents=services.documents,
            default_language=core.config.default_language, pace=self._pace,
        )
        self.recorder = StatusRecorder(core.sessions, config, services.clock,
                                       core.dispatcher.wake)
        self.webhook = WhatsAppWebhook(
            core, self.client, self.recorder,
            app_secret=settings.app_secret.get_secret_value(),
            verify_token=settings.verify_token.get_secret_value(),
        )

    async def _pace(self, address: str) -> None:
        await self.core.dispatcher.limiter(CHANNEL).acquire(address)

    async def setup(self, web_app: web.Application) -> None:
        """Register GET/POST /webhooks/whatsapp and the outbox sender."""
        self.webhook.register(web_app)
        self.core.add_sender(self.sender)
        log.info("WhatsApp channel ready for phone number id %s (Graph %s at %s)",
                 self.settings.phone_number_id, self.settings.version(self.core.config.whatsapp),
                 self.settings.api_base_url)

    async def run(self, stop: asyncio.Event) -> None:
        """Handle the stored messages a stopped worker left, until `stop` (Meta pushes the
        rest to the webhook)."""
        await self.webhook.inbox.run(stop)

    async def close(self) -> None:
        """Close the Graph client's connections."""
        await self.client.close()
