"""Feedback, volunteer applications and knowledge gaps."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.references import format_reference
from bot.repo._dialect import is_postgres
from models import Feedback, KnowledgeGap, ReferenceCounter, VolunteerApplication


async def next_number(session: AsyncSession, *, prefix: str, year: int) -> int:
    """The next number of the prefix's sequence for the year (1, 2, ...).

    One upsert: on PostgreSQL concurrent callers queue on the counter row's lock until the
    first transaction ends, so no two get the same number (a rolled-back one gives its back);
    SQLite has one writer at a time.
    """
    table = ReferenceCounter.__table__  # type: ignore[attr-defined]
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = (insert(table).values(prefix=prefix, year=year, last=1)
            .on_conflict_do_update(index_elements=["prefix", "year"],
                                   set_={"last": table.c.last + 1})
            .returning(table.c.last))
    return int((await session.execute(stmt)).scalar_one())

_R = TypeVar("_R", Feedback, VolunteerApplication)


async def add_feedback(
    session: AsyncSession, *, feedback: Feedback, prefix: str, year: int
) -> Feedback:
    """Store a suggestion or complaint and give it a reference numbered per kind and year."""
    number = await next_number(session, prefix=prefix, year=year)
    return await _with_reference(session, feedback, prefix, year, number)


async def add_volunteer(
    session: AsyncSession, *, application: VolunteerApplication, prefix: str, year: int
) -> VolunteerApplication:
    """Store a volunteer application and give it a reference."""
    return await _with_reference(session, application, prefix, year)


async def _with_reference(session: AsyncSession, record: _R, prefix: str, year: int,
                          number: int | None = None) -> _R:
    session.add(record)
    await session.flush()  # without a counter's number, the id numbers the reference
    record.reference = format_reference(prefix, year, record.id or 0 if number is None else number)
    return record


async def add_gap(
    session: AsyncSession, *, question: str, language: str, reason: str, entry_id: str | None
) -> None:
    """Log a question the FAQ could not answer well."""
    session.add(KnowledgeGap(question=question[:500], language=language, reason=reason,
                             entry_id=entry_id))


async def gap_rows(session: AsyncSession) -> list[tuple[str, str, str | None]]:
    """(question, reason, entry id) rows for the knowledge-gap report."""
    stmt = select(KnowledgeGap.question, KnowledgeGap.reason, KnowledgeGap.entry_id).order_by(
        KnowledgeGap.id
    )
    return [(q, r, e) for q, r, e in (await session.execute(stmt)).all()]
