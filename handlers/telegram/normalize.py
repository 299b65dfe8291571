"""Telegram update (the Bot API JSON object) -> Inbound. Pure functions shared by both drivers.

The update has already been accepted by the driver's library; these functions still read it
defensively (`.get`) because a Bot API object has many optional fields.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from bot.messages import Attachment, Inbound

CHANNEL = "telegram"
PHOTO_MIME = "image/jpeg"  # Telegram re-encodes every photo as JPEG


def as_int(value: Any) -> int | None:
    """An integer field (Telegram ids, sizes), or None for anything else (a bool, a string)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str | None:
    """A string field, or None for anything else."""
    return value if isinstance(value, str) else None


def update_id(update: dict[str, Any]) -> int | None:
    """The update's id, if it has a proper one."""
    value = as_int(update.get("update_id"))
    return value if value is not None and 0 <= value < 2**63 else None


def message_of(update: dict[str, Any]) -> dict[str, Any] | None:
    """The new message of a `message` update."""
    message = update.get("message")
    return message if isinstance(message, dict) else None


def callback_of(update: dict[str, Any]) -> dict[str, Any] | None:
    """The callback query of a button press."""
    query = update.get("callback_query")
    return query if isinstance(query, dict) else None


def chat_of(update: dict[str, Any]) -> dict[str, Any] | None:
    """The chat an update belongs to (None for inline messages and other chat-less updates)."""
    message = message_of(update)
    if message is None:
        query = callback_of(update)
        message = query.get("message") if query else None
    if message is None:
        for key, value in update.items():
            if key != "update_id" and isinstance(value, dict) and "chat" in value:
                message = value
                break
    chat = message.get("chat") if isinstance(message, dict) else None
    if isinstance(chat, dict) and "id" in chat and as_int(chat["id"]) is None:
        return None  # a chat id that is not an id: nothing we serve
    return chat if isinstance(chat, dict) else None


def is_private(update: dict[str, Any]) -> bool:
    """True for a beneficiary's one-to-one chat with the bot."""
    chat = chat_of(update)
    return bool(chat) and chat.get("type") == "private"  # type: ignore[union-attr]


def display_name(user: dict[str, Any]) -> str | None:
    """First and last name, as Telegram shows them."""
    name = " ".join((as_str(user.get(k)) or "").strip() for k in ("first_name", "last_name"))
    return name.strip() or None


def is_command(message: dict[str, Any]) -> bool:
    """A /command: text with a bot_command entity at offset 0."""
    text = as_str(message.get("text")) or ""
    entities = message.get("entities")
    return text.startswith("/") and isinstance(entities, list) and any(
        isinstance(e, dict) and e.get("type") == "bot_command" and as_int(e.get("offset")) == 0
        for e in entities
    )


def attachment_of(message: dict[str, Any]) -> Attachment | None:
    """A document or the largest size of a photo, without its bytes yet."""
    document = message.get("document")
    if isinstance(document, dict) and as_str(document.get("file_id")):
        name = as_str(document.get("file_name"))
        mime = as_str(document.get("mime_type")) or (
            mimetypes.guess_type(name)[0] if name else None)
        return Attachment(file_id=document["file_id"], mime_type=mime, file_name=name,
                          size=_size(document))
    photo = message.get("photo")
    photos = [p for p in photo if isinstance(p, dict) and as_str(p.get("file_id"))
              ] if isinstance(photo, list) else []
    if photos:
        best = max(photos, key=lambda p: (_size(p) or 0,
                                          (as_int(p.get("width")) or 0)
                                          * (as_int(p.get("height")) or 0)))
        unique = as_str(best.get("file_unique_id")) or "photo"
        return Attachment(file_id=best["file_id"], mime_type=PHOTO_MIME,
                          file_name=f"{unique}.jpg", size=_size(best))
    return None


def _size(item: dict[str, Any]) -> int | None:
    size = as_int(item.get("file_size"))
    return size if size is not None and size >= 0 else None


def _from_message(uid: int, message: dict[str, Any], user: dict[str, Any]) -> Inbound:
    text = as_str(message.get("text"))
    if text is None:
        text = as_str(message.get("caption"))
    contact = message.get("contact")
    phone, own = None, False
    if isinstance(contact, dict):
        phone = as_str(contact.get("phone_number")) or None
        own = as_int(contact.get("user_id")) == user["id"]
    return Inbound(
        channel=CHANNEL,
        user_id=str(user["id"]),
        message_id=f"tg:{uid}",
        text=text,
        contact_phone=phone,
        contact_is_own=own,
        attachment=attachment_of(message),
        locale=as_str(user.get("language_code")),
        display_name=display_name(user),
        is_command=is_command(message),
    )


def to_inbound(update: dict[str, Any]) -> Inbound | None:
    """The normalised message of a private-chat update; None when there is nothing to handle."""
    uid = update_id(update)
    if uid is None:
        return None
    message, query = message_of(update), callback_of(update)
    source = message if message is not None else query
    user = source.get("from") if source else None
    if not isinstance(user, dict) or user.get("is_bot") or as_int(user.get("id")) is None:
        return None  # no sender, a bot, or a user id that is not an id
    if message is not None:
        return _from_message(uid, message, user)
    assert query is not None
    data = query.get("data")
    if not isinstance(data, str) or not data:
        return None  # a game button or an empty payload: nothing for the engine
    return Inbound(
        channel=CHANNEL,
        user_id=str(user["id"]),
        message_id=f"tg:{uid}",
        payload=data,
        locale=as_str(user.get("language_code")),
        display_name=display_name(user),
    )
