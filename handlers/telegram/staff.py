"""The staff desk on Telegram: the staff group's updates to the desk, topics for cases."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.messages import Attachment
from desk.channel import StaffMessage
from handlers.telegram.driver import ApiError, Driver
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
    message = update.get("message") or {}
    sender = message.get("from") or {}
    if not message or not sender or sender.get("is_bot"):
        return None
    attachment = None
    if message.get("document"):
        doc = message["document"]
        attachment = Attachment(doc["file_id"], doc.get("mime_type"), doc.get("file_name"),
                                doc.get("file_size"))
    elif message.get("photo"):
        photo = message["photo"][-1]
        attachment = Attachment(photo["file_id"], "image/jpeg", "photo.jpg",
                                photo.get("file_size"))
    reply = message.get("reply_to_message") or {}
    return StaffMessage(
        user_id=int(sender["id"]), message_id=f"tg:{update.get('update_id')}",
        text=message.get("text") or message.get("caption"),
        thread_id=message.get("message_thread_id") if message.get("is_topic_message") else None,
        reply_to_message_id=reply.get("message_id"), attachment=attachment,
        display_name=sender.get("first_name"))


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
