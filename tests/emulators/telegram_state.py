"""State of the Telegram emulator (chats, messages, files, topics) and message building."""

from __future__ import annotations

import copy
import hashlib
import mimetypes
import struct
import time
from dataclasses import dataclass
from typing import Any

from .common import UploadedFile, random_id
from .telegram_markup import MarkupError, parse_text, utf16_len

TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class TelegramApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        """Keep code, description and optional ResponseParameters."""
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> TelegramApiError:
    """A 400 error; `description` without the 'Bad Request: ' prefix is completed."""
    if not description.startswith("Bad Request"):
        description = f"Bad Request: {description}"
    return TelegramApiError(400, description)


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or sent by a test user)."""

    file_id: str
    file_unique_id: str
    content: bytes
    kind: str
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def as_document(self) -> dict[str, Any]:
        """Telegram Document object."""
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def as_photo(self) -> list[dict[str, Any]]:
        """Telegram PhotoSize list (a thumbnail and the full size)."""
        full = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "width": self.width,
            "height": self.height,
        }
        scale = max(self.width, self.height) / 90 or 1
        thumb = dict(full, file_id=self.file_id + "_s", file_unique_id=self.file_unique_id + "s")
        thumb.update(
            width=max(1, int(self.width / scale)), height=max(1, int(self.height / scale))
        )
        return [thumb, full] if scale > 1 else [full]


def image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG/GIF/JPEG, or a default 320x240 for anything else."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(content) and content[i] == 0xFF:
            marker, length = content[i + 1], int.from_bytes(content[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 320, 240


class TelegramState:
    """Mixin holding chats, messages, files and topics, with the Bot API methods on them."""

    bot_user: dict[str, Any]
    auto_create_chats: bool

    def init_state(self) -> None:
        """Create empty state."""
        self.chats: dict[Any, dict[str, Any]] = {}
        self.messages: dict[tuple[Any, int], dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.topics: dict[tuple[Any, int], dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[Any, dict[str, Any]] = {}
        self.bot_texts: dict[str, str] = {}
        self.blocked: dict[Any, str] = {}
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        self._last_message_id: dict[Any, int] = {}

    # ----- state helpers -------------------------------------------------------------------
    def block_user(self, user_id: int, description: str = "bot was blocked by the user") -> None:
        """Make every later send to this chat answer 403 Forbidden."""
        self.blocked[user_id] = f"Forbidden: {description}"

    def unblock_user(self, user_id: int) -> None:
        """Undo block_user."""
        self.blocked.pop(user_id, None)

    def next_message_id(self, chat_id: Any) -> int:
        """Allocate the next message_id in a chat (shared by both directions, like Telegram)."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def store_file(
        self, content: bytes, kind: str, file_name: str | None = None, mime: str | None = None
    ) -> StoredFile:
        """Register bytes so getFile and the download route serve them."""
        unique = hashlib.sha1(content + kind.encode()).hexdigest()[:16]
        ext = (file_name or "").rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
        if kind == "photo":
            ext = "jpg"
        folder = {"photo": "photos", "document": "documents"}.get(kind, kind + "s")
        path = f"{folder}/file_{len(self.files)}.{ext}"
        stored = StoredFile(
            random_id("BQAC", 24), "AgAD" + unique, content, kind, path, file_name, mime
        )
        if kind == "photo":
            stored.width, stored.height = image_size(content)
            thumb = copy.copy(stored)
            thumb.file_id += "_s"
            thumb.file_unique_id += "s"
            self.files[thumb.file_id] = thumb
        self.files[stored.file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def unix_now(self) -> int:
        """Unix time used for message dates."""
        return int(time.time())

    def resolve_chat(self, chat_id: Any) -> dict[str, Any]:
        """Find (or, when auto_create_chats, create) the chat for a chat_id parameter."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username", "").lower() == chat_id[1:].lower():
                    return chat
            raise bad_request("chat not found")
        if not isinstance(chat_id, int):
            raise bad_request("chat not found")
        if chat_id not in self.chats:
            if not self.auto_create_chats:
                raise bad_request("chat not found")
            if chat_id > 0:
                self.chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "User"}
            else:
                self.chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": "Group"}
        return self.chats[chat_id]

    def _target_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        """Resolve the chat of a send and apply blocking and topic checks."""
        chat = self.resolve_chat(p.get("chat_id"))
        if chat["id"] in self.blocked:
            raise TelegramApiError(403, self.blocked[chat["id"]])
        thread = p.get("message_thread_id")
        if thread and chat.get("is_forum"):
            topic = self.topics.get((chat["id"], thread))
            if topic is None or topic["state"] != "open":
                raise bad_request("message thread not found")
        return chat

    def _formatted(
        self, text: str, parse_mode: Any, entities: Any, limit: int, what: str
    ) -> tuple[str, list[dict[str, Any]]]:
        """Apply parse_mode (or explicit entities) and the length limit."""
        try:
            plain, ents = parse_text(text, parse_mode if not entities else None)
        except MarkupError as exc:
            raise bad_request(str(exc)) from None
        if entities:
            ents = list(entities)
        if not plain.strip():
            raise bad_request(f"{what} is empty")
        if utf16_len(plain) > limit:
            raise bad_request(
                "message is too long" if what == "message text" else "message caption is too long"
            )
        return plain, ents

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        """Validate an inline keyboard; return it when it should be echoed in the Message."""
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        for row in markup["inline_keyboard"]:
            for button in row:
                if not button.get("text"):
                    raise bad_request("BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _new_message(self, chat: dict[str, Any], p: dict[str, Any], **content: Any) -> dict:
        """Build, store and return a message sent by the bot."""
        reply_params = (
            p.get("reply_parameters") if isinstance(p.get("reply_parameters"), dict) else {}
        )
        reply_id = p.get("reply_to_message_id") or reply_params.get("message_id")
        reply_to = self.messages.get((chat["id"], reply_id)) if reply_id else None
        allow = p.get("allow_sending_without_reply") or reply_params.get(
            "allow_sending_without_reply"
        )
        if reply_id and reply_to is None and not allow:
            raise bad_request("message to be replied not found")
        markup = self._check_markup(p.get("reply_markup"))
        msg: dict[str, Any] = {
            "message_id": self.next_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": self.unix_now(),
        }
        thread = p.get("message_thread_id")
        if thread and chat.get("is_forum"):
            msg.update(message_thread_id=thread, is_topic_message=True)
        if reply_to is not None:
            msg["reply_to_message"] = {
                k: v for k, v in reply_to.items() if k != "reply_to_message"
            }
        msg.update(content)
        if markup:
            msg["reply_markup"] = markup
        self.messages[(chat["id"], msg["message_id"])] = msg
        return msg

    def _input_file(self, p: dict[str, Any], files: dict[str, UploadedFile], field: str) -> Any:
        """Resolve an InputFile parameter: upload, attach://name, known file_id or URL."""
        value = p.get(field)
        upload = files.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified ({value})")
        if upload is not None:
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            return self.store_file(upload.content, field, upload.filename, mime)
        if not value:
            raise bad_request(f"there is no {field} in the request")
        stored = self.files.get(str(value))
        if stored is None and str(value).startswith(("http://", "https://")):
            name = str(value).rstrip("/").rsplit("/", 1)[-1]
            stored = self.store_file(b"", field, name, None)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != field:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {field.title()}")
        return stored

    def _caption(self, p: dict[str, Any]) -> dict[str, Any]:
        """Caption fields of a media message."""
        if not p.get("caption"):
            return {}
        plain, ents = self._formatted(
            str(p["caption"]), p.get("parse_mode"), p.get("caption_entities"), 1024, "caption"
        )
        return {"caption": plain, "caption_entities": ents} if ents else {"caption": plain}

    def _edit_target(self, p: dict[str, Any]) -> dict[str, Any] | None:
        """The stored bot message an edit refers to (None for inline messages)."""
        if p.get("inline_message_id"):
            return None
        chat = self.resolve_chat(p.get("chat_id"))
        msg = self.messages.get((chat["id"], p.get("message_id")))
        if msg is None:
            raise bad_request("message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message can't be edited")
        return msg

    def _apply_edit(self, msg: dict[str, Any], changes: dict[str, Any], markup: Any) -> dict:
        """Apply an edit or raise 'message is not modified' like Telegram."""
        new = {k: v for k, v in msg.items() if k not in ("edit_date", "reply_markup")}
        for key, value in changes.items():
            if value:
                new[key] = value
            else:
                new.pop(key, None)
        if markup:
            new["reply_markup"] = markup
        if all(new.get(k) == msg.get(k) for k in (*changes, "reply_markup")):
            raise bad_request(NOT_MODIFIED)
        new["edit_date"] = self.unix_now()
        msg.clear()
        msg.update(new)
        return msg
