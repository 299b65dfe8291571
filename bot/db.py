"""Database engine, sessions and migrations (Alembic), for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot import db_sqlite
from bot.security.files import private_file

ROOT = Path(__file__).resolve().parent.parent
# SQLite connections kept open. Busy web chat streams and turns had more sessions open at once
# than the default 5, so an overflow connection was opened (connect, three PRAGMAs, the schema
# read again) and closed for almost every message (`python -m bench webchat`); an idle SQLite
# connection costs a file handle and a page cache.
SQLITE_POOL = 32


def make_engine(url: str) -> AsyncEngine:
    """Create the async engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":  # see db_sqlite: no thread hop per call
            _private_database(Path(database))
            engine = create_async_engine(url, async_creator=db_sqlite.connector(database, 30),
                                         pool_size=SQLITE_POOL, max_overflow=SQLITE_POOL)
        else:
            engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _private_database(path: Path) -> None:
    """The SQLite file 0600 before SQLite opens it: its -wal and -shm get the same mode."""
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            private_file(side)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose work commits together, or rolls back on error.

    On SQLite the transaction takes the write lock first (BEGIN IMMEDIATE, waited for without
    blocking the loop): a deferred transaction that reads and then writes fails with
    SQLITE_BUSY_SNAPSHOT whenever another connection committed in between.
    """
    async with sessions() as session, session.begin():
        if session.get_bind().dialect.name == "sqlite":
            await session.execute(text("BEGIN IMMEDIATE"))
        yield session


def alembic_config() -> AlembicConfig:
    """Alembic configuration pointing at the migrations folder of this repository."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    return cfg


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` on the given engine."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


def is_unavailable(error: BaseException) -> bool:
    """True when `error` says the database is away or busy (connection refused or lost, a
    pool timeout, SQLite locked), not that the statement is wrong: worth waiting for."""
    if isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError):
        return True
    if isinstance(error, exc.DBAPIError):
        return bool(error.connection_invalidated)
    return isinstance(error, OSError | TimeoutError)
