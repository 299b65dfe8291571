"""Portable "insert, ignore if it exists" for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgres(session: AsyncSession) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


async def insert_ignore(session: AsyncSession, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless a unique key already holds it; True when inserted."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(table).values(**values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    return bool(result.rowcount)
