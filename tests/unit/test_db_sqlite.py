"""SQLite connections that run inline: a busy database is waited for without blocking."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.db import make_engine, make_sessionmaker, transaction
from bot.db_sqlite import InlineConnection


async def _engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (x INTEGER)"))
    return engine


async def test_file_databases_use_inline_connections(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            assert mode == "wal"
    finally:
        await engine.dispose()


async def test_a_writer_waits_for_another_coroutine_holding_the_lock(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)
    sessions = make_sessionmaker(engine)
    holding = asyncio.Event()
    order: list[str] = []

    async def first() -> None:
        async with transaction(sessions) as s:
            await s.execute(text("INSERT INTO t VALUES (1)"))  # takes the write lock
            holding.set()
            await asyncio.sleep(0.3)  # other coroutines run meanwhile
            order.append("first commits")

    async def second() -> None:
        await holding.wait()
        started = time.monotonic()
        async with transaction(sessions) as s:
            await s.execute(text("INSERT INTO t VALUES (2)"))  # busy until first commits
        order.append("second commits")
        assert time.monotonic() - started >= 0.2

    ticks = 0

    async def heartbeat() -> None:  # the loop is never blocked while second waits
        nonlocal ticks
        while len(order) < 2:
            ticks += 1
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(asyncio.gather(first(), second(), heartbeat()), timeout=10)
        async with sessions() as s:
            assert (await s.execute(text("SELECT count(*) FROM t"))).scalar() == 2
    finally:
        await engine.dispose()
    assert order == ["first commits", "second commits"]
    assert ticks >= 10


async def test_a_stale_snapshot_fails_at_once_instead_of_waiting(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as reader:
            await reader.execute(text("BEGIN"))
            await reader.execute(text("SELECT count(*) FROM t"))  # snapshot taken
            async with transaction(sessions) as writer:
                await writer.execute(text("INSERT INTO t VALUES (1)"))
            started = time.monotonic()
            with pytest.raises(OperationalError) as caught:
                await reader.execute(text("INSERT INTO t VALUES (2)"))
            assert time.monotonic() - started < 1.0
            orig = caught.value.orig
            assert isinstance(orig, sqlite3.OperationalError)
            assert orig.sqlite_errorname == "SQLITE_BUSY_SNAPSHOT"
    finally:
        await engine.dispose()
