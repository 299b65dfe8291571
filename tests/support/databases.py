"""Test databases: a migrated SQLite template copied per test, and a private PostgreSQL database.

The PostgreSQL server is the machine's (127.0.0.1:5432, trust auth). Each test session makes
its own database, so parallel runs never see each other's rows. Without a server the
PostgreSQL tests are skipped, unless GHIMAR_REQUIRE_PG=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from bot.db import make_engine, upgrade

ADMIN_URL = os.environ.get("GHIMAR_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def pg_required() -> bool:
    """True when a missing PostgreSQL must fail the run instead of skipping."""
    return os.environ.get("GHIMAR_REQUIRE_PG") == "1"


async def create_pg_database() -> str | None:
    """Create and migrate a fresh database; its URL, or None when there is no server."""
    name = f"ghimar_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except (TimeoutError, OSError, Exception) as exc:
        await admin.dispose()
        if pg_required():
            raise RuntimeError(f"PostgreSQL is required but not reachable: {exc}") from exc
        return None
    await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url


async def drop_pg_database(url: str) -> None:
    """Drop a database made by create_pg_database."""
    name = url.rsplit("/", 1)[1]
    admin = create_async_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every table (PostgreSQL), restarting ids."""
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
