"""The aiogram 3 driver (the default): Bot API calls through aiogram's Bot and AiohttpSession.

No Dispatcher, FSM or storage: updates are fetched raw and handed to the shared adapter,
conversation state lives in our database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from pydantic import ValidationError

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

AioMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None
_PERMANENT = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge, TelegramMigrateToChat)


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answered as plain JSON objects, so one malformed update cannot block the rest."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


def classify(exc: AiogramError) -> ApiError:
    """aiogram's exception -> ApiError."""
    if isinstance(exc, TelegramRetryAfter):
        return ApiError(ErrorKind.RETRY_AFTER, exc.message, float(exc.retry_after))
    if isinstance(exc, TelegramForbiddenError):
        return ApiError(ErrorKind.FORBIDDEN, exc.message)
    if isinstance(exc, TelegramUnauthorizedError):
        return ApiError(ErrorKind.UNAUTHORIZED, exc.message)
    if isinstance(exc, TelegramConflictError):
        return ApiError(ErrorKind.CONFLICT, exc.message)
    if isinstance(exc, _PERMANENT):
        return ApiError(ErrorKind.BAD_REQUEST, exc.message)
    if isinstance(exc, ClientDecodeError):
        return ApiError(ErrorKind.TRANSIENT, "undecodable answer from the Bot API")
    return ApiError(ErrorKind.TRANSIENT, f"{type(exc).__name__}: {exc}")


@asynccontextmanager
async def _api(token: str) -> AsyncIterator[None]:
    try:
        yield
    except AiogramError as exc:
        raise scrubbed(classify(exc), token) from None
    except (aiohttp.ClientError, TimeoutError) as exc:  # file downloads stream outside aiogram
        error = ApiError(ErrorKind.TRANSIENT, f"{type(exc).__name__}: {exc}")
        raise scrubbed(error, token) from None


def to_markup(markup: Markup) -> AioMarkup:
    """Our keyboard spec -> aiogram's reply_markup."""
    if isinstance(markup, InlineKeyboard):
        return InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
            for row in markup.rows
        ])
    if isinstance(markup, ContactKeyboard):
        rows = [[KeyboardButton(text=markup.contact_label, request_contact=True)]]
        rows += [[KeyboardButton(text=label)] for label in markup.extra]
        return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)
    if isinstance(markup, RemoveKeyboard):
        return ReplyKeyboardRemove(remove_keyboard=True)
    return None


class AiogramDriver:
    """Bot API access through aiogram."""

    name = "aiogram"

    def __init__(self, settings: TelegramSettings) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base_url))
        self.token = settings.token
        self.bot = Bot(settings.token, session=session,
                       default=DefaultBotProperties(parse_mode=None))

    async def check_token(self) -> str:
        """getMe."""
        async with _api(self.token):
            me = await self.bot.get_me()
        return me.username or ""

    def validate(self, update: dict[str, Any]) -> None:
        """Parse with aiogram's Update model."""
        try:
            Update.model_validate(update, context={"bot": self.bot})
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            raise InvalidUpdate(f"aiogram refused the update: {', '.join(fields)}") from None
        except (TypeError, ValueError) as exc:
            raise InvalidUpdate(f"aiogram refused the update: {type(exc).__name__}") from None

    async def get_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """Long poll for raw updates."""
        method = RawGetUpdates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        async with _api(self.token):
            result = await self.bot(method, request_timeout=timeout + 15)
        return list(result or [])

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
        document = BufferedInputFile(content, filename=file_name)
        async with _api(self.token):
            sent = await self.bot.send_document(chat_id, document, message_thread_id=thread_id,
                                                caption=caption or None,
                                                reply_markup=to_markup(markup))
        return sent.message_id

    async def answer_callback(self, query_id: str) -> None:
        """answerCallbackQuery."""
        async with _api(self.token):
            await self.bot.answer_callback_query(query_id)

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> None:
        """editMessageText, dropping the inline keyboard."""
        async with _api(self.token):
            await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """editMessageReplyMarkup without markup."""
        async with _api(self.token):
            await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)

    async def download(self, file_id: str) -> bytes:
        """getFile + download."""
        async with _api(self.token):
            file = await self.bot.get_file(file_id)
            if not file.file_path:
                raise ApiError(ErrorKind.BAD_REQUEST, "getFile gave no file_path")
            data = await self.bot.download_file(file.file_path)
        return data.getvalue() if data is not None else b""

    async def set_commands(self, commands: list[Command], language: str | None) -> None:
        """setMyCommands."""
        items = [BotCommand(command=c.command, description=c.description) for c in commands]
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
        """Close aiogram's aiohttp session."""
        await self.bot.session.close()
