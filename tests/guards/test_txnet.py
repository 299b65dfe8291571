"""The network-in-transaction guard fails on a bad snippet and stays quiet on good ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import make_engine, make_sessionmaker, transaction
from tests.emulators import TelegramEmulator
from tests.guards.txnet import Guard, NetworkInsideTransaction


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on this test's database (SQLite's inline connection, or asyncpg)."""
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def _get_me(tg: TelegramEmulator) -> None:
    async with (aiohttp.ClientSession() as http,
                http.post(f"{tg.base_url}/bot1:abc/getMe") as response):
        await response.read()


async def test_a_call_inside_a_transaction_is_caught_with_both_stacks(
    network_guard: Guard, sessions: async_sessionmaker[AsyncSession], tg: TelegramEmulator,
) -> None:
    async def bad_snippet() -> None:
        async with transaction(sessions) as session:
            await session.execute(text("SELECT 1"))
            await _get_me(tg)  # aiogram's road: aiohttp
            async with httpx.AsyncClient() as client:  # python-telegram-bot's and pywa's
                await client.post(f"{tg.base_url}/bot1:abc/getMe")

    await bad_snippet()
    found = network_guard.take()
    assert [v.call.split()[0] for v in found] == ["aiohttp", "httpx"]
    assert all("bad_snippet" in v.began and "bad_snippet" in v.stack for v in found)
    assert "/getMe" in found[0].call

    await bad_snippet()
    with pytest.raises(NetworkInsideTransaction, match="the transaction began at"):
        network_guard.check()
    network_guard.check()  # what was reported is not reported twice


async def test_a_session_opened_only_to_read_counts_too(
    network_guard: Guard, sessions: async_sessionmaker[AsyncSession], tg: TelegramEmulator,
) -> None:
    async with sessions() as session:
        await session.execute(text("SELECT 1"))  # autobegin: a transaction until closed
        await _get_me(tg)
    assert len(network_guard.take()) == 1


async def test_after_commit_another_task_and_a_spawned_task_are_not_inside(
    network_guard: Guard, sessions: async_sessionmaker[AsyncSession], tg: TelegramEmulator,
) -> None:
    async with transaction(sessions) as session:
        await session.execute(text("SELECT 1"))
    await _get_me(tg)  # after the commit

    async with sessions() as session:
        await session.execute(text("SELECT 1"))
        await session.rollback()
        await _get_me(tg)  # after a rollback, the session still open

    held, done = asyncio.Event(), asyncio.Event()

    async def other_task() -> None:
        async with transaction(sessions) as session:
            await session.execute(text("SELECT 1"))
            held.set()
            await done.wait()

    holder = asyncio.create_task(other_task())
    await held.wait()
    await _get_me(tg)  # another task's transaction, another connection
    done.set()
    await holder

    async with transaction(sessions) as session:
        await session.execute(text("SELECT 1"))
        spawned = asyncio.create_task(_get_me(tg))  # inherits the context, not the ownership
    await spawned
    assert network_guard.take() == []
