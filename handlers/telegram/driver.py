"""What a Telegram library driver provides, the errors both drivers raise alike, and their base.

A driver is thin: it turns our calls into its library's calls and its library's exceptions
into `ApiError` with one of the kinds below. It holds no conversation state. `LibraryDriver`
holds every flow once; aiogram_driver.py and ptb_driver.py fill in only the hooks where the
two libraries differ.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from types import ModuleType
from typing import Any, ClassVar, Protocol

from handlers.telegram.render import ContactKeyboard, InlineKeyboard, Markup, RemoveKeyboard

# The updates the beneficiary channel needs (the staff desk may add more).
ALLOWED_UPDATES = ["message", "callback_query"]


class ErrorKind(Enum):
    """How a Bot API call failed, whatever the library."""

    RETRY_AFTER = "retry_after"  # 429: wait `retry_after` seconds
    FORBIDDEN = "forbidden"  # 403: blocked by the user, kicked from the group
    BAD_REQUEST = "bad_request"  # 400/404/413: this request will never succeed
    UNAUTHORIZED = "unauthorized"  # 401: the token was refused
    CONFLICT = "conflict"  # 409: another getUpdates or a webhook is active
    TRANSIENT = "transient"  # network, timeout, 5xx: try again later


class ApiError(Exception):
    """A Bot API call that failed, classified the same way by both drivers."""

    def __init__(self, kind: ErrorKind, description: str, retry_after: float | None = None):
        super().__init__(description)
        self.kind = kind
        self.description = description
        self.retry_after = retry_after


def scrubbed(error: ApiError, token: str) -> ApiError:
    """The same error with the bot token blanked out (some HTTP errors quote the URL)."""
    if not token or token not in error.description:
        return error
    return ApiError(error.kind, error.description.replace(token, "<token>"), error.retry_after)


class InvalidUpdate(Exception):
    """The library refused an update (malformed or outdated); the reason holds no user data."""


@dataclass(frozen=True)
class Command:
    """A bot command for setMyCommands."""

    command: str
    description: str


class Driver(Protocol):
    """The Bot API calls the Telegram channel makes, through aiogram or python-telegram-bot."""

    name: str
    bot: Any  # the library's Bot object, for hooks that need more (the staff desk)

    async def check_token(self) -> str:
        """getMe; the bot's username. ApiError(UNAUTHORIZED) for a refused token."""
        ...

    def validate(self, update: dict[str, Any]) -> None:
        """Parse the update with the library; raise InvalidUpdate when it refuses it."""
        ...

    async def get_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates, raw: each update as the JSON object Telegram sent."""
        ...

    async def send_text(self, chat_id: int, text: str, markup: Markup,
                        thread_id: int | None) -> int:
        """sendMessage as plain text; the new message's id."""
        ...

    async def send_document(self, chat_id: int, content: bytes, file_name: str, caption: str,
                            markup: Markup, thread_id: int | None) -> int:
        """sendDocument from bytes; the new message's id."""
        ...

    async def answer_callback(self, query_id: str) -> None:
        """answerCallbackQuery without a notification."""
        ...

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        """editMessageText without a keyboard (the old buttons disappear)."""
        ...

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """editMessageReplyMarkup with no markup."""
        ...

    async def download(self, file_id: str) -> bytes:
        """getFile, then fetch the file's bytes."""
        ...

    async def set_commands(self, commands: list[Command], language: str | None) -> None:
        """setMyCommands for one language (None: the default list)."""
        ...

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook with a secret token and ALLOWED_UPDATES."""
        ...

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates for getUpdates."""
        ...

    async def close(self) -> None:
        """Close the HTTP sessions."""
        ...


