"""The redacted conversation transcript that staff see with an escalation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import TranscriptLine

MAX_LINE = 500


async def add(session: AsyncSession, *, identity_id: int, direction: str, text: str) -> None:
    """Append one line (cut to a sane length)."""
    session.add(TranscriptLine(identity_id=identity_id, direction=direction, text=text[:MAX_LINE]))


async def add_many(
    session: AsyncSession, *, identity_id: int, lines: list[tuple[str, str]], at: dt.datetime
) -> None:
    """Append (direction, text) lines in one statement, in order (the engine's hot path)."""
    if lines:
        await session.execute(insert(TranscriptLine), [
            {"identity_id": identity_id, "direction": d, "text": t[:MAX_LINE], "at": at}
            for d, t in lines
        ])


async def last_lines(
    session: AsyncSession, *, identity_id: int, limit: int = 10
) -> list[TranscriptLine]:
    """The most recent lines, oldest first."""
    stmt = (
        select(TranscriptLine)
        .where(TranscriptLine.identity_id == identity_id)
        .order_by(TranscriptLine.id.desc())
        .limit(limit)
    )
    rows = list((await session.execute(stmt)).scalars())
    return rows[::-1]
