"""Feedback, volunteer applications and knowledge gaps."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.references import format_reference
from models import Feedback, KnowledgeGap, VolunteerApplication

_R = TypeVar("_R", Feedback, VolunteerApplication)


async def add_feedback(
    session: AsyncSession, *, feedback: Feedback, prefix: str, year: int
) -> Feedback:
    """Store a suggestion or complaint and give it a reference."""
    return await _with_reference(session, feedback, prefix, year)


async def add_volunteer(
    session: AsyncSession, *, application: VolunteerApplication, prefix: str, year: int
) -> VolunteerApplication:
    """Store a volunteer application and give it a reference."""
    return await _with_reference(session, application, prefix, year)


async def _with_reference(session: AsyncSession, record: _R, prefix: str, year: int) -> _R:
    session.add(record)
    await session.flush()  # the id numbers the reference
    record.reference = format_reference(prefix, year, record.id or 0)
    return record


async def add_gap(
    session: AsyncSession, *, question: str, language: str, reason: str, entry_id: str | None
) -> None:
    """Log a question the FAQ could not answer well."""
    session.add(KnowledgeGap(question=question[:500], language=language, reason=reason,
                             entry_id=entry_id))


async def gap_rows(session: AsyncSession) -> list[tuple[str, str]]:
    """(question, reason) pairs for the knowledge-gap report."""
    stmt = select(KnowledgeGap.question, KnowledgeGap.reason).order_by(KnowledgeGap.id)
    return [(q, r) for q, r in (await session.execute(stmt)).all()]
