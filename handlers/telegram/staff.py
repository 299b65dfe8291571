"""The staff desk on Telegram: the staff group's updates to the desk, topics for cases."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from desk.channel import StaffMessage
from handlers.telegram import normalize
from handlers.telegram.driver import ApiError, Driver
from handlers.telegram.normalize import as_int, as_str
from handlers.telegram.updates import StaffHook

log = logging.getLogger(__name__)


class TelegramStaffGroup:
    """The staff supergroup (a StaffChannel): forum topics when enabled, else case cards."""

    channel = "telegram"

    def __init__(self, driver: Driver, chat_id: int, uses_topics: bool) -> None:
        self.driver = driver
        self.chat_id = str(chat_id)
        self.uses_topics = uses_topics

    async def create_topic(self, name: str) -> int:
        """createForumTopic (aiogram and python-telegram-bot share the call)."""
        topic = await self.driver.bot.create_forum_topic(chat_id=int(self.chat_id), name=name)
        return int(topic.message_thread_id)


def staff_message(update: dict[str, Any]) -> StaffMessage | None:
    """A staff-group update as a StaffMessage (None for what the desk does not need)."""
    message = normalize.message_of(update) or {}
    sender = message.get("from")
    if not isinstance(sender, dict) or sender.get("is_bot") or as_int(sender.get("id")) is None:
        return None  # no sender, a bot, or a user id that is not an id
    reply = message.get("reply_to_message")
    return StaffMessage(
        user_id=sender["id"], message_id=f"tg:{normalize.update_id(update)}",
        text=as_str(message.get("text")) or as_str(message.get("caption")),
        thread_id=as_int(message.get("message_thread_id"))
        if message.get("is_topic_message") is True else None,
        reply_to_message_id=as_int(reply.get("message_id")) if isinstance(reply, dict) else None,
        attachment=normalize.attachment_of(message), display_name=as_str(sender.get("first_name")))


def staff_hook(
    desk: Callable[[StaffMessage], Awaitable[None]], max_upload_bytes: int
) -> StaffHook:
    """The staff group's updates as StaffMessages (files within the limit downloaded) to `desk`."""
    async def handle(update: dict[str, Any], driver: Driver) -> None:
        msg = staff_message(update)
        if msg is None:
            return
        if msg.attachment is not None and (msg.attachment.size or 0) <= max_upload_bytes:
            try:
                content = await driver.download(msg.attachment.file_id)
                attachment = replace(msg.attachment, content=content, size=len(content))
                msg = replace(msg, attachment=attachment)
            except ApiError as exc:
                log.warning("staff file not downloaded: %s", exc.description)
        await desk(msg)

    return handle
