"""Portable "insert, ignore if it exists" for SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


@cache
def _insert_ignore_statement(table: Any, postgres: bool) -> Insert:
    """`INSERT ... ON CONFLICT DO NOTHING` on the model's table, built once per dialect
    (inbound receipts run it on every message); the values come as parameters. Core on the
    Table keeps the result's rowcount."""
    insert = pg_insert if postgres else sqlite_insert
    return insert(table.__table__).on_conflict_do_nothing()


async def insert_ignore(session: AsyncSession, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless a unique key already holds it; True when inserted."""
    stmt = _insert_ignore_statement(table, is_postgres(session))
    result = await session.execute(stmt, values)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def insert_ignore_id(session: AsyncSession, table: Any, values: dict[str, Any]
                           ) -> int | None:
    """Like `insert_ignore`; the new row's primary key, None when the row already existed."""
    stmt = _insert_ignore_statement(table, is_postgres(session))
    result = await session.execute(stmt, values)
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
