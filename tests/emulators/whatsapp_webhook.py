"""Meta's side of the WhatsApp webhook: signed deliveries and the verification handshake."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import aiohttp

from .whatsapp_builders import WhatsAppBuilders

AUTO: Any = object()


def meta_json(body: Any) -> bytes:
    """Serialize like Meta's webhook sender: compact, ASCII-escaped, '/' escaped as '\\/'."""
    return json.dumps(body, separators=(",", ":")).replace("/", "\\/").encode()


class WhatsAppWebhook(WhatsAppBuilders):
    """Mixin posting webhook bodies to the bot, as Meta's servers do."""

    app_secret: str
    webhook_url: str | None
    verify_token: str | None
    pending_statuses: list[dict[str, Any]]
    last_inbound: dict[str, float]
    _http: aiohttp.ClientSession | None

    def set_last_inbound(self, wa_id: str, when: float | None = None) -> None:
        """Record the last user message time (implemented by the emulator)."""
        raise NotImplementedError

    def sign(self, raw: bytes) -> str:
        """X-Hub-Signature-256 value for a raw body."""
        return "sha256=" + hmac.new(self.app_secret.encode(), raw, hashlib.sha256).hexdigest()

    async def deliver(self, body: dict[str, Any], signature: Any = AUTO) -> tuple[int, str]:
        """POST a signed body to webhook_url (None: unsigned); inbound messages open the window."""
        for entry in body.get("entry") or []:
            for change in entry.get("changes") or []:
                for msg in (change.get("value") or {}).get("messages") or []:
                    if msg.get("from"):
                        self.set_last_inbound(str(msg["from"]))
        return await self.deliver_raw(meta_json(body), signature)

    async def deliver_raw(
        self, raw: bytes, signature: Any = AUTO, content_type: str = "application/json"
    ) -> tuple[int, str]:
        """POST raw bytes to webhook_url (for malformed-input tests)."""
        if not self.webhook_url:
            raise RuntimeError("WhatsAppEmulator.webhook_url is not set")
        headers = {"Content-Type": content_type, "User-Agent": "facebookexternalua"}
        if signature is AUTO:
            signature = self.sign(raw)
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        async with self._session().post(self.webhook_url, data=raw, headers=headers) as resp:
            return resp.status, await resp.text()

    async def flush_statuses(self) -> list[tuple[int, str]]:
        """Deliver queued `failed` statuses (async_errors mode) to the webhook."""
        answers = []
        while self.pending_statuses:
            answers.append(await self.deliver(self.pending_statuses.pop(0)))
        return answers

    async def verify(
        self, mode: str = "subscribe", token: str | None = None, challenge: str = "1158201444"
    ) -> tuple[int, str]:
        """The GET subscription handshake Meta does when the webhook is configured."""
        if not self.webhook_url:
            raise RuntimeError("WhatsAppEmulator.webhook_url is not set")
        query = {
            "hub.mode": mode,
            "hub.verify_token": token or self.verify_token or "",
            "hub.challenge": challenge,
        }
        async with self._session().get(self.webhook_url, params=query) as resp:
            return resp.status, await resp.text()

    def _session(self) -> aiohttp.ClientSession:
        """Lazily created client session for webhook deliveries."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        return self._http
