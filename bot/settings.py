"""Deployment settings and secrets from the environment (pydantic-settings).

Nothing reads the environment at import time: `Settings()` is built once at the
composition root (bot/app.py) and passed down.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.config import ConfigError

ROOT = Path(__file__).resolve().parent.parent
_PLACEHOLDERS = {"changeme", "change-me", "secret", "xxx", "todo"}
MIN_SECRET_LENGTH = 32  # API tokens and webhook secrets: long enough not to be guessed
S = TypeVar("S", bound=BaseSettings)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Values that differ per deployment; secrets are SecretStr and never logged."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field("", validation_alias=_env("GHIMAR_DATABASE_URL"))
    config_path: Path = Field(ROOT / "config.yaml", validation_alias=_env("GHIMAR_CONFIG"))
    channels: Annotated[list[str] | None, NoDecode] = Field(
        None, validation_alias=_env("GHIMAR_CHANNELS")
    )
    data_dir: Path = Field(Path("ghimar-data"), validation_alias=_env("GHIMAR_DATA_DIR"))
    secret_key: SecretStr | None = Field(None, validation_alias=_env("GHIMAR_SECRET_KEY"))
    log_level: str = Field("INFO", validation_alias=_env("GHIMAR_LOG_LEVEL"))
    log_format: Literal["text", "json"] = Field("text",
                                                validation_alias=_env("GHIMAR_LOG_FORMAT"))
    api_token: SecretStr | None = Field(None, validation_alias=_env("GHIMAR_API_TOKEN"))
    quiet_hours: str | None = Field(None, validation_alias=_env("GHIMAR_QUIET_HOURS"))
    http_host: str = Field("127.0.0.1", validation_alias=_env("GHIMAR_HTTP_HOST"))
    http_port: int = Field(8080, ge=0, le=65535, validation_alias=_env("GHIMAR_HTTP_PORT"))
    # The staff console's public origin (https://desk.example.org): sign-in links, Secure cookies.
    console_url: str | None = Field(None, validation_alias=_env("GHIMAR_CONSOLE_URL"))
    # the bearer token of /metrics (config.yaml `metrics`)
    metrics_token: SecretStr | None = Field(None, validation_alias=_env("GHIMAR_METRICS_TOKEN"))
    # rate limits shared by every worker of the bot (redis://host:6379/0); unset: per process
    redis_url: SecretStr | None = Field(None, validation_alias=_env("GHIMAR_REDIS_URL"))
    # several processes listen on http_port (SO_REUSEPORT; set by `bot run --workers N`)
    reuse_port: bool = Field(False, validation_alias=_env("GHIMAR_REUSE_PORT"))

    @field_validator("channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):
            return [c.strip() for c in value.split(",") if c.strip()]
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_format(cls, value: str | None) -> str | None:
        if value is not None:
            from bot.services.calendar import parse_quiet_hours

            parse_quiet_hours(value)
        return value

    @field_validator("secret_key", "api_token", "metrics_token")
    @classmethod
    def _no_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().lower() in _PLACEHOLDERS:
            raise ValueError("is a placeholder; set a real key")
        return value

    @field_validator("api_token", "metrics_token")
    @classmethod
    def _long_token(cls, value: SecretStr | None) -> SecretStr | None:
        return long_secret(value)

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'ghimar.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite store is used."""
        return self.effective_database_url.startswith("sqlite")


def long_secret(value: SecretStr | None) -> SecretStr | None:
    """A validator's check that a set secret has at least MIN_SECRET_LENGTH characters."""
    if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
        raise ValueError(f"is shorter than {MIN_SECRET_LENGTH} characters; use a long random "
                         "value (python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return value


def env_name(cls: type[BaseSettings], loc: tuple[int | str, ...]) -> str:
    """The environment variable behind a validation error's location (a field or its alias)."""
    field = str(loc[0]) if loc else "?"
    info = cls.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return alias if isinstance(alias, str) else field


def load_env_settings(
    cls: type[S], what: str, *, environ: Mapping[str, str] | None = None, prefix: str = "",
    missing: str | None = None, **overrides: Any,
) -> S:
    """Build `cls` from the environment (or only `environ`'s `prefix` variables).

    Every error becomes one ConfigError naming the variables: "invalid {what}:" and a line each;
    with `missing`, the unset required ones are listed after that sentence instead.
    """
    try:
        if environ is None:
            return cls(**overrides)
        known = {k: v for k, v in environ.items() if k.startswith(prefix)}
        return cls.model_validate({**known, **overrides})  # only this mapping, not os.environ
    except ValidationError as exc:
        unset, bad = [], []
        for item in exc.errors():
            name = env_name(cls, item["loc"])
            if missing is not None and item["type"] == "missing":
                unset.append(name)
            else:
                bad.append(f"  {name}: {item['msg']}")
        lines = [missing + ", ".join(sorted(unset))] if unset else []
        if bad:
            lines.append(f"invalid {what}:\n" + "\n".join(bad))
        raise ConfigError("\n".join(lines)) from exc


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment, turning errors into a ConfigError."""
    return load_env_settings(Settings, "environment settings", **overrides)
