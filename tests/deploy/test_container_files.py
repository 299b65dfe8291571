"""compose.yaml names every variable the settings read; the image runs as a non-root user."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic_settings import BaseSettings

from bot.settings import Settings, env_name
from handlers.telegram.settings import TelegramSettings
from handlers.whatsapp.settings import WhatsAppSettings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS: tuple[type[BaseSettings], ...] = (Settings, TelegramSettings, WhatsAppSettings)


def variables(cls: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads, from its fields' aliases."""
    return {env_name(cls, (field,)) for field in cls.model_fields}


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_names_every_variable_of_the_settings() -> None:
    environment = compose()["services"]["bot"]["environment"]
    assert isinstance(environment, dict)
    wanted = set().union(*map(variables, SETTINGS))
    assert {"GHIMAR_SECRET_KEY", "TELEGRAM_BOT_TOKEN", "WHATSAPP_ACCESS_TOKEN"} <= wanted
    assert wanted - set(environment) == set()


def test_compose_secrets_come_from_the_environment_and_data_is_in_volumes() -> None:
    services = compose()["services"]
    bot = services["bot"]
    env = bot["environment"]
    for name in ("GHIMAR_SECRET_KEY", "GHIMAR_DATABASE_URL"):  # required: compose stops without
        assert re.search(r"\$\{[A-Z_]+:\?", env[name]), name
    assert env["GHIMAR_DATA_DIR"] == "/data" and "ghimar-data:/data" in bot["volumes"]
    assert env["TELEGRAM_BOT_TOKEN"] is None  # passed through from .env, never written here
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["profiles"] == ["redis"]
    assert ".env" in (ROOT / ".gitignore").read_text().split()  # secrets never committed


def test_the_image_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    final = dockerfile.rsplit("\nFROM ", 1)[1]  # the runtime stage
    users = re.findall(r"^USER\s+(\S+)", final, re.MULTILINE)
    assert users, "the runtime stage sets no USER: it would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "fonts-noto-core" in final and final.startswith("python:3.11-slim")


def test_dockerignore_keeps_secrets_and_local_data_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", "ghimar-data/", ".venv/", ".git/", "*.key"):
        assert entry in ignored