class LibraryDriver:
    """The Bot API flows both drivers share; a library module fills in the hooks below.

    Both libraries name their keyboard and command classes and the Bot methods' keyword
    arguments alike, so only constructing the bot, reading raw updates, validating an update,
    the document argument, reading a file, closing, and reading the library's exceptions differ.
    """

    name: ClassVar[str]
    types: ClassVar[ModuleType]  # the module with the library's Bot API types
    errors: ClassVar[tuple[type[BaseException], ...]]  # what `classify` understands
    bot: Any
    token: str

    @staticmethod
    def classify(exc: Any) -> ApiError:
        """Hook: the library's exception -> ApiError."""
        raise NotImplementedError

    @asynccontextmanager
    async def api(self) -> AsyncIterator[None]:
        """Run library calls, raising their failures as token-free ApiErrors."""
        try:
            yield
        except self.errors as exc:
            raise scrubbed(self.classify(exc), self.token) from None

    def markup(self, markup: Markup) -> Any:
        """Our keyboard spec -> the library's reply_markup."""
        kinds = self.types
        if isinstance(markup, InlineKeyboard):
            return kinds.InlineKeyboardMarkup(inline_keyboard=[
                [kinds.InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
                for row in markup.rows
            ])
        if isinstance(markup, ContactKeyboard):
            rows = [[kinds.KeyboardButton(text=markup.contact_label, request_contact=True)]]
            rows += [[kinds.KeyboardButton(text=label)] for label in markup.extra]
            return kinds.ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True,
                                             one_time_keyboard=True)
        if isinstance(markup, RemoveKeyboard):
            return kinds.ReplyKeyboardRemove()
        return None

    async def _username(self) -> str:
        """Hook: getMe (and whatever the library prepares with it); the bot's username."""
        raise NotImplementedError

    async def _raw_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """Hook: getUpdates without parsing, so one malformed update cannot block the rest."""
        raise NotImplementedError

    def _document(self, content: bytes, file_name: str) -> dict[str, Any]:
        """Hook: sendDocument's arguments for a file given as bytes."""
        raise NotImplementedError

    async def _file_bytes(self, file: Any) -> bytes:
        """Hook: the content of a file getFile described."""
        raise NotImplementedError

    async def check_token(self) -> str:
        """getMe; the bot's username. ApiError(UNAUTHORIZED) for a refused token."""
        async with self.api():
            return await self._username()

    async def get_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """Long poll for raw updates."""
        async with self.api():
            return list(await self._raw_updates(offset, timeout) or [])

    async def send_text(self, chat_id: int, text: str, markup: Markup,
                        thread_id: int | None) -> int:
        """sendMessage."""
        async with self.api():
            sent = await self.bot.send_message(chat_id=chat_id, text=text,
                                               message_thread_id=thread_id,
                                               reply_markup=self.markup(markup))
        return int(sent.message_id)

    async def send_document(self, chat_id: int, content: bytes, file_name: str, caption: str,
                            markup: Markup, thread_id: int | None) -> int:
        """sendDocument."""
        async with self.api():
            sent = await self.bot.send_document(chat_id=chat_id, caption=caption or None,
                                                message_thread_id=thread_id,
                                                reply_markup=self.markup(markup),
                                                **self._document(content, file_name))
        return int(sent.message_id)

    async def answer_callback(self, query_id: str) -> None:
        """answerCallbackQuery."""
        async with self.api():
            await self.bot.answer_callback_query(query_id)

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        """editMessageText, dropping the inline keyboard."""
        async with self.api():
            await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """editMessageReplyMarkup without markup."""
        async with self.api():
            await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)

    async def download(self, file_id: str) -> bytes:
        """getFile + download."""
        async with self.api():
            return await self._file_bytes(await self.bot.get_file(file_id))

    async def set_commands(self, commands: list[Command], language: str | None) -> None:
        """setMyCommands."""
        items = [self.types.BotCommand(command=c.command, description=c.description)
                 for c in commands]
        async with self.api():
            await self.bot.set_my_commands(items, language_code=language)

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook."""
        async with self.api():
            await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        """deleteWebhook."""
        async with self.api():
            await self.bot.delete_webhook(drop_pending_updates=False)
