"""The WhatsApp outbox sender: the 24-hour window, template fall-back, error classification.

Free-form messages go only within `window_hours` of the beneficiary's last message
(ChannelIdentity.last_inbound_at, set by the engine). Outside it, or when the API answers
131047, the message goes as the approved template configured for its kind; without one it
fails for good with a reason the outbox records. A message rendered as several parts that
fails half-way resumes at the part that failed, so a retry does not repeat the first ones.
A rejected access token (190) holds the whole channel without using up any attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import WhatsAppConfig
from bot.i18n import LANGUAGES, Catalog
from bot.messages import Outbound
from bot.metrics import rate_limited
from bot.outbox.senders import (
    Failed,
    RateLimits,
    RetryLater,
    SendResult,
    Sent,
    resume_at,
    with_progress,
)
from bot.repo.identities import get_identity
from bot.storage import DocumentStore
from handlers.whatsapp.client import (
    EXPIRED_TOKEN,
    RATE_LIMIT_CODES,
    REENGAGEMENT,
    GraphClient,
    GraphResult,
)
from handlers.whatsapp.normalize import CHANNEL
from handlers.whatsapp.render import Texts, render, template_body

log = logging.getLogger(__name__)
TEMPLATE_ONLY = "wa_template_only"  # Outbound.meta hint: skip the free-form attempt
MAX_BACKOFF_SECONDS = 300.0
TOKEN_PAUSE_SECONDS = 60.0  # an expired or revoked token: the whole channel waits this long
_KEY_CHARS = re.compile(r"[^a-zA-Z0-9_-]")


class WhatsAppSender:
    """Delivers outbox messages through the Cloud API."""

    channel = CHANNEL

    def __init__(
        self,
        *,
        client: GraphClient,
        sessions: async_sessionmaker[AsyncSession],
        config: WhatsAppConfig,
        clock: Clock,
        catalog: Catalog,
        documents: DocumentStore,
        default_language: str = "ar",
        pace: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.client, self.sessions, self.config = client, sessions, config
        self.clock, self.catalog, self.documents = clock, catalog, documents
        self.default_language = default_language
        self.pace = pace  # takes the limiter's slot for each part after the first
        self.limits = RateLimits(per_second=config.per_second,
                                 per_chat_interval=config.per_chat_interval)
        self._backoff: dict[str, int] = {}
        self.token_pause = TOKEN_PAUSE_SECONDS
        self._token_alarm_until = 0.0  # monotonic: one ERROR per pause, not one per message

    async def send(self, address: str, message: Outbound) -> SendResult:
        """Send free-form inside the window, else (or on 131047) as a template."""
        lang = self._language(message)
        if message.meta.get(TEMPLATE_ONLY):
            return await self._send_template(address, message, lang, "a re-engagement retry")
        if not await self.in_window(address):
            hours = self.config.window_hours
            why = f"outside the {hours}-hour customer-service window"
            return await self._send_template(address, message, lang, why)
        result = await self._send_free(address, message, lang)
        if result is None:
            why = "WhatsApp refused a free-form message (131047 re-engagement)"
            return await self._send_template(address, message, lang, why)
        return result

    async def in_window(self, address: str) -> bool:
        """True when the beneficiary wrote within window_hours (by the app's clock)."""
        async with self.sessions() as session:
            identity = await get_identity(session, channel=CHANNEL, platform_user_id=address)
        last = identity.last_inbound_at if identity is not None else None
        if last is None:
            return False
        return self.clock.now() - last < dt.timedelta(hours=self.config.window_hours)

    def _language(self, message: Outbound) -> str:
        """The template's language, else the engine's stamp (meta["lang"]), else the default."""
        for lang in ((message.template or {}).get("lang"), message.meta.get("lang")):
            if lang in LANGUAGES:
                return str(lang)
        return self.default_language

    def texts(self, lang: str, message: Outbound) -> Texts:
        """The renderer's words in `lang`, with any WhatsApp short titles of the choices."""
        t = self.catalog.t
        short = {}
        for choice in message.choices:
            key = "wa-title-" + _KEY_CHARS.sub("-", choice.id)
            if self.catalog.has(lang, key):
                short[choice.id] = t(lang, key)
        return Texts(list_button=t(lang, "wa-list-button"), choose=t(lang, "wa-choose"),
                     number_hint=t(lang, "wa-number-hint"), short_titles=short)

    async def _send_free(self, address: str, message: Outbound, lang: str) -> SendResult | None:
        """Send every part; None when WhatsApp asks for a template (131047)."""
        parts = render(message, self.texts(lang, message))
        if not parts:
            return Failed("nothing to send: the message has no text, choices or file",
                          permanent=True)
        wamid = None
        start = min(resume_at(message), len(parts) - 1)
        for index in range(start, len(parts)):
            part = parts[index]
            if index > start and self.pace is not None:
                await self.pace(address)  # the dispatcher paid for the first part only
            if part["type"] == "document":
                uploaded = await self._upload(address, message)
                if not isinstance(uploaded, str):
                    return with_progress(uploaded, index)
                part = {"type": "document", "document": {**part["document"], "id": uploaded}}
            result = await self.client.send(address, part)
            if not result.ok:
                if result.code == REENGAGEMENT:
                    return None
                return with_progress(self._classify(address, result), index)
            wamid = result.wamid
        self._backoff.pop(address, None)
        return Sent(platform_message_id=wamid)

    async def _upload(self, address: str, message: Outbound) -> str | SendResult:
        """Upload the message's stored document; its media id, or the failure."""
        name = message.file_name or "document.pdf"
        try:
            content = self.documents.get(message.file_key or "")
        except Exception as exc:  # missing or undecryptable file: it will not come back
            return Failed(f"document {message.file_key!r} cannot be read: {exc}", permanent=True)
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        result = await self.client.upload(content, mime, name)
        media_id = result.data.get("id") if result.ok else None
        if media_id:
            return str(media_id)
        if result.ok:
            return Failed("the media upload answered without an id")
        return self._classify(address, result)

    async def _send_template(
        self, address: str, message: Outbound, lang: str, why: str
    ) -> SendResult:
        spec: dict[str, Any] = message.template or {}
        kind = str(spec.get("kind") or message.kind)
        ref = self.config.templates.get(kind)
        if ref is None:
            return Failed(f"{why}, and no WhatsApp template is configured for {kind!r} "
                          "(config.yaml whatsapp.templates)", permanent=True)
        body = template_body(ref, lang, spec.get("params") or {}, message.choices)
        if isinstance(body, str):
            return Failed(f"{why}: {body}", permanent=True)
        result = await self.client.send(address, body)
        if result.ok:
            self._backoff.pop(address, None)
            log.info("%s sent as template %s (%s)", kind, ref.name, why)
            return Sent(platform_message_id=result.wamid)
        outcome = self._classify(address, result)
        if isinstance(outcome, Failed):
            return Failed(f"template {ref.name}: {outcome.reason}", outcome.permanent,
                          outcome.transient)
        return outcome

    def _classify(self, address: str, result: GraphResult) -> SendResult:
        """Rate limits -> RetryLater with back-off; 190 -> pause; Meta's hiccups -> transient."""
        if result.code in RATE_LIMIT_CODES or result.status == 429:
            tries = self._backoff.get(address, 0)
            self._backoff[address] = tries + 1
            base = 6.0 if result.code == 131056 else 2.0  # 131056: one message per 6 s a pair
            rate_limited(CHANNEL, min(MAX_BACKOFF_SECONDS, base * 2**tries))
            return RetryLater(min(MAX_BACKOFF_SECONDS, base * 2**tries), result.describe(),
                              per_chat=result.code == 131056)
        if result.code == EXPIRED_TOKEN or (result.status == 401 and result.code is None):
            return self._token_rejected(result)
        return Failed(result.describe(), permanent=not result.transient,
                      transient=result.transient)

    def _token_rejected(self, result: GraphResult) -> RetryLater:
        """190: no message can go until the operator renews the token; keep them all queued.

        A RetryLater without per_chat pauses the whole channel and does not count an attempt,
        so nothing is lost or given up while the token is bad; delivery resumes by itself once
        the bot runs with a valid token (the token is read at start: renew it, then restart).
        """
        now = time.monotonic()
        if now >= self._token_alarm_until:
            self._token_alarm_until = now + self.token_pause
            log.error("WhatsApp rejected the access token (%s): renew WHATSAPP_ACCESS_TOKEN and "
                      "restart the bot; outgoing WhatsApp messages are held, retrying every "
                      "%.0f s", result.describe(), self.token_pause)
        return RetryLater(self.token_pause, result.describe() + " - renew WHATSAPP_ACCESS_TOKEN")
