"""The python-telegram-bot 22 driver: Bot API calls through telegram.Bot and HTTPXRequest.

No Application, ConversationHandler or persistence: updates are fetched raw and handed to the
shared adapter, conversation state lives in our database.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import telegram
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest

from handlers.telegram.driver import (
    ALLOWED_UPDATES,
    ApiError,
    Command,
    ErrorKind,
    InvalidUpdate,
    scrubbed,
)
from handlers.telegram.render import ContactKeyboard, InlineKeyboard, Markup, RemoveKeyboard
from handlers.telegram.settings import TelegramSettings

PtbMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def retry_seconds(exc: RetryAfter) -> float:
    """retry_after is an int or a timedelta depending on PTB_TIMEDELTA; read it without warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def classify(exc: TelegramError) -> ApiError:
    """python-telegram-bot's exception -> ApiError (BadRequest is a NetworkError: check first)."""
    if isinstance(exc, RetryAfter):
        return ApiError(ErrorKind.RETRY_AFTER, exc.message, retry_seconds(exc))
    if isinstance(exc, Forbidden):
        return ApiError(ErrorKind.FORBIDDEN, exc.message)
    if isinstance(exc, InvalidToken):
        return ApiError(ErrorKind.UNAUTHORIZED, "the bot token was refused")
    if isinstance(exc, Conflict):
        return ApiError(ErrorKind.CONFLICT, exc.message)
    if isinstance(exc, BadRequest | ChatMigrated | EndPointNotFound):
        return ApiError(ErrorKind.BAD_REQUEST, exc.message)
    return ApiError(ErrorKind.TRANSIENT, f"{type(exc).__name__}: {exc.message}")


@asynccontextmanager
async def _api(token: str) -> AsyncIterator[None]:
    try:
        yield
    except TelegramError as exc:
        raise scrubbed(classify(exc), token) from None


def to_markup(markup: Markup) -> PtbMarkup:
    """Our keyboard spec -> python-telegram-bot's reply_markup."""
    if isinstance(markup, InlineKeyboard):
        return InlineKeyboardMarkup([
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in markup.rows
        ])
    if isinstance(markup, ContactKeyboard):
        rows = [[KeyboardButton(markup.contact_label, request_contact=True)]]
        rows += [[KeyboardButton(label)] for label in markup.extra]
        return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)
    if isinstance(markup, RemoveKeyboard):
        return ReplyKeyboardRemove()
    return None


class RawBot(telegram.Bot):
    """telegram.Bot that can also long-poll for raw update objects."""

    async def raw_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates without parsing, so one malformed update cannot block the rest."""
        data: dict[str, Any] = {"timeout": timeout, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            data["offset"] = offset
        result = await self._post("getUpdates", data, read_timeout=timeout + 15)
        return list(result or [])


class PtbDriver:
    """Bot API access through python-telegram-bot."""

    name = "ptb"

    def __init__(self, settings: TelegramSettings) -> None:
        base = settings.api_base_url
        self.token = settings.token
        self.bot = RawBot(
            settings.token,
            base_url=f"{base}/bot",
            base_file_url=f"{base}/file/bot",
            request=HTTPXRequest(connection_pool_size=64, read_timeout=30, write_timeout=30,
                                 connect_timeout=10, pool_timeout=30),
            get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=30,
                                             connect_timeout=10, pool_timeout=10),
        )

    async def check_token(self) -> str:
        """initialize() calls getMe and prepares the HTTP clients."""
        async with _api(self.token):
            await self.bot.initialize()
        return self.bot.username

    def validate(self, update: dict[str, Any]) -> None:
        """Parse with python-telegram-bot's Update."""
        try:
            Update.de_json(update, self.bot)
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise InvalidUpdate(f"python-telegram-bot refused the update: "
                                f"{type(exc).__name__}") from None

    async def get_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """Long poll for raw updates."""
        async with _api(self.token):
            return await self.bot.raw_updates(offset, timeout)

    async def send_text(self, chat_id: int, text: str, markup: Markup,
                        thread_id: int | None) -> int:
        """sendMessage."""
        async with _api(self.token):
            sent = await self.bot.send_message(chat_id, text, message_thread_id=thread_id,
                                               reply_markup=to_markup(markup))
        return sent.message_id

    async def send_document(self, chat_id: int, content: bytes, file_name: str, caption: str,
                            markup: Markup, thread_id: int | None) -> int:
        """sendDocument."""
        async with _api(self.token):
            sent = await self.bot.send_document(chat_id, content, filename=file_name,
                                                caption=caption or None,
                                                message_thread_id=thread_id,
                                                reply_markup=to_markup(markup))
        return sent.message_id

    async def answer_callback(self, query_id: str) -> None:
        """answerCallbackQuery."""
        async with _api(self.token):
            await self.bot.answer_callback_query(query_id)

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        """editMessageText, dropping the inline keyboard."""
        async with _api(self.token):
            await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """editMessageReplyMarkup without markup."""
        async with _api(self.token):
            await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)

    async def download(self, file_id: str) -> bytes:
        """getFile + download."""
        async with _api(self.token):
            file = await self.bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())

    async def set_commands(self, commands: list[Command], language: str | None) -> None:
        """setMyCommands."""
        items = [BotCommand(c.command, c.description) for c in commands]
        async with _api(self.token):
            await self.bot.set_my_commands(items, language_code=language)

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook."""
        async with _api(self.token):
            await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        """deleteWebhook."""
        async with _api(self.token):
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def close(self) -> None:
        """Close the HTTP clients."""
        await self.bot.shutdown()
