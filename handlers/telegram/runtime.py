"""The Telegram channel inside `python -m bot run`: driver choice, webhook route, polling.

The composition root (app/channels.py) reads TELEGRAM_* (ConfigError naming a missing or bad
variable) and picks the driver with `build_driver`: TELEGRAM_DRIVER, else config.yaml
`telegram.driver` (aiogram by default); the staff group's handler is handed in when served.
`setup` checks the token (getMe), registers `POST /webhooks/telegram` and the outbox sender,
and calls setWebhook (webhook mode) or deleteWebhook (polling); a refused token or webhook URL
stops start-up with a ConfigError, an unreachable Telegram is retried from `run`. `run`
publishes the command menu in Arabic and English, then long-polls until stopped (polling).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web

from bot.config import ConfigError
from bot.jsonbody import BadBody, parse_json_body
from handlers.base import ChannelCore, store_or_refuse
from handlers.telegram import normalize
from handlers.telegram.driver import ApiError, Command, Driver, ErrorKind
from handlers.telegram.sender import CHANNEL, TelegramSender, limits_from
from handlers.telegram.settings import TelegramSettings
from handlers.telegram.updates import (
    LoginHook,
    Outcome,
    Poller,
    StaffHook,
    UpdateHandler,
    until_stopped,
)

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
COMMANDS = ("start", "menu", "help", "cancel", "lang")  # words the engine already understands
LANGUAGES = ("ar", "en")


def build_driver(name: str, settings: TelegramSettings) -> Driver:
    """The driver by name; each library is imported only when chosen."""
    if name == "ptb":
        from handlers.telegram.ptb_driver import PtbDriver

        return PtbDriver(settings)
    if name == "aiogram":
        from handlers.telegram.aiogram_driver import AiogramDriver

        return AiogramDriver(settings)
    raise ConfigError(f"TELEGRAM_DRIVER / telegram.driver: unknown driver {name!r} "
                      "(aiogram or ptb)")


class TelegramRuntime:
    """Life cycle of the Telegram channel (see handlers.base.ChannelRuntime)."""

    name = CHANNEL

    def __init__(self, core: ChannelCore, settings: TelegramSettings, driver: Driver,
                 staff: StaffHook | None = None, login: LoginHook | None = None) -> None:
        self.core = core
        self.settings = settings
        self.driver = driver
        self.handler = UpdateHandler(core.engine, driver, core.config.limits.max_upload_bytes,
                                     settings.staff_chat_id, staff, login)
        self.sender = TelegramSender(driver, core.services.documents, core.services.catalog,
                                     limits_from(core.config.telegram), pace=self._pace,
                                     wake=self._wake,
                                     default_language=core.config.default_language)
        self.poller = Poller(self.handler, driver, settings.polling_timeout)
        self.inbox = core.inbox(CHANNEL, handle=self._from_inbox,
                                key=lambda u: f"tg:{normalize.update_id(u)}",
                                chat=lambda u: (normalize.chat_of(u) or {}).get("id"))
        self.username = ""
        self._connected = False

    def _wake(self) -> None:
        self.core.dispatcher.wake()

    async def _pace(self, address: str) -> None:
        await self.core.dispatcher.limiter(CHANNEL).acquire(address, group=address.startswith("-"))

    async def setup(self, web_app: web.Application) -> None:
        """Check the token, register the webhook route and the outbox sender, set the webhook."""
        try:
            self.username = await self.driver.check_token()
        except ApiError as exc:
            if exc.kind is ErrorKind.UNAUTHORIZED:
                raise ConfigError("TELEGRAM_BOT_TOKEN was refused by Telegram (getMe answered "
                                  "unauthorized)") from None
            log.warning("Telegram not reachable at start-up (%s); continuing", exc.description)
        if self.settings.webhook_mode:
            web_app.router.add_post(WEBHOOK_PATH, self.webhook)
        self.core.add_sender(self.sender)
        self._connected = await self._connect_once()
        log.info("telegram channel ready: driver %s, %s", self.driver.name,
                 "webhook" if self.settings.webhook_mode else "long polling")

    async def run(self, stop: asyncio.Event) -> None:
        """Publish commands, then return (webhook mode) or long-poll until `stop`."""
        if not self._connected and not await self._connect(stop):
            return
        await self._publish_commands()
        if self.settings.webhook_mode:
            await self.inbox.run(stop)  # what a stopped worker stored and did not handle
        elif self.settings.polling:
            await self.poller.run(stop)

    async def _connect_once(self) -> bool:
        """setWebhook (webhook mode) or deleteWebhook (polling); False when Telegram is away."""
        webhook = self.settings.webhook_mode
        try:
            if webhook:
                await self.driver.set_webhook(str(self.settings.webhook_url),
                                              self.settings.secret)
            else:
                await self.driver.delete_webhook()
            return True
        except ApiError as exc:
            if exc.kind in (ErrorKind.UNAUTHORIZED, ErrorKind.BAD_REQUEST):
                name = "TELEGRAM_WEBHOOK_URL" if webhook else "TELEGRAM_BOT_TOKEN"
                raise ConfigError(f"{name}: Telegram refused "
                                  f"{'setWebhook' if webhook else 'deleteWebhook'}: "
                                  f"{exc.description}") from None
            log.warning("telegram %s failed (%s); trying again later",
                        "setWebhook" if webhook else "deleteWebhook", exc.description)
            return False

    async def _connect(self, stop: asyncio.Event) -> bool:
        """Retry the webhook set-up while Telegram is unreachable, until it works or `stop`."""
        for attempt in range(1, 11):
            await until_stopped(asyncio.sleep(min(60.0, 2.0 ** attempt)), stop)
            if stop.is_set():
                return False
            try:
                if await self._connect_once():
                    return True
            except ConfigError as exc:
                log.critical("telegram channel not started: %s", exc)
                return False
        log.critical("telegram channel not started: Telegram unreachable")
        return False

    async def _publish_commands(self) -> None:
        """setMyCommands in Arabic, English and the default language."""
        catalog = self.core.services.catalog
        for language in (None, *LANGUAGES):
            lang = language or self.core.config.default_language
            commands = [Command(name, catalog.t(lang, f"tg-command-{name}")) for name in COMMANDS]
            try:
                await self.driver.set_commands(commands, language)
            except ApiError as exc:
                log.warning("telegram setMyCommands(%s) failed: %s", language, exc.description)

    async def webhook(self, request: web.Request) -> web.Response:
        """POST /webhooks/telegram: secret checked, JSON parsed, the turn committed, then 200."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.secret.encode()):
            log.warning("telegram webhook call with a wrong or missing secret token refused")
            return web.Response(status=401, text="unauthorized")
        try:
            update = parse_json_body(await request.read())
        except BadBody as exc:
            log.warning("telegram webhook body refused: %s", exc)
            return web.Response(status=400, text="body is not JSON")
        if not isinstance(update, dict) or normalize.update_id(update) is None:
            return web.Response(status=400, text="not a Telegram update")
        early = await self.handler.triage(update)  # a group we do not serve: no database
        if early is not None:
            return web.Response(status=200, text=early.value)
        fresh = await store_or_refuse(self.inbox, [update])  # committed before the 200
        if isinstance(fresh, web.Response):  # nothing stored: Telegram delivers it again
            return fresh
        return web.Response(status=200, text="ok" if fresh[0] else Outcome.DUPLICATE.value)

    async def _from_inbox(self, update: dict[str, Any]) -> bool:
        """Handle a stored update; True when a conversation turn marked it handled."""
        outcome = await self.handler.route(update)
        return outcome in (Outcome.HANDLED, Outcome.DUPLICATE)

    async def close(self) -> None:
        """Close the driver's HTTP sessions."""
        await self.driver.close()
