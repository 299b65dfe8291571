"""GET/POST /webhooks/whatsapp: the verification handshake and signed message delivery.

A POST is checked on the raw bytes first (nothing is stored without a good
X-Hub-Signature-256), then its delivery statuses are recorded and each message is stored in
the inbound inbox (de-duplicated by its wamid, encrypted) in one commit; 200 is answered only
after that commit. While the database is away the answer is 503 and Meta delivers the body
again (intake pauses, nothing is dropped). Each stored message is then handled in the
background — its media fetched, its turn run by the engine, whose transaction claims the wamid
— and one that a stopped worker left is taken over from the table (`run`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
from typing import Any

from aiohttp import web

from bot.db import is_unavailable
from bot.jsonbody import parse_json_body
from bot.messages import Inbound
from bot.repo import receipts
from handlers.base import MAX_BODY, ChannelCore, store_or_refuse
from handlers.whatsapp.client import GraphClient
from handlers.whatsapp.normalize import (
    CHANNEL,
    from_stored,
    parse_body,
    stored_key,
    stored_sender,
)
from handlers.whatsapp.statuses import StatusRecorder

log = logging.getLogger(__name__)
PATH = "/webhooks/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature_ok(app_secret: str, raw: bytes, header: str) -> bool:
    """X-Hub-Signature-256 is 'sha256=' + HMAC-SHA256(app secret, raw body), hex."""
    expected = "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().lower().encode())


class WhatsAppWebhook:
    """The aiohttp handlers of the WhatsApp webhook."""

    def __init__(
        self,
        core: ChannelCore,
        client: GraphClient,
        recorder: StatusRecorder,
        *,
        app_secret: str,
        verify_token: str,
    ) -> None:
        self.engine, self.sessions, self.limits = core.engine, core.sessions, core.config.limits
        self.client, self.recorder = client, recorder
        self.inbox = core.inbox(CHANNEL, handle=self._from_inbox, key=stored_key,
                                chat=stored_sender)
        self._app_secret, self._verify_token = app_secret, verify_token

    def register(self, web_app: web.Application) -> None:
        """Add the GET and POST routes."""
        web_app.router.add_get(PATH, self.verify)
        web_app.router.add_post(PATH, self.receive)

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo hub.challenge for the right verify token."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self._verify_token.encode()
        ):
            log.info("WhatsApp webhook verified")
            return web.Response(text=query.get("hub.challenge", "")[:200])
        log.warning("WhatsApp webhook verification refused (wrong mode or token)")
        return web.Response(status=403, text="Forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        """A signed delivery: check, parse, record statuses, run each message's turn."""
        if (request.content_length or 0) > MAX_BODY:
            return web.Response(status=413, text="Payload Too Large")
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="Payload Too Large")
        header = request.headers.get(SIGNATURE_HEADER)
        if not header:
            log.warning("WhatsApp webhook without a signature refused")
            return web.Response(status=401, text="Unauthorized")
        if not signature_ok(self._app_secret, raw, header):
            log.warning("WhatsApp webhook with a wrong signature refused")
            return web.Response(status=403, text="Forbidden")
        try:
            parsed = parse_body(parse_json_body(raw), self.client.phone_number_id)
        except ValueError as exc:  # bad JSON/UTF-8, deep nesting (BadBody), no envelope
            log.warning("malformed WhatsApp webhook refused: %s", str(exc)[:120])
            return web.Response(status=400, text="Bad Request")
        try:
            await self.recorder.record(parsed.statuses)
        except Exception as exc:  # 5xx so that Meta delivers again; known statuses are skipped
            if is_unavailable(exc):  # intake pauses while the database is away
                log.warning("WhatsApp webhook answered 503: the database is unavailable (%s)",
                            type(exc).__name__)
                return web.Response(status=503, text="Retry")
            log.exception("WhatsApp statuses not recorded; Meta will retry")
            return web.Response(status=500, text="Retry")
        if parsed.stored:
            fresh = await store_or_refuse(self.inbox, parsed.stored)  # committed before 200
            if isinstance(fresh, web.Response):  # nothing stored: Meta delivers it again
                return fresh
        return web.Response(text="EVENT_RECEIVED")

    async def _from_inbox(self, stored: dict[str, Any]) -> bool:
        """Handle a stored message: fetch its media, run its turn (which marks it handled)."""
        inbound = from_stored(stored)
        if inbound is None:
            return False  # not a message for a turn: the inbox marks it handled
        await self.engine.handle(await self._with_media(inbound))
        return True

    async def _handled(self, inbound: Inbound) -> bool:
        async with self.sessions() as session:
            return await receipts.handled(session, channel=CHANNEL,
                                          message_id=inbound.message_id)

    async def _with_media(self, inbound: Inbound) -> Inbound:
        """Download an allowed attachment within the size limit (not for a known message)."""
        attachment = inbound.attachment
        limits = self.limits
        if attachment is None or attachment.mime_type not in limits.allowed_upload_types:
            return inbound  # the step explains which file types it takes
        if await self._handled(inbound):
            return inbound  # taken over after its turn: the engine skips it, no fetch
        info = await self.client.media_info(attachment.file_id)
        if not info.ok:
            log.warning("WhatsApp media %s not available: %s", attachment.file_id,
                        info.describe())
            return inbound  # content stays None: the beneficiary is asked to send it again
        size = info.data.get("file_size")
        if isinstance(size, int) and size > limits.max_upload_bytes:
            return dataclasses.replace(inbound, attachment=dataclasses.replace(
                attachment, size=size))
        content = await self.client.download(str(info.data.get("url") or ""),
                                             limits.max_upload_bytes)
        if content is None:
            return inbound
        return dataclasses.replace(inbound, attachment=dataclasses.replace(
            attachment, content=content, size=len(content)))
