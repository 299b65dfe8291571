"""What the staff desk needs from the platform that hosts the staff group (Telegram)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import Attachment


@dataclass(frozen=True)
class StaffMessage:
    """A message written in the staff group, normalised."""

    user_id: int
    message_id: str
    text: str | None = None
    thread_id: int | None = None  # the forum topic it was written in
    reply_to_message_id: int | None = None  # the message it answers (the case card)
    attachment: Attachment | None = None
    display_name: str | None = None


class StaffChannel(Protocol):
    """The staff group as the desk sees it."""

    channel: str  # the outbox channel of the group ("telegram")
    chat_id: str  # the group's address in that channel
    uses_topics: bool  # one forum topic per case, or card messages

    async def create_topic(self, name: str) -> int:
        """Create a forum topic; its thread id."""
        ...
