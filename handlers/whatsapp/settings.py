"""WHATSAPP_* environment settings, read only when the channel is made (never at import)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import WhatsAppConfig
from bot.settings import load_env_settings, long_secret

DEFAULT_BASE_URL = "https://graph.facebook.com"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class WhatsAppSettings(BaseSettings):
    """Secrets and endpoints of the WhatsApp Cloud API; secrets are SecretStr, never logged."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    access_token: SecretStr = Field(validation_alias=_env("WHATSAPP_ACCESS_TOKEN"))
    phone_number_id: str = Field(validation_alias=_env("WHATSAPP_PHONE_NUMBER_ID"))
    app_secret: SecretStr = Field(validation_alias=_env("WHATSAPP_APP_SECRET"))
    verify_token: SecretStr = Field(validation_alias=_env("WHATSAPP_VERIFY_TOKEN"))
    api_base_url: str = Field(DEFAULT_BASE_URL, validation_alias=_env("WHATSAPP_API_BASE_URL"))
    api_version: str | None = Field(None, validation_alias=_env("WHATSAPP_API_VERSION"))

    @field_validator("access_token", "app_secret", "verify_token", mode="before")
    @classmethod
    def _not_blank(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty")
        return value

    @field_validator("app_secret", "verify_token")
    @classmethod
    def _long_secret(cls, value: SecretStr) -> SecretStr:
        return long_secret(value) or value

    @field_validator("phone_number_id", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError("must be the numeric phone number id")
        return value.strip() if isinstance(value, str) else value

    @field_validator("api_base_url", mode="before")
    @classmethod
    def _base(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().rstrip("/") or DEFAULT_BASE_URL
            if not value.startswith(("http://", "https://")):
                raise ValueError("must start with http:// or https://")
        return value

    def version(self, config: WhatsAppConfig) -> str:
        """The Graph API version: the environment overrides config.yaml; always 'vNN.N'."""
        raw = (self.api_version or config.api_version).strip()
        return raw if raw.startswith("v") else f"v{raw}"


def load_whatsapp_settings(environ: Mapping[str, str] | None = None) -> WhatsAppSettings:
    """Build the settings from the environment; ConfigError names every missing/bad variable."""
    return load_env_settings(
        WhatsAppSettings, "WhatsApp environment settings", environ=environ, prefix="WHATSAPP_",
        missing="WhatsApp is enabled but these environment variables are not set: ")
