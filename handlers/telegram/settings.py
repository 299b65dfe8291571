"""Telegram secrets and deployment values from the environment (read only inside `make`)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import ConfigError
from bot.settings import load_env_settings, long_secret

PUBLIC_API = "https://api.telegram.org"
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token
_NAMES = {
    "bot_token": "TELEGRAM_BOT_TOKEN",
    "api_base_url": "TELEGRAM_API_BASE_URL",
    "webhook_url": "TELEGRAM_WEBHOOK_URL",
    "webhook_secret": "TELEGRAM_WEBHOOK_SECRET",
    "driver": "TELEGRAM_DRIVER",
    "staff_chat_id": "TELEGRAM_STAFF_CHAT_ID",
    "polling_timeout": "TELEGRAM_POLLING_TIMEOUT",
    "staff_ids": "TELEGRAM_STAFF_IDS",
    "polling": "TELEGRAM_POLLING",
}


def _env(field: str) -> AliasChoices:
    return AliasChoices(_NAMES[field])


class TelegramSettings(BaseSettings):
    """The TELEGRAM_* variables; secrets are SecretStr and never logged."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    bot_token: SecretStr | None = Field(None, validation_alias=_env("bot_token"))
    api_base_url: str = Field(PUBLIC_API, validation_alias=_env("api_base_url"))
    webhook_url: str | None = Field(None, validation_alias=_env("webhook_url"))
    webhook_secret: SecretStr | None = Field(None, validation_alias=_env("webhook_secret"))
    driver: Literal["aiogram", "ptb"] | None = Field(None, validation_alias=_env("driver"))
    staff_chat_id: int | None = Field(None, validation_alias=_env("staff_chat_id"))
    polling_timeout: int = Field(25, ge=0, le=50, validation_alias=_env("polling_timeout"))
    staff_ids: str | None = Field(None, validation_alias=_env("staff_ids"))  # "9001:officer,..."
    # without a webhook: whether this process long-polls (`bot run --workers N`: only the
    # first; Telegram serves one getUpdates per token)
    polling: bool = Field(True, validation_alias=_env("polling"))

    @field_validator("webhook_url", "driver", "staff_chat_id", "bot_token", "webhook_secret",
                     mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return long_secret(value)

    @field_validator("api_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/") or PUBLIC_API
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @property
    def token(self) -> str:
        """The bot token (validated to be present by `load_telegram_settings`)."""
        return self.bot_token.get_secret_value() if self.bot_token else ""

    @property
    def secret(self) -> str:
        """The webhook secret token, or an empty string."""
        return self.webhook_secret.get_secret_value() if self.webhook_secret else ""

    @property
    def webhook_mode(self) -> bool:
        """True when Telegram pushes updates to our webhook instead of long polling."""
        return bool(self.webhook_url)


def load_telegram_settings() -> TelegramSettings:
    """Read and check the environment; ConfigError naming the variable when something is off."""
    settings = load_env_settings(TelegramSettings, "Telegram settings")
    if not settings.token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: the telegram channel needs the bot "
                          "token from @BotFather")
    if not _TOKEN_RE.match(settings.token):
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)")
    if settings.webhook_mode:
        if not settings.secret:
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET is not set: webhook mode "
                              "(TELEGRAM_WEBHOOK_URL) needs a secret token")
        if not _SECRET_RE.match(settings.secret):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and -, "
                              "at most 256 characters")
    return settings
