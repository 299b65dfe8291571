"""Bot API method implementations (api_<methodName>) on top of TelegramState."""

from __future__ import annotations

import json
from typing import Any

from .telegram_state import (
    CHAT_ACTIONS,
    TOPIC_COLORS,
    TelegramState,
    bad_request,
)


class TelegramMethods(TelegramState):
    """The Bot API methods the emulator implements; unknown methods answer 404."""

    def api_getMe(self, p: dict, files: dict) -> Any:
        """getMe."""
        return dict(
            self.bot_user,
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
        )

    def api_sendMessage(self, p: dict, files: dict) -> Any:
        """sendMessage."""
        chat = self._target_chat(p)
        text, ents = self._formatted(
            str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"), 4096, "message text"
        )
        return self._new_message(chat, p, text=text, **({"entities": ents} if ents else {}))

    def api_sendDocument(self, p: dict, files: dict) -> Any:
        """sendDocument."""
        chat = self._target_chat(p)
        caption = self._caption(p)
        doc = self._input_file(p, files, "document")
        return self._new_message(chat, p, document=doc.as_document(), **caption)

    def api_sendPhoto(self, p: dict, files: dict) -> Any:
        """sendPhoto."""
        chat = self._target_chat(p)
        caption = self._caption(p)
        photo = self._input_file(p, files, "photo")
        return self._new_message(chat, p, photo=photo.as_photo(), **caption)

    def api_editMessageText(self, p: dict, files: dict) -> Any:
        """editMessageText."""
        text, ents = self._formatted(
            str(p.get("text") or ""), p.get("parse_mode"), p.get("entities"), 4096, "message text"
        )
        markup = self._check_markup(p.get("reply_markup"))
        msg = self._edit_target(p)
        if msg is None:
            return True
        if "text" not in msg:
            raise bad_request("there is no text in the message to edit")
        return self._apply_edit(msg, {"text": text, "entities": ents}, markup)

    def api_editMessageCaption(self, p: dict, files: dict) -> Any:
        """editMessageCaption."""
        markup = self._check_markup(p.get("reply_markup"))
        msg = self._edit_target(p)
        if msg is None:
            return True
        caption = self._caption(p)
        changes = {
            "caption": caption.get("caption"),
            "caption_entities": caption.get("caption_entities"),
        }
        return self._apply_edit(msg, changes, markup)

    def api_editMessageReplyMarkup(self, p: dict, files: dict) -> Any:
        """editMessageReplyMarkup."""
        markup = self._check_markup(p.get("reply_markup"))
        msg = self._edit_target(p)
        return True if msg is None else self._apply_edit(msg, {}, markup)

    def api_deleteMessage(self, p: dict, files: dict) -> Any:
        """deleteMessage."""
        chat = self.resolve_chat(p.get("chat_id"))
        if self.messages.pop((chat["id"], p.get("message_id")), None) is None:
            raise bad_request("message to delete not found")
        return True

    def api_answerCallbackQuery(self, p: dict, files: dict) -> Any:
        """answerCallbackQuery (a query can be answered once)."""
        query_id = str(p.get("callback_query_id") or "")
        if not query_id or query_id in self.answered_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(p.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.answered_callbacks[query_id] = p
        return True

    def api_sendChatAction(self, p: dict, files: dict) -> Any:
        """sendChatAction."""
        self._target_chat(p)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def api_getFile(self, p: dict, files: dict) -> Any:
        """getFile."""
        stored = self.files.get(str(p.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def api_createForumTopic(self, p: dict, files: dict) -> Any:
        """createForumTopic; the thread id is the id of the topic's service message."""
        chat = self.resolve_chat(p.get("chat_id"))
        if not chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        name = str(p.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
        color = p.get("icon_color") or TOPIC_COLORS[0]
        if color not in TOPIC_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        return self.open_topic(chat, name, color, p.get("icon_custom_emoji_id"))

    def open_topic(
        self, chat: dict[str, Any], name: str, color: int = TOPIC_COLORS[0], emoji: Any = None
    ) -> dict[str, Any]:
        """Create a topic in a forum chat and return the ForumTopic object."""
        thread_id = self.next_message_id(chat["id"])
        topic = {"message_thread_id": thread_id, "name": name, "icon_color": color}
        if emoji:
            topic["icon_custom_emoji_id"] = emoji
        self.messages[(chat["id"], thread_id)] = {
            "message_id": thread_id,
            "from": self.bot_user,
            "chat": chat,
            "date": self.unix_now(),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": {"name": name, "icon_color": color},
        }
        self.topics[(chat["id"], thread_id)] = dict(topic, state="open")
        return topic

    def _topic(self, p: dict[str, Any]) -> dict[str, Any]:
        """Existing topic addressed by chat_id + message_thread_id."""
        chat = self.resolve_chat(p.get("chat_id"))
        topic = self.topics.get((chat["id"], p.get("message_thread_id")))
        if topic is None or topic["state"] == "deleted":
            raise bad_request("TOPIC_ID_INVALID")
        return topic

    def api_editForumTopic(self, p: dict, files: dict) -> Any:
        """editForumTopic."""
        topic = self._topic(p)
        if p.get("name"):
            topic["name"] = p["name"]
        return True

    def api_closeForumTopic(self, p: dict, files: dict) -> Any:
        """closeForumTopic (sending into it afterwards answers 'message thread not found')."""
        topic = self._topic(p)
        if topic["state"] == "closed":
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic["state"] = "closed"
        return True

    def api_reopenForumTopic(self, p: dict, files: dict) -> Any:
        """reopenForumTopic."""
        topic = self._topic(p)
        if topic["state"] == "open":
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic["state"] = "open"
        return True

    def api_deleteForumTopic(self, p: dict, files: dict) -> Any:
        """deleteForumTopic (also drops the topic's messages)."""
        topic = self._topic(p)
        topic["state"] = "deleted"
        chat_id = self.resolve_chat(p.get("chat_id"))["id"]
        thread = topic["message_thread_id"]
        for key in [
            k
            for k, m in self.messages.items()
            if k[0] == chat_id and m.get("message_thread_id") == thread
        ]:
            del self.messages[key]
        return True

    @staticmethod
    def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
        """Storage key: (canonical scope JSON, language_code)."""
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def api_setMyCommands(self, p: dict, files: dict) -> Any:
        """setMyCommands, stored per scope and language_code."""
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands is empty")
        for cmd in commands:
            name = str(cmd.get("command", ""))
            if not (
                1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise bad_request("command description is empty")
        lang = str(p.get("language_code") or "")
        if lang and not (len(lang) == 2 and lang.isalpha()):
            raise bad_request("invalid language code specified")
        self.commands[self._commands_key(p)] = commands
        return True

    def api_getMyCommands(self, p: dict, files: dict) -> Any:
        """getMyCommands for exactly the given scope and language."""
        return self.commands.get(self._commands_key(p), [])

    def api_deleteMyCommands(self, p: dict, files: dict) -> Any:
        """deleteMyCommands."""
        self.commands.pop(self._commands_key(p), None)
        return True

    def api_setChatMenuButton(self, p: dict, files: dict) -> Any:
        """setChatMenuButton."""
        self.menu_buttons[p.get("chat_id")] = p.get("menu_button") or {"type": "default"}
        return True

    def api_getChatMenuButton(self, p: dict, files: dict) -> Any:
        """getChatMenuButton."""
        return self.menu_buttons.get(p.get("chat_id"), {"type": "commands"})

    def _set_bot_text(self, key: str, p: dict[str, Any]) -> bool:
        """Store name/description/short_description per language."""
        self.bot_texts[f"{key}:{p.get('language_code') or ''}"] = str(p.get(key) or "")
        return True

    def api_setMyName(self, p: dict, files: dict) -> Any:
        """setMyName."""
        return self._set_bot_text("name", p)

    def api_setMyDescription(self, p: dict, files: dict) -> Any:
        """setMyDescription."""
        return self._set_bot_text("description", p)

    def api_setMyShortDescription(self, p: dict, files: dict) -> Any:
        """setMyShortDescription."""
        return self._set_bot_text("short_description", p)
