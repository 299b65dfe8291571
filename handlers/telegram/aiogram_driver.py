"""The aiogram 3 driver (the default): Bot API calls through aiogram's Bot and AiohttpSession.

No Dispatcher, FSM or storage: updates are fetched raw and handed to the shared adapter,
conversation state lives in our database.
"""

from __future__ import annotations

from typing import Any

import aiogram.types
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
from aiogram.types import BufferedInputFile, File, Update
from pydantic import ValidationError

from handlers.telegram.driver import (
    ALLOWED_UPDATES,
    ApiError,
    ErrorKind,
    InvalidUpdate,
    LibraryDriver,
)
from handlers.telegram.settings import TelegramSettings

_PERMANENT = (TelegramBadRequest, TelegramNotFound, TelegramEntityTooLarge, TelegramMigrateToChat)


class RawGetUpdates(TelegramMethod[list[dict[str, Any]]]):
    """getUpdates answered as plain JSON objects, so one malformed update cannot block the rest."""

    __returning__ = list[dict[str, Any]]
    __api_method__ = "getUpdates"

    offset: int | None = None
    limit: int | None = None
    timeout: int | None = None
    allowed_updates: list[str] | None = None


def classify(exc: AiogramError | aiohttp.ClientError | TimeoutError) -> ApiError:
    """aiogram's exception (or the network's, for file downloads) -> ApiError."""
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


class AiogramDriver(LibraryDriver):
    """Bot API access through aiogram."""

    name = "aiogram"
    types = aiogram.types
    errors = (AiogramError, aiohttp.ClientError, TimeoutError)  # downloads stream outside aiogram
    classify = staticmethod(classify)

    def __init__(self, settings: TelegramSettings) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base_url))
        self.token = settings.token
        self.bot = Bot(settings.token, session=session,
                       default=DefaultBotProperties(parse_mode=None))

    def validate(self, update: dict[str, Any]) -> None:
        """Parse with aiogram's Update model."""
        try:
            Update.model_validate(update, context={"bot": self.bot})
        except ValidationError as exc:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
            raise InvalidUpdate(f"aiogram refused the update: {', '.join(fields)}") from None
        except (TypeError, ValueError) as exc:
            raise InvalidUpdate(f"aiogram refused the update: {type(exc).__name__}") from None

    async def _username(self) -> str:
        me = await self.bot.get_me()
        return me.username or ""

    async def _raw_updates(self, offset: int | None, timeout: int) -> list[dict[str, Any]]:
        method = RawGetUpdates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        return await self.bot(method, request_timeout=timeout + 15)

    def _document(self, content: bytes, file_name: str) -> dict[str, Any]:
        return {"document": BufferedInputFile(content, filename=file_name)}

    async def _file_bytes(self, file: File) -> bytes:
        if not file.file_path:
            raise ApiError(ErrorKind.BAD_REQUEST, "getFile gave no file_path")
        data = await self.bot.download_file(file.file_path)
        return data.getvalue() if data is not None else b""

    async def close(self) -> None:
        """Close aiogram's aiohttp session."""
        await self.bot.session.close()
