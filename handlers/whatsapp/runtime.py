"""The WhatsApp channel inside `python -m bot run`: webhook routes and the outbox sender."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import httpx
from aiohttp import web

from app.wiring import App
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.normalize import CHANNEL
from handlers.whatsapp.sender import WhatsAppSender
from handlers.whatsapp.settings import WhatsAppSettings, load_whatsapp_settings
from handlers.whatsapp.statuses import StatusRecorder
from handlers.whatsapp.webhook import WhatsAppWebhook

log = logging.getLogger(__name__)


class WhatsAppRuntime:
    """Builds the Graph client, the sender and the webhook for one phone number."""

    name = CHANNEL

    def __init__(
        self,
        app: App,
        settings: WhatsAppSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        config = app.config.whatsapp
        self.client = GraphClient(
            base_url=settings.api_base_url,
            api_version=settings.version(config),
            phone_number_id=settings.phone_number_id,
            access_token=settings.access_token.get_secret_value(),
            transport=transport,
        )
        services = app.services
        self.sender = WhatsAppSender(
            client=self.client, sessions=app.sessions, config=config, clock=services.clock,
            catalog=services.catalog, documents=services.documents,
            default_language=app.config.default_language,
        )
        self.recorder = StatusRecorder(app.sessions, config, services.clock,
                                       app.dispatcher.wake)
        self.webhook = WhatsAppWebhook(
            app, self.client, self.recorder,
            app_secret=settings.app_secret.get_secret_value(),
            verify_token=settings.verify_token.get_secret_value(),
        )

    async def setup(self, web_app: web.Application) -> None:
        """Register GET/POST /webhooks/whatsapp and the outbox sender."""
        self.webhook.register(web_app)
        self.app.add_sender(self.sender)
        log.info("WhatsApp channel ready for phone number id %s (Graph %s at %s)",
                 self.settings.phone_number_id, self.settings.version(self.app.config.whatsapp),
                 self.settings.api_base_url)

    async def run(self, stop: asyncio.Event) -> None:
        """Nothing long-lived: Meta pushes to the webhook."""
        return

    async def close(self) -> None:
        """Close the Graph client's connections."""
        await self.client.close()


def make(app: App, environ: Mapping[str, str] | None = None) -> WhatsAppRuntime:
    """The channel factory of app.runtime; reads WHATSAPP_* (ConfigError names what is missing)."""
    return WhatsAppRuntime(app, load_whatsapp_settings(environ))
