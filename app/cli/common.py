"""What every command shares: settings loaded once, coroutines run with clear errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import typer

from bot.config import ConfigError
from bot.logging_setup import setup_logging
from bot.security.crypto import SecretKeyError
from bot.settings import Settings, load_settings


def load_cli_settings() -> Settings:
    """The settings from the environment, or exit 2 with the reason."""
    try:
        settings = load_settings()
        setup_logging(settings.log_level, settings.log_format)
        return settings
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def run_async(factory: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine, turning configuration errors into a clear message and exit code 2."""
    try:
        return asyncio.run(factory())
    except (ConfigError, SecretKeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def echo_result(message: str) -> None:
    """Print a command's one-line result; one starting "error" goes to stderr with exit code 1."""
    failed = message.startswith("error")
    typer.echo(message, err=failed)
    if failed:
        raise typer.Exit(1)
