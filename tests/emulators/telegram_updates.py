"""Update delivery of the Telegram emulator: getUpdates long polling and the webhook."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

import aiohttp

from .telegram_factories import TelegramFactories
from .telegram_state import TelegramApiError, bad_request

DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
TERMINATED = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
AUTO: Any = object()


class TelegramUpdates(TelegramFactories):
    """Queue of pending updates, getUpdates semantics, setWebhook and webhook posting."""

    updates: list[dict[str, Any]]
    allowed_updates: list[str] | None
    webhook: dict[str, Any] | None
    _updates_changed: asyncio.Event
    _poller: int
    _closing: bool
    _http: aiohttp.ClientSession | None

    def init_updates(self) -> None:
        """Empty queue, no webhook."""
        self.updates = []
        self.allowed_updates = None
        self.webhook = None
        self._last_update_id = 100000
        self._updates_changed = asyncio.Event()
        self._poller = 0
        self._closing = False
        self._http = None

    # ----- updates: polling ----------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (or flush_webhook)."""
        self.updates.append(update)
        self._notify_updates()

    def _notify_updates(self) -> None:
        """Wake every waiting long poll."""
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _wanted(self, update: dict[str, Any]) -> bool:
        """Whether the update's type passes the stored allowed_updates filter."""
        kind = next((k for k in update if k != "update_id"), "")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    async def api_getUpdates(self, p: dict, files: dict) -> Any:
        """getUpdates with offset confirmation, limit, allowed_updates and long polling."""
        if self.webhook:
            raise TelegramApiError(409, WEBHOOK_CONFLICT)
        offset, timeout = p.get("offset"), max(0.0, float(p.get("timeout") or 0))
        limit = min(100, max(1, int(p.get("limit") or 100)))
        if "allowed_updates" in p:
            self.allowed_updates = p["allowed_updates"] or None
        if isinstance(offset, int) and offset < 0:
            self.updates = self.updates[offset:]
        elif isinstance(offset, int) and offset > 0:
            self.updates = [u for u in self.updates if u.get("update_id", 0) >= offset]
        self._poller += 1
        me = self._poller
        self._notify_updates()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if me != self._poller:
                raise TelegramApiError(409, TERMINATED)
            if self.webhook:
                raise TelegramApiError(409, WEBHOOK_CONFLICT)
            self.updates = [u for u in self.updates if self._wanted(u)]
            remaining = deadline - loop.time()
            if self.updates or remaining <= 0 or self._closing:
                return self.updates[:limit]
            event = self._updates_changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ----- updates: webhook ----------------------------------------------------------------
    def api_setWebhook(self, p: dict, files: dict) -> Any:
        """setWebhook (http URLs allowed, unlike the real API, since tests run locally)."""
        url = str(p.get("url") or "")
        if not url:
            self.webhook = None
            return True
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self.updates.clear()
        if "allowed_updates" in p:
            self.allowed_updates = p["allowed_updates"] or None
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": p.get("max_connections") or 40,
        }
        self._notify_updates()
        return True

    def api_deleteWebhook(self, p: dict, files: dict) -> Any:
        """deleteWebhook."""
        self.webhook = None
        if p.get("drop_pending_updates"):
            self.updates.clear()
        return True

    def api_getWebhookInfo(self, p: dict, files: dict) -> Any:
        """getWebhookInfo."""
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook:
            info.update(url=self.webhook["url"], max_connections=self.webhook["max_connections"])
            for key in ("last_error_date", "last_error_message"):
                if key in self.webhook:
                    info[key] = self.webhook[key]
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        return info

    @property
    def webhook_url(self) -> str | None:
        """URL registered with setWebhook, if any."""
        return self.webhook["url"] if self.webhook else None

    async def post_webhook(self, update: dict[str, Any], secret: Any = AUTO) -> tuple[int, str]:
        """POST an update as JSON to the webhook URL with the configured secret header."""
        return await self.post_webhook_raw(json.dumps(update).encode(), secret=secret)

    async def post_webhook_raw(
        self, body: bytes | str, content_type: str = "application/json", secret: Any = AUTO
    ) -> tuple[int, str]:
        """POST arbitrary bytes to the webhook (malformed-input tests); returns (status, body)."""
        if not self.webhook:
            raise RuntimeError("no webhook set: the bot has not called setWebhook")
        if secret is AUTO:
            secret = self.webhook.get("secret_token")
        headers = {"Content-Type": content_type}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(secret)
        if self._http is None:
            self._http = aiohttp.ClientSession()
        data = body.encode() if isinstance(body, str) else body
        async with self._http.post(self.webhook["url"], data=data, headers=headers) as resp:
            text = await resp.text()
            if resp.status >= 300:
                self.webhook["last_error_date"] = self.unix_now()
                self.webhook["last_error_message"] = (
                    f"Wrong response from the webhook: {resp.status} {resp.reason}"
                )
            return resp.status, text

    async def flush_webhook(self) -> list[tuple[int, str]]:
        """Deliver queued updates to the webhook in order; stops at the first non-2xx answer."""
        answers = []
        while self.updates and self.webhook:
            status, text = await self.post_webhook(self.updates[0])
            answers.append((status, text))
            if status >= 300:
                break
            self.updates.pop(0)
        return answers
