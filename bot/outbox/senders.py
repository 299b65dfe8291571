"""What a channel must provide to deliver outbox messages, and what a send can result in."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

from bot.messages import Outbound

OUTBOX_ID = "outbox_id"  # Outbound.meta: the row being delivered (a sender may key a log by it)


@dataclass(frozen=True)
class Sent:
    """Delivered; the platform's message id when it gives one."""

    platform_message_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """The platform asked us to slow down (e.g. Telegram 429 with retry_after)."""

    seconds: float
    reason: str = "rate limited"
    per_chat: bool = False  # only this chat must wait (e.g. WhatsApp 131056), not the channel
    parts_sent: int = 0  # parts of a message of several already delivered (kept in its row)


@dataclass(frozen=True)
class Unreachable:
    """The person cannot be reached on this channel (blocked the bot, left WhatsApp...)."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """The send failed; `permanent` failures are not retried, `transient` ones (network, 5xx:
    the platform is away) are retried until the message is too old, without using attempts."""

    reason: str
    permanent: bool = False
    transient: bool = False
    parts_sent: int = 0  # parts of a message of several already delivered (kept in its row)


SendResult = Sent | RetryLater | Unreachable | Failed
# Outbound.meta key: how many parts of the message were delivered by earlier tries (the row's
# parts_sent, set by the dispatcher); a sender resumes after them.
PARTS_SENT = "parts_sent"


def resume_at(message: Outbound) -> int:
    """The first part of a message of several still to send."""
    value = message.meta.get(PARTS_SENT)
    return value if isinstance(value, int) and value > 0 else 0


def with_progress(result: SendResult, parts_sent: int) -> SendResult:
    """A failure after some parts went: the dispatcher keeps how many in the outbox row."""
    if isinstance(result, RetryLater | Failed) and parts_sent > 0:
        return dataclasses.replace(result, parts_sent=parts_sent)
    return result


@dataclass(frozen=True)
class RateLimits:
    """A channel's sending limits."""

    per_second: float = 30.0  # across all chats
    per_chat_interval: float = 1.0  # seconds between two messages to one chat, on average
    per_chat_burst: int = 3  # a reply of a few messages may go at once
    group_interval: float = 3.0  # seconds between two messages to one group (20 a minute)
    # no platform limit at all (the website's log): the dispatcher takes no slot, so a busy
    # worker does not wait for slots (nor, with several workers, reserve them in the database)
    unlimited: bool = False


class ChannelSender(Protocol):
    """Delivers one rendered message to one address of a channel."""

    channel: str
    limits: RateLimits

    async def send(self, address: str, message: Outbound) -> SendResult:
        """Send, and classify the outcome; never raise for platform errors."""
        ...
