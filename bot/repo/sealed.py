"""One stored encrypted value, as it is on disk: what tells whether a key opens a database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.security.rotation import sealed_tables
from models.encrypted import is_token


async def one_sealed_value(conn: AsyncConnection) -> str | None:
    """The first encrypted value found in any table (still encrypted), or None when none is."""
    for sealed in sealed_tables():
        raw = sealed.raw()
        for name in sealed.encrypted:
            value = (await conn.execute(
                select(raw.c[name]).where(raw.c[name].is_not(None)).limit(1))).scalar()
            if isinstance(value, str) and is_token(value):
                return value
    return None
