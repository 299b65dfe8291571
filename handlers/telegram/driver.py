"""What a Telegram library driver provides, and the errors both drivers raise alike.

A driver is thin: it turns our calls into its library's calls and its library's exceptions
into `ApiError` with one of the kinds below. It holds no conversation state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from handlers.telegram.render import Markup

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
