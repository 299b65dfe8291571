"""A deployment in the environment: a migrated SQLite file, its data folder, the emulators."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY
from tests.emulators import TelegramEmulator, WhatsAppEmulator

WA = {"WHATSAPP_ACCESS_TOKEN": "EAAG-ghimar-doctor-token",
      "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
      "WHATSAPP_APP_SECRET": "wa-app-secret-0123456789abcdef012345",
      "WHATSAPP_VERIFY_TOKEN": "vt-verify-token-0123456789abcdef0123"}


@pytest.fixture
def env(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A migrated SQLite deployment in tmp_path; no variable from the developer's shell."""
    for name in list(os.environ):
        if name.startswith(("GHIMAR_", "TELEGRAM_", "WHATSAPP_")):
            monkeypatch.delenv(name)
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    shutil.copy(sqlite_template, data / "ghimar.sqlite3")
    (data / "ghimar.sqlite3").chmod(0o600)
    values = {"GHIMAR_DATA_DIR": str(data), "GHIMAR_SECRET_KEY": TEST_KEY}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
async def wa() -> AsyncIterator[WhatsAppEmulator]:
    """The WhatsApp Cloud API emulator."""
    async with WhatsAppEmulator(WA["WHATSAPP_ACCESS_TOKEN"], WA["WHATSAPP_PHONE_NUMBER_ID"],
                                WA["WHATSAPP_APP_SECRET"]) as emulator:
        yield emulator


@pytest.fixture
def channels_env(env: dict[str, str], tg: TelegramEmulator, wa: WhatsAppEmulator,
                 monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Both channels enabled and pointed at the emulators with the right tokens."""
    values = {**env, **WA, "GHIMAR_CHANNELS": "telegram,whatsapp",
              "TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.base_url,
              "WHATSAPP_API_BASE_URL": wa.base_url}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values
