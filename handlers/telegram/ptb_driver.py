"""The python-telegram-bot 22 driver: Bot API calls through telegram.Bot and HTTPXRequest.

No Application, ConversationHandler or persistence: updates are fetched raw and handed to the
shared adapter, conversation state lives in our database.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import telegram
from telegram import Update
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
    ErrorKind,
    InvalidUpdate,
    LibraryDriver,
)
from handlers.telegram.settings import TelegramSettings


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


class RawBot(telegram.Bot):
    """telegram.Bot that can also long-poll for raw update objects."""

    async def raw_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        """getUpdates without parsing, so one malformed update cannot block the rest."""
        data: dict[str, Any] = {"timeout": timeout, "allowed_updates": ALLOWED_UPDATES}
        if offset is not None:
            data["offset"] = offset
        result = await self._post("getUpdates", data, read_timeout=timeout + 15)
        return list(result or [])


class PtbDriver(LibraryDriver):
    """Bot API access through python-telegram-bot."""

    name = "ptb"
    types = telegram
    errors = (TelegramError,)
    classify = staticmethod(classify)

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

    def validate(self, update: dict[str, Any]) -> None:
        """Parse with python-telegram-bot's Update."""
        try:
            Update.de_json(update, self.bot)
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise InvalidUpdate(f"python-telegram-bot refused the update: "
                                f"{type(exc).__name__}") from None

    async def _username(self) -> str:
        await self.bot.initialize()  # getMe, and the HTTP clients made ready
        return self.bot.username

    async def _raw_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        return await self.bot.raw_updates(offset, timeout)

    def _document(self, content: bytes, file_name: str) -> dict[str, Any]:
        return {"document": content, "filename": file_name}

    async def _file_bytes(self, file: telegram.File) -> bytes:
        return bytes(await file.download_as_bytearray())

    async def close(self) -> None:
        """Close the HTTP clients."""
        await self.bot.shutdown()
