"""The Telegram outbox sender, shared by both drivers: render, send, classify the outcome.

One Outbound may become several Telegram messages (4096-character chunks, a document). Every
extra message takes its own rate-limit slot, and when a later part fails, the parts already
delivered are kept in the outbox row (the result's parts_sent), so a retry, even after a
restart, does not repeat them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.config import TelegramConfig
from bot.i18n import Catalog
from bot.messages import Outbound
from bot.metrics import rate_limited
from bot.outbox.senders import (
    Failed,
    RateLimits,
    RetryLater,
    SendResult,
    Sent,
    Unreachable,
    resume_at,
    with_progress,
)
from bot.storage import DocumentStore
from handlers.telegram.driver import ApiError, Driver, ErrorKind
from handlers.telegram.render import Part, language_of, render

CHANNEL = "telegram"
# Per chat and per group stay 10 % under Telegram's pace (its counting is not documented).
# The overall rate needs no such margin: the limiter holds each send's permit from when it is
# let go until a window after its answer, so Telegram, which counts a send somewhere in between,
# never sees more than the rate in any window, whatever the jitter (bot/outbox/ratelimit.py).
SAFETY = 0.9
Pace = Callable[[str], Awaitable[None]]


def limits_from(config: TelegramConfig, safety: float = SAFETY) -> RateLimits:
    """Dispatcher limits: ~30/s overall, 1/s per private chat on average after a burst of
    `per_chat_burst` (a reply goes at once), 20/min per group (no burst)."""
    return RateLimits(
        per_second=config.per_second,
        per_chat_interval=config.per_chat_interval / safety,
        per_chat_burst=config.per_chat_burst,
        group_interval=60.0 / config.group_per_minute / safety,
    )


def to_result(exc: ApiError) -> SendResult:
    """A failed Bot API call -> what the dispatcher should do."""
    if exc.kind is ErrorKind.RETRY_AFTER:
        rate_limited(CHANNEL, exc.retry_after or 0.0)
        return RetryLater(max(exc.retry_after or 1.0, 0.5), reason=exc.description)
    if exc.kind is ErrorKind.FORBIDDEN:
        return Unreachable(exc.description)
    if exc.kind is ErrorKind.BAD_REQUEST:
        return Failed(exc.description, permanent=True)
    return Failed(f"{exc.kind.value}: {exc.description}",
                  transient=exc.kind is ErrorKind.TRANSIENT)


class TelegramSender:
    """Delivers outbox messages to Telegram chats (the address is the chat id)."""

    channel = CHANNEL

    def __init__(self, driver: Driver, documents: DocumentStore, catalog: Catalog,
                 limits: RateLimits, pace: Pace | None = None,
                 wake: Callable[[], None] | None = None, default_language: str = "ar") -> None:
        self.driver = driver
        self.documents = documents
        self.catalog = catalog
        self.limits = limits
        self.pace = pace
        self.wake = wake  # the dispatcher polls once a second; after a 429, call it back on time
        self.default_language = default_language  # for messages without meta["lang"] (staff)

    async def send(self, address: str, message: Outbound) -> SendResult:
        """Send every part of the message; classify the first failure."""
        try:
            chat_id = int(address)
        except ValueError:
            return Failed(f"not a Telegram chat id: {address!r}", permanent=True)
        private = chat_id > 0
        label = self.catalog.t(language_of(message, self.default_language),
                               "tg-share-contact")
        parts = render(message, label, private)
        if not parts:
            return Failed("nothing to send: the message has no text", permanent=True)
        thread = str(message.meta.get("thread_id") or "")
        thread_id = int(thread) if thread.isdigit() else None
        done = min(resume_at(message), len(parts) - 1)
        last_id: int | None = None
        for index in range(done, len(parts)):
            if index > done and self.pace is not None:
                await self.pace(address)  # the dispatcher paid for the first part only
            try:
                last_id = await self._send_part(chat_id, parts[index], thread_id)
            except ApiError as exc:
                return self._failed(index, to_result(exc))
            except _DocumentUnreadable as exc:
                return self._failed(index, Failed(str(exc), permanent=exc.permanent))
        return Sent(platform_message_id=str(last_id) if last_id is not None else None)

    def _failed(self, index: int, result: SendResult) -> SendResult:
        if isinstance(result, RetryLater) and self.wake is not None:
            asyncio.get_running_loop().call_later(result.seconds + 0.05, self.wake)
        return with_progress(result, index)  # the outbox row keeps the parts delivered

    async def _send_part(self, chat_id: int, part: Part, thread_id: int | None) -> int:
        if part.file_key is None:
            return await self.driver.send_text(chat_id, part.text, part.markup, thread_id)
        content = self._document(part.file_key)
        name = part.file_name or "document"
        return await self.driver.send_document(chat_id, content, name, part.text, part.markup,
                                               thread_id)

    def _document(self, key: str) -> bytes:
        try:
            return self.documents.get(key)
        except FileNotFoundError as exc:
            raise _DocumentUnreadable("document to send is missing", permanent=True) from exc
        except OSError as exc:
            raise _DocumentUnreadable(f"document store: {type(exc).__name__}") from exc
        except Exception as exc:  # a bad key or a file that does not decrypt will never heal
            raise _DocumentUnreadable(f"document unreadable: {type(exc).__name__}",
                                      permanent=True) from exc


class _DocumentUnreadable(Exception):
    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent

