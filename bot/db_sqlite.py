"""SQLite for the async engine without a thread hop per call.

SQLAlchemy's aiosqlite dialect runs every DB-API call (cursor, execute, fetch, close, commit)
on aiosqlite's worker thread and waits for the answer on the event loop: about 4 round trips
per statement and 60 per turn of a conversation, which cost more CPU than the SQL itself
(measured with `python -m bench turns`). SQLite answers a short statement in microseconds, so
this module gives the same dialect connections that run sqlite3 calls inline instead
(through SQLAlchemy's documented `async_creator` hook; the dialect, pool and types are
unchanged).

The one thing a thread did for us is waiting for a lock: here the connection never blocks
(`timeout=0`), and a plain SQLITE_BUSY (another connection holds the write lock) is retried
with `await asyncio.sleep`, so the holder, maybe a coroutine of this very process, can finish.
A busy statement had no effect, so retrying it is safe. Other errors, including
SQLITE_BUSY_SNAPSHOT (the transaction must start over), are raised at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
SQLITE_BUSY = 5  # the plain code; extended codes (BUSY_SNAPSHOT = 517) are not retried
FIRST_WAIT, MAX_WAIT = 0.001, 0.05


async def _retry_busy(call: Callable[[], T], timeout: float) -> T:
    deadline, wait = time.monotonic() + timeout, FIRST_WAIT
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) != SQLITE_BUSY or \
                    time.monotonic() >= deadline:
                raise
        await asyncio.sleep(wait)
        wait = min(wait * 2, MAX_WAIT)


class InlineCursor:
    """The part of aiosqlite's Cursor that SQLAlchemy uses, running inline."""

    def __init__(self, cursor: sqlite3.Cursor, timeout: float) -> None:
        self._cursor = cursor
        self._timeout = timeout

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        """Run one statement (retried while the database is busy)."""
        await _retry_busy(lambda: self._cursor.execute(sql, parameters), self._timeout)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        """Run a statement for each parameter set."""
        rows = list(parameters)
        await _retry_busy(lambda: self._cursor.executemany(sql, rows), self._timeout)
        return self

    async def fetchone(self) -> Any:
        """The next row."""
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Up to `size` rows."""
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        """Every remaining row."""
        return self._cursor.fetchall()

    async def close(self) -> None:
        """Close the cursor."""
        self._cursor.close()

    @property
    def description(self) -> Any:
        """Column descriptions of the last query."""
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """The rowid of the last inserted row."""
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        """Rows per fetchmany() by default."""
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _CursorFactory:
    """What `connection.cursor()` returns: SQLAlchemy enters it with `__aenter__`."""

    def __init__(self, make: Callable[[], InlineCursor]) -> None:
        self._make = make

    async def __aenter__(self) -> InlineCursor:
        return self._make()

    def __await__(self) -> Any:
        async def made() -> InlineCursor:
            return self._make()
        return made().__await__()


class _Inline:
    """Stands for aiosqlite's queue of calls to its thread: runs the call at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:
            future.set_exception(exc)


class InlineConnection:
    """The part of aiosqlite's Connection that SQLAlchemy uses, running inline."""

    def __init__(self, conn: sqlite3.Connection, timeout: float) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._timeout = timeout

    @property
    def _connection(self) -> sqlite3.Connection | None:  # SQLAlchemy checks it is open
        return self._conn

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn

    def cursor(self) -> _CursorFactory:
        """A new cursor."""
        return _CursorFactory(lambda: InlineCursor(self._open().cursor(), self._timeout))

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        """Run a statement on a new cursor."""
        return await InlineCursor(self._open().cursor(), self._timeout).execute(sql, parameters)

    async def commit(self) -> None:
        """Commit (retried while busy)."""
        conn = self._open()
        await _retry_busy(conn.commit, self._timeout)

    async def rollback(self) -> None:
        """Roll back."""
        self._open().rollback()

    async def close(self) -> None:
        """Close; closing twice is harmless."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        """Terminate (SQLAlchemy's hard close)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        """Register an SQL function."""
        self._open().create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        """The sqlite3 module's transaction handling."""
        return self._open().isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._open().isolation_level = value

    @property
    def _tx(self) -> _Inline:  # SQLAlchemy's isolation-level setter queues work here
        return _Inline()


def connector(path: str, timeout: float = 30.0) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine: inline connections to the file `path`."""

    async def connect() -> InlineConnection:
        conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
        return InlineConnection(conn, timeout)

    return connect
