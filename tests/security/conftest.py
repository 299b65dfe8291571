"""A whole application on a SQLite file inside its own data folder, as deployed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.settings import Settings
from tests.conftest import TEST_KEY


def data_settings(folder: Path, key: str = TEST_KEY) -> Settings:
    """Settings whose SQLite file, key and documents all live in `folder`."""
    return Settings(data_dir=folder, secret_key=key, database_url="")  # type: ignore[arg-type]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The data folder (created by the app)."""
    return tmp_path / "ghimar-data"


@pytest.fixture
async def file_app(data_dir: Path, clock: FrozenClock) -> AsyncIterator[App]:
    """The application on `data_dir`, migrated on start like `make chat`."""
    bot = await build_app(data_settings(data_dir), clock=clock, faq=None)
    yield bot
    await bot.close()
