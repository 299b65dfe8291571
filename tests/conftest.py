"""Shared fixtures: the app on SQLite and on PostgreSQL, a frozen clock, conversations."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.wiring import App, build_app
from bot.clock import FrozenClock
from bot.db import make_engine, upgrade
from bot.settings import Settings
from tests.emulators import TelegramEmulator
from tests.guards import txnet
from tests.support.convo import Convo
from tests.support.databases import create_pg_database, drop_pg_database, truncate_all

TEST_KEY = "test-secret-key-for-ghimar-desk-0123456789"
# Sunday 2026-11-22, 10:00 in Riyadh: inside working hours.
START = dt.datetime(2026, 11, 22, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session", autouse=True)
def network_guard() -> Iterator[txnet.Guard]:
    """Every test: no platform call inside a database transaction (tests/guards/txnet.py)."""
    yield from txnet.install()


@pytest.fixture(autouse=True)
def no_network_in_transaction(network_guard: txnet.Guard) -> Iterator[None]:
    """Fail the test at teardown, with both stacks, if it made such a call."""
    network_guard.take()  # a call recorded between tests belongs to no test
    yield
    network_guard.check()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"

    async def make() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(make())
    return path


@pytest.fixture(scope="session")
def pg_url() -> object:
    """The URL of this session's private PostgreSQL database (None without a server)."""
    import asyncio

    url = asyncio.run(create_pg_database())
    yield url
    if url:
        asyncio.run(drop_pg_database(url))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """Each test that uses the app runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "ghimar.sqlite3"
        shutil.copy(sqlite_template, target)
        return f"sqlite+aiosqlite:///{target}"
    url = request.getfixturevalue("pg_url")
    if not url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    return str(url)


@pytest.fixture
def clock() -> FrozenClock:
    """A clock that moves only when a test says so."""
    return FrozenClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database and data folder, a fixed key."""
    return Settings(database_url=database_url, data_dir=tmp_path / "data",
                    secret_key=TEST_KEY)  # type: ignore[arg-type]


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[App]:
    """The whole application, without the FAQ unless a test adds it."""
    bot = await build_app(settings, clock=clock, faq=None, migrate=False)
    # scripted conversations send dozens of messages in one frozen minute: the inbound
    # throttle is tested on its own (tests/engine/test_throttle.py), not in every test
    bot.engine.throttle.limit = bot.engine.throttle.answer_limit = 10_000
    if bot.db.dialect.name == "postgresql":
        await truncate_all(bot.db)
    yield bot
    await bot.close()


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    """The Telegram Bot API emulator, running."""
    async with TelegramEmulator() as emulator:
        yield emulator


@pytest.fixture
async def convo(app: App) -> Convo:
    """A beneficiary on the terminal channel who has already given consent."""
    c = Convo(app, "u1")
    await c.send("مرحبا")
    await c.press("أوافق")
    return c
