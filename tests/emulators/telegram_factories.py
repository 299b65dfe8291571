"""Factories of real-shaped Telegram updates (what a user's client would make Telegram send)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from .common import fixtures_dir
from .telegram_methods import TelegramMethods


def load_telegram_fixtures(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every JSON file of fixtures/telegram keyed by file stem (old, partly malformed samples)."""
    folder = folder or fixtures_dir() / "telegram"
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


class TelegramFactories(TelegramMethods):
    """Emulator state plus update builders sharing its message ids, chats and files."""

    _last_update_id: int

    def make_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "ar",
        username: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        """A User object; also registers the private chat with that user."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name:
            user["last_name"] = chat["last_name"] = last_name
        if username:
            user["username"] = chat["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.chats[user_id] = chat
        return user

    def make_supergroup(
        self,
        chat_id: int = -1001234567890,
        title: str = "Ghimar Desk Staff",
        is_forum: bool = True,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A supergroup Chat (a forum by default), registered so the bot can post into it."""
        chat: dict[str, Any] = {"id": chat_id, "title": title, "type": "supergroup"}
        if is_forum:
            chat["is_forum"] = True
        if username:
            chat["username"] = username
        self.chats[chat_id] = chat
        return chat

    def create_topic(self, chat: dict[str, Any], name: str) -> int:
        """Create a forum topic as if an admin made it; returns its message_thread_id."""
        return int(self.open_topic(chat, name)["message_thread_id"])

    def next_update_id(self) -> int:
        """Allocate an increasing update_id."""
        self._last_update_id += 1
        return self._last_update_id

    def _chat_of(self, user: dict[str, Any], chat: dict[str, Any] | None) -> dict[str, Any]:
        """The given chat, or the private chat with the user."""
        if chat is not None:
            self.chats.setdefault(chat["id"], chat)
            return chat
        return self.chats.setdefault(
            user["id"], {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        )

    def user_message(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        **content: Any,
    ) -> dict[str, Any]:
        """A Message from `user` (stored, so replies/edits/callbacks can refer to it)."""
        chat = self._chat_of(user, chat)
        msg: dict[str, Any] = {
            "message_id": self.next_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": self.unix_now(),
        }
        if thread_id is not None:
            key = (chat["id"], thread_id)
            if key not in self.topics:
                self.topics[key] = {
                    "message_thread_id": thread_id,
                    "name": f"Topic {thread_id}",
                    "icon_color": 7322096,
                    "state": "open",
                }
                self._last_message_id[chat["id"]] = max(
                    self._last_message_id.get(chat["id"], 0), thread_id + 1
                )
            msg.update(message_thread_id=thread_id, is_topic_message=True)
            if reply_to_message_id is None and key in self.messages:
                reply_to_message_id = thread_id  # Telegram: topic messages reply to its creation
        if reply_to_message_id is not None:
            original = self.messages.get((chat["id"], reply_to_message_id))
            msg["reply_to_message"] = (
                {k: v for k, v in original.items() if k != "reply_to_message"}
                if original
                else {"message_id": reply_to_message_id, "date": 0, "chat": chat}
            )
        msg.update(content)
        self.messages[(chat["id"], msg["message_id"])] = msg
        return msg

    def message_update(self, message: dict[str, Any]) -> dict[str, Any]:
        """Wrap a Message into an Update."""
        return {"update_id": self.next_update_id(), "message": message}

    def text_update(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Text message update; a leading /command gets its bot_command entity like Telegram."""
        content: dict[str, Any] = {"text": text}
        if entities is None and text.startswith("/") and len(text) > 1:
            command = text.split(maxsplit=1)[0]
            entities = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(command.encode("utf-16-le")) // 2,
                }
            ]
        if entities:
            content["entities"] = entities
        return self.message_update(
            self.user_message(user, chat, thread_id, reply_to_message_id, **content)
        )

    def command_update(
        self,
        user: dict[str, Any],
        command: str,
        chat: dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """A /command message (with bot_command entity); '/start x' keeps the payload."""
        if not command.startswith("/"):
            command = "/" + command
        return self.text_update(user, command, chat=chat, thread_id=thread_id)

    def supergroup_update(
        self,
        user: dict[str, Any],
        text: str,
        chat: dict[str, Any] | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Text message in a (forum) supergroup, inside topic `thread_id` when given."""
        chat = chat or self.chats.get(-1001234567890) or self.make_supergroup()
        return self.text_update(user, text, chat, thread_id, reply_to_message_id)

    def callback_update(
        self,
        user: dict[str, Any],
        data: str,
        message_id: int,
        chat: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Inline-button press on a stored message (unknown ids become an inaccessible message)."""
        chat = self._chat_of(user, chat)
        message = self.messages.get((chat["id"], message_id))
        if message is None:
            message = {"chat": chat, "message_id": message_id, "date": 0}
        query = {
            "id": str(secrets.randbits(62)),
            "from": user,
            "message": message,
            "chat_instance": str(-(abs(hash(("chat", chat["id"]))) % 10**18)),
            "data": data,
        }
        return {"update_id": self.next_update_id(), "callback_query": query}

    def contact_update(
        self,
        user: dict[str, Any],
        phone_number: str,
        contact_user_id: int | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """User shares a contact (by default their own, as the request_contact button does)."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
        }
        if "last_name" in user and first_name is None:
            contact["last_name"] = user["last_name"]
        uid = user["id"] if contact_user_id is None else contact_user_id
        if uid:
            contact["user_id"] = uid
        return self.message_update(self.user_message(user, contact=contact))

    def document_update(
        self,
        user: dict[str, Any],
        content: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat: dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Document message; the bytes are registered for getFile + download."""
        stored = self.store_file(content, "document", file_name, mime_type)
        extra = {"caption": caption} if caption else {}
        msg = self.user_message(user, chat, thread_id, document=stored.as_document(), **extra)
        return self.message_update(msg)

    def photo_update(
        self,
        user: dict[str, Any],
        content: bytes,
        caption: str | None = None,
        chat: dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """Photo message (thumbnail + full size); the bytes are registered for download."""
        stored = self.store_file(content, "photo", None, "image/jpeg")
        extra = {"caption": caption} if caption else {}
        msg = self.user_message(user, chat, thread_id, photo=stored.as_photo(), **extra)
        return self.message_update(msg)

    def my_chat_member_update(
        self, user: dict[str, Any], new_status: str = "kicked", old_status: str = "member"
    ) -> dict[str, Any]:
        """The update Telegram sends when a user blocks (kicked) or restarts (member) the bot."""

        def member(status: str) -> dict[str, Any]:
            """ChatMember of the bot with this status."""
            out: dict[str, Any] = {"user": self.bot_user, "status": status}
            if status == "kicked":
                out["until_date"] = 0
            return out

        change = {
            "chat": self._chat_of(user, None),
            "from": user,
            "date": self.unix_now(),
            "old_chat_member": member(old_status),
            "new_chat_member": member(new_status),
        }
        return {"update_id": self.next_update_id(), "my_chat_member": change}
